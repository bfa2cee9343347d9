/**
 * docs/export-sample/ is what the commands write today (scripts/export/samples.ts): regenerate
 * it with `npx vite-node scripts/export-samples.ts` when the columns change.
 */
import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { buildSamples } from "../../scripts/export/samples";

test("the committed sample files are the commands' output, byte for byte", async () => {
  const built = await buildSamples();
  expect(Object.keys(built).length).toBeGreaterThan(0);
  for (const [name, bytes] of Object.entries(built)) {
    const committed = await readFile(new URL(`../../docs/export-sample/${name}`, import.meta.url));
    expect(Buffer.from(bytes).equals(committed), `docs/export-sample/${name} is out of date`).toBe(true);
  }
}, 60_000);
