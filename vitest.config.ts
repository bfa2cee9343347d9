import { defineConfig } from "vitest/config";

// Kept apart from vite.config.ts so the Remix plugin is not loaded in tests.
export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["tests/server/global-build.ts"],
    // Custom matchers (toRedirectTo, toHaveSessionCookie, toClearSessionCookie) for every file.
    setupFiles: ["tests/support/matchers.ts"],
  },
});
