// Fails (exit 1) on any import cycle in app/, server/ and scripts/, type-only imports and dynamic
// imports included: the options are those of .madgerc, so `npx madge --circular app server scripts`
// finds the same cycles (docs/decisions/0026-structure-checks.md). Part of `npm run lint`.
import { readFileSync } from "node:fs";
import madge from "madge";

const ROOTS = ["app", "server", "scripts"];

/**
 * Cycles other branches are removing right now, tolerated until then (each exactly, in madge's
 * order): removed when merged. Any other cycle fails.
 */
const KNOWN = [["app/.server/ports/payment.ts", "app/.server/ports/invoices.ts"]];

const config = JSON.parse(readFileSync(new URL("../.madgerc", import.meta.url), "utf8"));
const result = await madge(ROOTS, { ...config, baseDir: "." });
const key = (cycle) => cycle.join(" > ");
const known = new Set(KNOWN.map(key));
const cycles = result.circular();
const unexpected = cycles.filter((cycle) => !known.has(key(cycle)));
const gone = KNOWN.filter((cycle) => !cycles.some((found) => key(found) === key(cycle)));

for (const cycle of gone) console.log(`Import cycle gone, remove it from KNOWN in scripts/check-cycles.js: ${key(cycle)}`);
if (unexpected.length > 0) {
  console.error(`Import cycles (${unexpected.length}): a module must not reach itself through its imports.`);
  for (const cycle of unexpected) console.error(`  ${key(cycle)} > ${cycle[0]}`);
  process.exit(1);
}
console.log(`No import cycle in ${ROOTS.join(", ")} (${Object.keys(result.obj()).length} files${known.size ? `; ${known.size - gone.length} known, being removed` : ""}).`);
