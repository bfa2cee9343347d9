/** The tables and the summary `npm run bench` prints (docs/benchmark.md explains each figure). */
import type { FirstLoad } from "./first-load";
import type { RawResult } from "./raw";
import type { ServedResult } from "./served";
import type { CallCount } from "./supabase-calls";
import { bytes, ms, percent, perSecond, table } from "./stats";

export interface BenchResults {
  raw: RawResult[];
  served: ServedResult[];
  supabase: CallCount[];
  firstLoad: FirstLoad[];
}

export interface TargetLine {
  target: string;
  ok: boolean;
  figures: string;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Best served requests/s of a page (any number in flight) over its raw calls/s. */
export function servedRawRatios(results: BenchResults): Array<{ page: string; served: number; raw: number; ratio: number }> {
  return results.raw
    .filter((r) => results.served.some((s) => s.page === r.page))
    .map((r) => {
      const served = Math.max(...results.served.filter((s) => s.page === r.page).map((s) => s.perSecond));
      return { page: r.page, served, raw: r.perSecond, ratio: served / r.perSecond };
    });
}

export function rawTable(raw: RawResult[]): string {
  return table(
    ["page", "reads", "rows", "calls", "calls/s", "p50", "p95"],
    raw.map((r) => [r.page, String(r.reads), String(r.rows), String(r.calls), perSecond(r.perSecond), ms(r.p50), ms(r.p95)]),
  );
}

export function servedTable(results: BenchResults): string {
  const ratios = new Map(servedRawRatios(results).map((r) => [r.page, r.ratio]));
  return table(
    ["page", "path", "in flight", "requests", "req/s", "p50", "p95", "p99", "errors", "body", "wire", "encoding", "served/raw"],
    results.served.map((s) => {
      const best = Math.max(...results.served.filter((x) => x.page === s.page).map((x) => x.perSecond));
      const raw = results.raw.find((r) => r.page === s.page);
      return [
        s.page,
        s.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, "<id>"),
        String(s.inFlight),
        String(s.requests),
        perSecond(s.perSecond),
        ms(s.p50),
        ms(s.p95),
        ms(s.p99),
        s.errors > 0 ? `${s.errors} (${s.errorSamples.join(", ")})` : "0",
        bytes(s.bodyBytes),
        bytes(s.wireBytes),
        s.encoding,
        raw ? percent(s.perSecond / raw.perSecond) + (s.perSecond === best ? ` (best: ${percent(ratios.get(s.page) ?? Number.NaN)})` : "") : "—",
      ];
    }),
  );
}

export function supabaseTable(counts: CallCount[]): string {
  return [
    table(
      ["page", "path", "status", "shows the data", "Auth", "PostgREST", "Storage", "other"],
      counts.map((c) => [c.page, c.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, "<id>"), String(c.status), c.ok ? "yes" : "NO", String(c.auth), String(c.rest), String(c.storage), String(c.other)]),
    ),
    "",
    ...counts.map((c) => `${c.page}: ${c.calls.join("; ") || "no call"}`),
  ].join("\n");
}

export function firstLoadTable(rows: FirstLoad[]): string {
  return table(
    ["page", "route", "files", "JS", "JS gzipped"],
    rows.map((r) => [r.page, r.routeId, String(r.files), kb(r.raw), kb(r.gzip)]),
  );
}

/** The targets, each OK or NOT MET with its figures. Never fails anything: it is a benchmark. */
export function targets(results: BenchResults, inFlight: number[]): TargetLine[] {
  const lines: TargetLine[] = [];

  const behindLogin = results.supabase;
  const offCall = behindLogin.filter((c) => c.rest !== 1 || c.auth !== 0 || !c.ok);
  lines.push({
    target: "every page behind login: 1 PostgREST call, 0 Auth calls",
    ok: behindLogin.length > 0 && offCall.length === 0,
    figures: behindLogin.map((c) => `${c.page} ${c.rest}+${c.auth}${c.ok ? "" : ` (HTTP ${c.status}, not the resident's data)`}`).join(", ") + " (PostgREST+Auth)",
  });

  const twenty = inFlight.includes(20) ? 20 : Math.max(...inFlight);
  const list = results.served.find((s) => s.page === "list" && s.inFlight === twenty);
  lines.push({
    target: `list p95 ≤ 50 ms at ${twenty} in flight`,
    ok: list !== undefined && list.p95 <= 50,
    figures: list ? `p95 ${ms(list.p95)}` : "not measured",
  });

  const fifty = inFlight.includes(50) ? 50 : Math.max(...inFlight);
  const atFifty = results.served.filter((s) => s.inFlight === fifty);
  const errors = atFifty.reduce((n, s) => n + s.errors, 0);
  lines.push({
    target: `0 errors at ${fifty} in flight`,
    ok: atFifty.length > 0 && errors === 0,
    figures: `${errors} errors in ${atFifty.reduce((n, s) => n + s.requests, 0)} requests`,
  });

  const ratios = servedRawRatios(results);
  lines.push({
    target: "served/raw ≥ 60 %",
    ok: ratios.length > 0 && ratios.every((r) => r.ratio >= 0.6),
    figures: ratios.map((r) => `${r.page} ${percent(r.ratio)}`).join(", "),
  });

  const heaviest = results.firstLoad.reduce<FirstLoad | undefined>((m, r) => (!m || r.gzip > m.gzip ? r : m), undefined);
  lines.push({
    target: "first-load JS ≤ 90 KB gzipped",
    ok: heaviest !== undefined && heaviest.gzip <= 90 * 1024,
    figures: heaviest ? `largest: ${heaviest.page} ${kb(heaviest.gzip)}` : "not measured",
  });
  return lines;
}

export function summaryText(lines: TargetLine[]): string {
  return lines.map((l) => `${l.ok ? "OK     " : "NOT MET"}  ${l.target}: ${l.figures}`).join("\n");
}
