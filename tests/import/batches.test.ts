import { describe, expect, it } from "vitest";
import { batchesPerFile, callInBatches, pool } from "~/.server/import/batches";
import { noProgress, type ProgressSink } from "~/.server/import/model";

const row = (file: string, line: number) => ({ file, line });

describe("batchesPerFile", () => {
  it("never mixes two files in a batch (line numbers are per file) and cuts each file's rows to the size", () => {
    const rows = [row("a", 2), row("a", 3), row("b", 2), row("a", 4), row("b", 3), row("b", 4), row("b", 5)];
    expect(batchesPerFile(rows, 2)).toEqual([
      [row("a", 2), row("a", 3)],
      [row("a", 4)],
      [row("b", 2), row("b", 3)],
      [row("b", 4), row("b", 5)],
    ]);
    expect(batchesPerFile([], 2)).toEqual([]);
  });
});

describe("callInBatches", () => {
  it("gives each row the outcome of its line, whatever order the outcomes come back in, and reports progress per batch", async () => {
    const rows = [row("a", 2), row("a", 3), row("a", 4), row("b", 2)];
    const sent: Array<Array<{ file: string; line: number }>> = [];
    const advanced: number[] = [];
    const progress: ProgressSink = { ...noProgress, advance: (n) => advanced.push(n) };
    const out = await callInBatches(
      rows,
      2,
      async (batch) => {
        sent.push(batch);
        return batch.map((r) => ({ line: r.line, said: `${r.file}:${r.line}` })).reverse();
      },
      progress,
    );
    expect(sent.map((b) => b.length)).toEqual([2, 1, 1]);
    expect(out.map(([r, o]) => [r.file, r.line, o.said])).toEqual([
      ["a", 2, "a:2"],
      ["a", 3, "a:3"],
      ["a", 4, "a:4"],
      ["b", 2, "b:2"],
    ]);
    expect(advanced).toEqual([2, 1, 1]);
  });
});

describe("pool", () => {
  it("runs every item once, never more than `concurrency` at a time", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await pool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await Promise.resolve();
      done.push(n);
      running--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });
});
