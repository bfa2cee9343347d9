// ESLint flat config for the whole tree: app/, server/, tests/, e2e/, scripts/ and root configs.
// Syntax-only TypeScript rules (no type information) to keep `npm run lint` fast; `tsc` does the typing.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["build/**", "node_modules/**", ".tmp/**", ".data/**", ".cache/**", "test-results/**", "playwright-report/**", "supabase/.temp/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{js,mjs,cjs,ts,tsx}"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Remix app: runs in the browser and on the server (web-standard APIs on both).
    files: ["app/**/*.{ts,tsx}"],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // Layer boundary (docs/architecture.md): routes use ports from app/.server, never a database
    // client, an adapter folder or another route. Route modules sit at app/routes/<folder>/, so a
    // relative import starting with "../" (but not "../../") lands in another route folder.
    files: ["app/routes/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@supabase/*", "@electric-sql/*"],
              message: "Layer boundary: routes use ports from app/.server, not database clients (docs/architecture.md).",
            },
            {
              regex: "(^~/|/)\\.server/(supabase|embedded)(/|$)",
              message: "Layer boundary: routes use ports from app/.server, not the supabase/ or embedded/ adapters (docs/architecture.md).",
            },
            {
              regex: "(^~/routes(/|$))|(^\\.\\./(?!\\.\\./))|(^(\\.\\./)+routes(/|$))",
              message: "Layer boundary: a route does not import another route; move shared code to app/.server, app/components or app/utils (docs/architecture.md).",
            },
          ],
        },
      ],
    },
  },
  {
    // Function length (docs/decisions/0026-structure-checks.md): at most 120 lines of code per
    // function, blank lines and comments not counted, in the app, the servers and the scripts.
    // Not the tests (a describe block is a list of cases) nor the generated database types.
    files: ["app/**/*.{js,ts,tsx}", "server/**/*.js", "scripts/**/*.{js,ts}"],
    ignores: ["app/.server/database.types.ts"],
    rules: { "max-lines-per-function": ["error", { max: 120, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Runs under Deno only (type-checked with `npm run deno:check`).
    files: ["server/deno.js"],
    languageOptions: { globals: { Deno: "readonly" } },
  },
  {
    // Plain-JS server files document their types with JSDoc; allow `any` casts there.
    files: ["server/**/*.js"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
