/**
 * How the import cuts its work: rows sent to the portal in batches made per file (line numbers are
 * per file, so each outcome maps back to its row by line), and a small pool of concurrent tasks
 * for PDF files.
 */
import type { ProgressSink } from "./model";

/** Rows grouped by file (files in order of first appearance), each group cut into batches. */
export function batchesPerFile<R extends { file: string }>(rows: R[], size: number): R[][] {
  const byFile = new Map<string, R[]>();
  for (const row of rows) {
    const list = byFile.get(row.file);
    if (list) list.push(row);
    else byFile.set(row.file, [row]);
  }
  const batches: R[][] = [];
  for (const list of byFile.values()) {
    for (let i = 0; i < list.length; i += size) batches.push(list.slice(i, i + size));
  }
  return batches;
}

/**
 * Sends `rows` batch by batch (batchesPerFile) to `call`, which answers one outcome per row
 * carrying the row's line; returns each row with its outcome, in the order sent.
 */
export async function callInBatches<R extends { file: string; line: number }, O extends { line: number }>(
  rows: R[],
  size: number,
  call: (batch: R[]) => Promise<O[]>,
  progress: ProgressSink,
): Promise<Array<[R, O]>> {
  const out: Array<[R, O]> = [];
  for (const batch of batchesPerFile(rows, size)) {
    const byLine = new Map((await call(batch)).map((o) => [o.line, o]));
    for (const row of batch) out.push([row, byLine.get(row.line)!]);
    progress.advance(batch.length);
  }
  return out;
}

/** Runs `fn` on every item, at most `concurrency` at a time. */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
