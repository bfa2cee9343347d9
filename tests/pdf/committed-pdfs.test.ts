import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The PDFs committed in the repository are what their generators write today (the builder is
 * deterministic: docs/decisions/0023-pdf-library.md): each generator runs in an empty folder and
 * its output is compared byte for byte with the committed files.
 */
const ROOT = new URL("../..", import.meta.url).pathname;
const VITE_NODE = join(ROOT, "node_modules/.bin/vite-node");
const work: string[] = [];
afterAll(() => {
  for (const dir of work) rmSync(dir, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** Runs `script` from an empty folder; returns that folder. */
function generate(script: string): string {
  const cwd = mkdtempSync(join(tmpdir(), "portail-pdf-committed-"));
  work.push(cwd);
  execFileSync(VITE_NODE, ["--root", ROOT, join(ROOT, script)], { cwd, stdio: "pipe" });
  return cwd;
}

function expectSameFiles(generated: string, committed: string) {
  const names = filesUnder(committed);
  expect(filesUnder(generated)).toEqual(names);
  for (const name of names) {
    expect(readFileSync(join(generated, name)).equals(readFileSync(join(committed, name))), name).toBe(true);
  }
}

describe("committed PDFs", () => {
  it("npm run pdfs:demo reproduces supabase/storage/invoices", () => {
    const out = generate("scripts/generate-demo-pdfs.ts");
    expectSameFiles(join(out, "supabase/storage/invoices"), join(ROOT, "supabase/storage/invoices"));
  });

  it("scripts/generate-import-sample.ts reproduces docs/import-sample (CSV files and PDFs)", () => {
    const out = generate("scripts/generate-import-sample.ts");
    expectSameFiles(join(out, "docs/import-sample"), join(ROOT, "docs/import-sample"));
  });
});
