/**
 * `npx vite-node scripts/export-samples.ts`: writes docs/export-sample/ (scripts/export/samples.ts).
 * Run it after changing an export's columns; tests/exports/samples.test.ts fails until it is.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { buildSamples } from "./export/samples";

const dir = "docs/export-sample";
await mkdir(dir, { recursive: true });
for (const [name, bytes] of Object.entries(await buildSamples())) {
  await writeFile(`${dir}/${name}`, bytes);
  console.log(`${dir}/${name} written (${bytes.length} bytes)`);
}
