/** Figures and tables shared by the sections of `npm run bench` (scripts/bench.ts). */

/** The q-quantile (0..1) of `values` by the nearest-rank method; NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return "—";
  return value < 10 ? `${value.toFixed(2)} ms` : value < 100 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

export function perSecond(value: number): string {
  if (!Number.isFinite(value)) return "—";
  return value < 100 ? `${value.toFixed(1)}/s` : `${Math.round(value)}/s`;
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return "—";
  return value < 10_000 ? `${Math.round(value)} B` : `${(value / 1024).toFixed(1)} KiB`;
}

export function percent(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value * 100)} %` : "—";
}

/** A plain-text table: columns padded, numbers (anything starting with a digit) right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d—-]/.test(r[i] ?? "")));
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
