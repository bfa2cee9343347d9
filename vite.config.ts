import { vitePlugin as remix } from "@remix-run/dev";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig, type Plugin } from "vite";

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}

/**
 * `PORTAL_BUILD_TARGET=edge` (set by scripts/build-edge.js only): the Supabase-only server build
 * the edge bundle is made from (docs/decisions/0016-edge-bundle.md). It goes to build/edge/remix/,
 * bundles `ws` too (its browser stub: edge runtimes have a global WebSocket), and the embedded
 * adapter (PGlite, node:fs, the DGFiP simulator, the dev mailbox) is replaced by noEmbeddedAdapter.
 */
const edge = process.env.PORTAL_BUILD_TARGET === "edge";

const NO_EMBEDDED_ID = "\0portal-no-embedded-adapter";

/**
 * Resolves app/.server/embedded/backend.ts — imported only by the adapter selection in
 * app/.server/backend.ts — to a module whose createEmbeddedBackend throws a clear error, so
 * nothing of the embedded default reaches the edge bundle.
 */
function noEmbeddedAdapter(): Plugin {
  return {
    name: "portal-no-embedded-adapter",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!options?.ssr || !/(^|\/)embedded\/backend(\.ts)?$/.test(source)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && /\/app\/\.server\/embedded\/backend\.ts$/.test(resolved.id) ? NO_EMBEDDED_ID : null;
    },
    load(id) {
      if (id !== NO_EMBEDDED_ID) return null;
      return `
export function createEmbeddedBackend() {
  const error = new Error(
    "this is the edge bundle (build/edge/server.js): it has the Supabase adapters only, not the embedded default. " +
      "Set SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY and SITE_URL (docs/deploy-edge.md); " +
      "the embedded default runs with \`npm start\` or \`npm run start:deno\`.",
  );
  error.name = "EmbeddedAdapterUnavailableError";
  throw error;
}
export function createEmbeddedBackendFor() {
  return createEmbeddedBackend();
}
`;
    },
  };
}

// One build for Node and Deno (see docs/decisions/0002-one-build-node-and-deno.md):
// the server bundle targets web workers and inlines every dependency except PGlite
// (which must load its WASM files from node_modules) and ws.
export default defineConfig(({ command }) => ({
  plugins: [
    tailwindcss(),
    ...(edge ? [noEmbeddedAdapter()] : []),
    remix({
      ...(edge ? { buildDirectory: "build/edge/remix" } : {}),
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  ssr:
    command === "build"
      ? {
          target: "webworker",
          noExternal: true,
          external: edge ? [] : ["@electric-sql/pglite", "ws"],
          resolve: { conditions: ["worker", "browser"], externalConditions: ["worker", "browser"] },
        }
      : {
          resolve: { conditions: ["worker", "browser"], externalConditions: ["worker", "browser"] },
        },
  build: { target: "es2022" },
}));
