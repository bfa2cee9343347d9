// Fails (exit 1) on any import cycle in app/, server/ and scripts/, type-only imports and dynamic
// imports included: the options are those of .madgerc, so `npx madge --circular app server scripts`
// finds the same cycles (docs/decisions/0026-structure-checks.md). Part of `npm run lint`.
import { readFileSync } from "node:fs";
import madge from "madge";

const ROOTS = ["app", "server", "scripts"];

const config = JSON.parse(readFileSync(new URL("../.madgerc", import.meta.url), "utf8"));
const result = await madge(ROOTS, { ...config, baseDir: "." });
const cycles = result.circular();
if (cycles.length > 0) {
  console.error(`Import cycles (${cycles.length}): a module must not reach itself through its imports.`);
  for (const cycle of cycles) console.error(`  ${cycle.join(" > ")} > ${cycle[0]}`);
  process.exit(1);
}
console.log(`No import cycle in ${ROOTS.join(", ")} (${Object.keys(result.obj()).length} files).`);
