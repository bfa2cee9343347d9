import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../scripts/bench/dataset";
import type { BenchResults, TargetLine } from "../../scripts/bench/report";
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
