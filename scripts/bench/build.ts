/**
 * The production build the benchmark serves and measures: `npm run build` (Remix build, then the
 * precompressed assets) with NODE_ENV=production, made when build/ is missing, older than the
 * sources, or a development build. The last case matters: a build made by a process whose
 * NODE_ENV is development or test (vite-node sets development; Vitest sets test) bundles React's
 * development code, about twice the JavaScript, so its figures would not be production's.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const SOURCES = ["app", "vite.config.ts", "package-lock.json", "scripts/precompress.js"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Why build/ must be (re)made, or null when it is current. `acceptDevelopment` (smoke runs, whose
 * figures mean nothing) keeps a current development build: under Vitest, other test files serve
 * build/ at the same time and must not see it replaced.
 */
export function buildIsStale(root: string, acceptDevelopment = false): string | null {
  const server = join(root, "build/server/index.js");
  const assets = join(root, "build/client/assets");
  if (!existsSync(server) || !existsSync(assets)) return "no build/";
  if (statSync(server).mtimeMs < Math.max(...SOURCES.map((s) => newestMtime(join(root, s))))) return "build/ is older than the sources";
  if (acceptDevelopment) return null;
  const development = readdirSync(assets).some((f) => f.endsWith(".js") && readFileSync(join(assets, f), "utf8").includes("jsxDEV"));
  return development ? "build/ is a development build (React's development code)" : null;
}

/** Runs `npm run build` with NODE_ENV=production when needed; answers what it did. */
export function ensureProductionBuild(root: string, acceptDevelopment = false): string {
  const reason = buildIsStale(root, acceptDevelopment);
  if (!reason) return "build/ is current";
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: "production" } });
  return `${reason}: npm run build done`;
}
