/**
 * `npm run bench -- [--seconds 10] [--invoices 100000] [--in-flight 1,20,50] [--smoke] [--keep-data] [--json <file>]`
 * The portal's benchmark, run by hand (docs/benchmark.md): on a database of `--invoices`
 * generated invoices plus the demo seed, it prints
 *   a) the raw ceiling: each resident page's SQL on PGlite as the demo resident;
 *   b) the production build served by server/node.js, signed in, under load;
 *   c) the HTTP calls the Supabase adapter makes per page (against a fake Supabase);
 *   d) the first-load JavaScript per page;
 * then a summary against the targets. It never fails on a target NOT MET (figures only); it
 * exits 1 only when it cannot measure. `--smoke` runs every step at a tiny size
 * (tests/server/bench-smoke.test.ts).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../app/.server/embedded/database";
import { ensureProductionBuild } from "./bench/build";
import { prepareDataset } from "./bench/dataset";
import { firstLoadJs } from "./bench/first-load";
import { parseOptions } from "./bench/options";
import { demoResident, runRaw } from "./bench/raw";
import { firstLoadTable, rawTable, servedTable, summaryText, supabaseTable, targets, type BenchResults } from "./bench/report";
import { runServed, signIn, startServer } from "./bench/served";
import { countSupabaseCalls } from "./bench/supabase-calls";

const options = parseOptions(process.argv.slice(2));
const log = (line: string) => console.error(`· ${line}`);
const section = (title: string, body: string) => console.log(`\n${title}\n${"=".repeat(title.length)}\n${body}`);
const ROOT = process.cwd();

log("production build: npm run build when build/ is missing, older than the sources or a development build");
log(ensureProductionBuild(ROOT, options.smoke));

// Smoke runs use a throwaway DATA_DIR; full runs a cached one (scripts/bench/dataset.ts).
const smokeDir = options.smoke ? await mkdtemp(join(tmpdir(), "portail-bench-smoke-")) : undefined;
const dataset = await prepareDataset({
  invoices: options.invoices,
  dataDir: smokeDir && join(smokeDir, "data"),
  keepSample: options.keepData,
  log,
});
log(`${dataset.built ? "built" : "reused"} ${dataset.dataDir} (${dataset.seconds.toFixed(1)} s)`);

try {
  const results: BenchResults = { raw: [], served: [], supabase: [], firstLoad: [] };
  const db = await openDatabase({ dataDir: dataset.dataDir });
  let demo;
  try {
    demo = await demoResident(db);
    log(`raw: each page's reads for ${options.seconds} s`);
    results.raw = await runRaw(db, demo, options.seconds);
    log("Supabase calls: the build's handler with the Supabase adapters, against a fake Supabase");
    results.supabase = await countSupabaseCalls({ db, dataDir: dataset.dataDir, demo, buildPath: join(ROOT, "build/server/index.js") });
  } finally {
    await db.close();
  }

  log("served: starting server/node.js on the benchmark DATA_DIR");
  const server = await startServer(dataset.dataDir);
  try {
    const cookie = await signIn(server.origin);
    results.served = await runServed({ origin: server.origin, cookie, invoiceId: demo.invoiceId, inFlight: options.inFlight, seconds: options.seconds, log });
  } catch (error) {
    console.error(server.output());
    throw error;
  } finally {
    await server.stop();
  }

  results.firstLoad = await firstLoadJs(join(ROOT, "build/client"));

  const cpu = cpus();
  console.log(
    `\nLe Portail des Factures — npm run bench${options.smoke ? " --smoke (tiny sizes: figures meaningless)" : ""}\n` +
      `database: demo seed + ${dataset.invoices} generated invoices (${dataset.dataDir}); ${options.seconds} s per measure\n` +
      `machine: ${cpu.length} × ${cpu[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`,
  );
  section("a) Raw ceiling: each page's reads on PGlite, one RLS transaction as the demo resident, one at a time", rawTable(results.raw));
  section(
    "b) Served: production build on server/node.js, signed in as demo@demo.fr, closed loop (Accept-Encoding: gzip, br)",
    servedTable(results),
  );
  section("c) Supabase adapter: HTTP calls per page request (second request of a signed-in resident)", supabaseTable(results.supabase));
  section("d) First-load JavaScript per page (entry + route chain modules and imports; 1 KB = 1024 B)", firstLoadTable(results.firstLoad));
  const lines = targets(results, options.inFlight);
  section("Summary against the targets (figures only: a NOT MET does not fail the benchmark)", summaryText(lines));

  if (options.json) await writeFile(options.json, JSON.stringify({ options, dataset, results, targets: lines }, null, 2) + "\n");
} finally {
  if (smokeDir && !options.keepData) await rm(smokeDir, { recursive: true, force: true });
  else if (smokeDir) log(`kept ${smokeDir}`);
}
// The build imported for section c) leaves Supabase clients behind; nothing else is left to do.
process.exit(0);
