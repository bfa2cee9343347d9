import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureBuild, ROOT } from "./built";

/** The edge bundle `npm run build` ends with (scripts/build-edge.js), tested by tests/server/edge-bundle.test.ts. */
export const EDGE_BUNDLE = join(ROOT, "build/edge/server.js");

function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the edge bundle when missing or older than what goes into it. */
function ensureEdgeBuild(): void {
  const inputs = ["app", "server", "vite.config.ts", "package-lock.json", "scripts/build-edge.js", "scripts/precompress.js"];
  const sources = Math.max(...inputs.map((input) => newestMtime(join(ROOT, input))));
  if (existsSync(EDGE_BUNDLE) && statSync(EDGE_BUNDLE).mtimeMs >= sources) return;
  execFileSync(process.execPath, ["scripts/build-edge.js"], { cwd: ROOT, stdio: "pipe", env: { ...process.env, NODE_ENV: "production", BUILD_EDGE_QUIET: "1" } }); // as `npm run build` has it (tests/server/built.ts)
}

/** Vitest globalSetup: the production build the server tests start, made once before any test file. */
export default function setup(): void {
  ensureBuild();
  ensureEdgeBuild();
}
