/**
 * `npm run bench:import -- [--invoices 100000] [--keep]`: measures the import on the embedded
 * default. Generates a data set (npm run generate:sample) in a temporary folder, imports it into a
 * fresh DATA_DIR (seeded like the portal's first start), imports it a second time (everything
 * unchanged), and prints the figures docs/import.md quotes. Not a test: run it by hand.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../app/.server/embedded/database";
import { createEmbeddedImportTarget } from "../app/.server/embedded/import-target";
import { runImport, type ImportReport } from "../app/.server/import/run";
import { collectInput } from "./import/files";
import { terminalProgress } from "./import/progress";
import { generateSample } from "./generate-sample";

const argv = process.argv.slice(2);
const at = argv.indexOf("--invoices");
const invoices = at >= 0 ? Number(argv[at + 1]) : 100_000;
const keep = argv.includes("--keep");

const root = await mkdtemp(join(tmpdir(), "portail-bench-"));
const sampleDir = join(root, "sample");
const dataDir = join(root, "data");
const seconds = (since: number) => (performance.now() - since) / 1000;

let t = performance.now();
const generated = await generateSample({ invoices, out: sampleDir });
const generateSeconds = seconds(t);

t = performance.now();
const db = await openDatabase({ dataDir, seed: true });
const openSeconds = seconds(t);
const target = createEmbeddedImportTarget(db, dataDir);

const runs: Array<{ label: string; report: ImportReport; readSeconds: number }> = [];
try {
  for (const label of ["first import", "second import (unchanged)"]) {
    t = performance.now();
    const input = await collectInput([sampleDir]);
    const readSeconds = seconds(t);
    const report = await runImport(target, input, { numcli: "004200", progress: terminalProgress() });
    if (report.errors.length > 0) throw new Error(`benchmark data set has errors: ${report.errors.slice(0, 3).map((e) => e.message).join("; ")}`);
    runs.push({ label, report, readSeconds });
  }
} finally {
  await db.close();
  if (!keep) await rm(root, { recursive: true, force: true });
}

const line = (r: (typeof runs)[number]) => {
  const total = r.readSeconds + r.report.seconds;
  const i = r.report.invoices;
  return `${r.label}: ${total.toFixed(1)} s (${Math.round(generated.invoices / total)} invoices/s) — files read ${r.readSeconds.toFixed(1)} s, import ${r.report.seconds.toFixed(1)} s; invoices ${i.created} created / ${i.updated} updated / ${i.unchanged} unchanged; PDFs stored ${r.report.pdfs.stored}`;
};
console.log("");
console.log(`data set: ${generated.customers} customers, ${generated.invoices} invoices, ${generated.pdfs} PDFs (generated in ${generateSeconds.toFixed(1)} s)`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`fresh embedded database opened (migrations + seed) in ${openSeconds.toFixed(1)} s`);
for (const r of runs) console.log(line(r));
if (keep) console.log(`kept in ${root}`);
