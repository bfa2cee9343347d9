import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../scripts/bench/dataset";
import { parseOptions } from "../../scripts/bench/options";
import { targets, type BenchResults, type TargetLine } from "../../scripts/bench/report";
import { ROOT } from "./built";

/**
 * `npm run bench -- --smoke` (docs/benchmark.md): every step of the benchmark at a tiny size, run
 * as a maintainer runs it (the package.json script, through npm): a fresh database with a few
 * generated invoices imported, the raw reads, the built server signed in and loaded, the Supabase
 * adapter's calls counted against the fake Supabase, the first-load JavaScript, the summary. The
 * figures themselves are not checked (a benchmark's are machine-dependent; NOT MET never fails
 * it), only that every section measured what it claims to.
 */
const dir = mkdtempSync(join(tmpdir(), "portail-bench-smoke-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  dataset: Dataset;
  results: BenchResults;
  targets: TargetLine[];
}

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "bench", "--", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run bench -- --smoke", () => {
  it("runs every section at a tiny size, prints one table per section and the summary, and cleans up", async () => {
    const json = join(dir, "bench.json");
    const run = await runBench(["--smoke", "--json", json]);
    expect(run.code, run.stderr).toBe(0);
    for (const title of ["a) Raw ceiling", "b) Served", "c) Supabase adapter", "d) First-load JavaScript", "Summary against the targets"]) {
      expect(run.stdout).toContain(title);
    }
    const report = JSON.parse(readFileSync(json, "utf8")) as Report;
    const { raw, served, supabase, firstLoad } = report.results;

    // A fresh database (generated invoices imported), thrown away at the end.
    expect(report.dataset.built).toBe(true);
    expect(existsSync(report.dataset.dataDir)).toBe(false);

    // a) every resident page's reads found the demo resident's rows.
    expect(raw.map((r) => r.page)).toEqual(["home", "list", "detail", "pdf", "info", "contact", "payment"]);
    for (const r of raw) {
      expect(r.calls, r.page).toBeGreaterThan(0);
      expect(r.rows, r.page).toBeGreaterThan(0);
      expect(r.p95, r.page).toBeGreaterThanOrEqual(r.p50);
    }

    // b) the four pages at 1, 20 and 50 in flight, signed in (a redirect to /connexion would be an error), compressed.
    expect(served.map((s) => `${s.page}@${s.inFlight}`)).toEqual(
      ["list", "detail", "pdf", "home"].flatMap((page) => [1, 20, 50].map((n) => `${page}@${n}`)),
    );
    for (const s of served) {
      expect(s.requests, `${s.page}@${s.inFlight}`).toBeGreaterThanOrEqual(s.inFlight);
      expect(s.errors, `${s.page}@${s.inFlight}: ${s.errorSamples.join(", ")}`).toBe(0);
      expect(s.bodyBytes).toBeGreaterThan(0);
      expect(s.wireBytes).toBeGreaterThan(s.bodyBytes);
      expect(s.encoding).toBe(s.page === "pdf" ? "identity" : "gzip");
    }

    // c) the Supabase adapter rendered each page with the resident's data, and its calls were counted.
    expect(supabase.map((c) => c.page)).toEqual(["home", "list", "detail", "pdf", "info", "contact", "payment"]);
    for (const c of supabase) {
      expect(c.ok, `${c.page}: HTTP ${c.status}, ${c.calls.join("; ")}`).toBe(true);
      expect(c.rest, c.page).toBeGreaterThanOrEqual(1);
      expect(c.other, c.page).toBe(0);
      expect(c.calls).toHaveLength(c.auth + c.rest + c.storage + c.other);
    }
    expect(supabase.find((c) => c.page === "pdf")!.storage).toBe(1);
    expect(supabase.filter((c) => c.page !== "pdf").every((c) => c.storage === 0)).toBe(true);

    // d) first-load JavaScript of each page, gzipped smaller than as built.
    expect(firstLoad.map((f) => f.page)).toEqual(["login", "home", "list", "detail", "info", "contact", "payment"]);
    for (const f of firstLoad) {
      expect(f.gzip, f.page).toBeGreaterThan(0);
      expect(f.gzip, f.page).toBeLessThan(f.raw);
    }

    // The summary: the five targets, each OK or NOT MET, printed.
    expect(report.targets).toHaveLength(5);
    for (const t of report.targets) expect(run.stdout).toContain(`${t.ok ? "OK     " : "NOT MET"}  ${t.target}`);
  }, 300_000);
});

describe("the benchmark's summary and options", () => {
  const load = { requests: 100, errors: 0, errorSamples: [], p50: 10, p99: 40, bodyBytes: 3000, wireBytes: 3800, encoding: "gzip" };
  const results = (over: { listP95?: number; errorsAt50?: number; rest?: number; auth?: number; gzip?: number; servedPerSecond?: number }): BenchResults => ({
    raw: [{ page: "list", reads: 1, rows: 6, calls: 1000, perSecond: 100, p50: 5, p95: 8 }],
    served: [1, 20, 50].map((inFlight) => ({
      ...load,
      page: "list",
      path: "/factures",
      inFlight,
      perSecond: over.servedPerSecond ?? 80,
      p95: inFlight === 20 ? (over.listP95 ?? 30) : 30,
      errors: inFlight === 50 ? (over.errorsAt50 ?? 0) : 0,
    })),
    supabase: [{ page: "list", path: "/factures", status: 200, ok: true, auth: over.auth ?? 0, rest: over.rest ?? 1, storage: 0, other: 0, calls: [] }],
    firstLoad: [{ page: "list", routeId: "routes/_espace.factures", files: 5, raw: 200_000, gzip: over.gzip ?? 80 * 1024 }],
  });
  const okOf = (r: BenchResults) => targets(r, [1, 20, 50]).map((t) => t.ok);

  it("reads each target from its section: all OK, then each one NOT MET on its own", () => {
    expect(okOf(results({}))).toEqual([true, true, true, true, true]);
    expect(okOf(results({ auth: 1 }))).toEqual([false, true, true, true, true]);
    expect(okOf(results({ rest: 2 }))).toEqual([false, true, true, true, true]);
    expect(okOf(results({ listP95: 51 }))).toEqual([true, false, true, true, true]);
    expect(okOf(results({ errorsAt50: 1 }))).toEqual([true, true, false, true, true]);
    expect(okOf(results({ servedPerSecond: 59 }))).toEqual([true, true, true, false, true]);
    expect(okOf(results({ gzip: 91 * 1024 }))).toEqual([true, true, true, true, false]);
  });

  it("parses the documented options, with smoke defaults, and refuses anything else", () => {
    expect(parseOptions([])).toMatchObject({ seconds: 10, invoices: 100_000, inFlight: [1, 20, 50], smoke: false, keepData: false });
    expect(parseOptions(["--", "--smoke"])).toMatchObject({ seconds: 0.25, invoices: 200, smoke: true });
    expect(parseOptions(["--seconds", "3", "--invoices=5000", "--in-flight", "1,8", "--keep-data", "--json", "out.json"])).toEqual({
      seconds: 3,
      invoices: 5000,
      inFlight: [1, 8],
      smoke: false,
      keepData: true,
      json: "out.json",
    });
    expect(() => parseOptions(["--seconds", "zéro"])).toThrow(/--seconds/);
    expect(() => parseOptions(["--in-flight", "1;20"])).toThrow(/--in-flight/);
    expect(() => parseOptions(["--duration", "3"])).toThrow();
    expect(() => parseOptions(["bench"])).toThrow(/unexpected argument/);
  });
});
