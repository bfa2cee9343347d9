/**
 * `npm run bench:import -- [--invoices 100000] [--keep]`: measures the import on the embedded
 * default. Generates a data set (npm run generate:sample) in a temporary folder, imports it into a
 * fresh DATA_DIR (seeded like the portal's first start), imports it a second time (everything
 * unchanged), and prints the figures docs/import.md quotes. Not a test: run it by hand.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../app/.server/embedded/database";
import { createEmbeddedImportTarget } from "../app/.server/embedded/import-target";
import { runImport, type ImportReport, type ProgressSink } from "../app/.server/import/run";
import { collectInput } from "./import/files";
import { terminalProgress } from "./import/progress";
import { generateSample } from "./generate-sample";

const argv = process.argv.slice(2);
const at = argv.indexOf("--invoices");
const invoices = at >= 0 ? Number(argv[at + 1]) : 100_000;
const keep = argv.includes("--keep");
// --sample <folder>: reuse (or create once) a generated data set instead of a temporary one.
const sampleAt = argv.indexOf("--sample");
const reusedSample = sampleAt >= 0 ? argv[sampleAt + 1] : undefined;

const root = await mkdtemp(join(tmpdir(), "portail-bench-"));
const sampleDir = reusedSample ?? join(root, "sample");
const dataDir = join(root, "data");
const seconds = (since: number) => (performance.now() - since) / 1000;

let t = performance.now();
const generated =
  reusedSample && existsSync(join(reusedSample, "factures.csv"))
    ? { customers: Math.max(1, Math.ceil(invoices / 4)), invoices, pdfs: invoices, reused: true }
    : { ...(await generateSample({ invoices, out: sampleDir })), reused: false };
const generateSeconds = seconds(t);

t = performance.now();
const db = await openDatabase({ dataDir, seed: true });
const openSeconds = seconds(t);
const target = createEmbeddedImportTarget(db, dataDir);

/** The terminal's progress, plus wall and CPU (user + system, all threads) seconds per phase. */
function timedProgress() {
  const inner = terminalProgress();
  const phases: Array<{ label: string; wall: number; cpu: number }> = [];
  let current: { label: string; wall: number; cpu: NodeJS.CpuUsage } | null = null;
  const sink: ProgressSink = {
    start(label, total, unit) {
      current = { label, wall: performance.now(), cpu: process.cpuUsage() };
      inner.start(label, total, unit);
    },
    advance: (n) => inner.advance(n),
    done() {
      inner.done();
      if (!current) return;
      const cpu = process.cpuUsage(current.cpu);
      phases.push({ label: current.label, wall: seconds(current.wall), cpu: (cpu.user + cpu.system) / 1e6 });
      current = null;
    },
  };
  return { sink, phases };
}

const runs: Array<{ label: string; report: ImportReport; readSeconds: number; phases: ReturnType<typeof timedProgress>["phases"] }> = [];
try {
  for (const label of ["first import", "second import (unchanged)"]) {
    t = performance.now();
    const input = await collectInput([sampleDir]);
    const readSeconds = seconds(t);
    const progress = timedProgress();
    const report = await runImport(target, input, { numcli: "004200", progress: progress.sink });
    if (report.errors.length > 0) throw new Error(`benchmark data set has errors: ${report.errors.slice(0, 3).map((e) => e.message).join("; ")}`);
    runs.push({ label, report, readSeconds, phases: progress.phases });
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
console.log(`data set: ${generated.customers} customers, ${generated.invoices} invoices, ${generated.pdfs} PDFs (${generated.reused ? `reused from ${sampleDir}` : `generated in ${generateSeconds.toFixed(1)} s`})`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`fresh embedded database opened (migrations + seed) in ${openSeconds.toFixed(1)} s`);
for (const r of runs) {
  console.log(line(r));
  console.log(`  phases (wall / CPU s): ${r.phases.map((p) => `${p.label} ${p.wall.toFixed(1)} / ${p.cpu.toFixed(1)}`).join(" · ")}`);
}
if (keep) console.log(`kept in ${root}`);
