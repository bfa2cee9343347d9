import { vitePlugin as remix } from "@remix-run/dev";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}

// One build for Node and Deno (see docs/decisions/0002-one-build-node-and-deno.md):
// the server bundle targets web workers and inlines every dependency except PGlite
// (which must load its WASM files from node_modules) and ws.
export default defineConfig(({ command }) => ({
  plugins: [
    tailwindcss(),
    remix({
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
          external: ["@electric-sql/pglite", "ws"],
          resolve: { conditions: ["worker", "browser"], externalConditions: ["worker", "browser"] },
        }
      : {
          resolve: { conditions: ["worker", "browser"], externalConditions: ["worker", "browser"] },
        },
  build: { target: "es2022" },
}));
