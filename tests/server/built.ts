import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** What the tests that start the real production build share (tests/server/*-server and start-up tests). */
export const ROOT = process.cwd();
export const BUILD = join(ROOT, "build/server/index.js");

function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Builds as `npm run build` does (Remix build, then the precompressed assets) when build/ is
 * missing or older than the sources. Called once before all test files (vitest.config.ts
 * globalSetup: tests/server/global-build.ts), so parallel test files never build at the same time.
 */
export function ensureBuild(): void {
  const sources = Math.max(newestMtime(join(ROOT, "app")), newestMtime(join(ROOT, "vite.config.ts")), newestMtime(join(ROOT, "package-lock.json")));
  if (existsSync(BUILD) && statSync(BUILD).mtimeMs >= sources) return;
  // NODE_ENV=production as `npm run build` has it: Vitest sets NODE_ENV=test, and Vite would then
  // bundle React's development build into the client assets.
  const env = { ...process.env, NODE_ENV: "production" };
  execFileSync(join(ROOT, "node_modules/.bin/remix"), ["vite:build"], { cwd: ROOT, env, stdio: "pipe" });
  execFileSync(process.execPath, ["scripts/precompress.js"], { cwd: ROOT, stdio: "pipe" });
}

/** A free TCP port on the loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
