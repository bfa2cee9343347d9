/**
 * `npm run bench:zip -- [--counts 50,200] [--size-kb 256]`
 * « Télécharger les PDF » (app/.server/invoice-zip.ts): streams a zip of N PDFs read from the
 * embedded file store (app/.server/embedded/files.ts openStoredFile, the route's own reads) through
 * app/.server/invoice-zip-stream.ts, the archive read by a consumer that discards it like a
 * download would, and prints per N: time, throughput, archive size and the PEAK memory (rss,
 * heap used, array buffers) sampled on every chunk, above the process's baseline (after a full
 * collection every 32 chunks). Each N runs in
 * its own process (a peak rss never comes back down), so 50 and 200 compare fairly: with a
 * streamed archive the peak does not grow with the number of PDFs. Figures only, never a
 * failure (docs/benchmark.md). fflate is loaded by Node itself (`--options.deps.external`): the
 * conditions of vite.config.ts pick its browser build, which vite-node would otherwise transform.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStoredFile } from "../app/.server/embedded/files";
import { zipStream } from "../app/.server/invoice-zip-stream";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? args[index + 1]! : fallback;
};
const sizeKb = Number(option("size-kb", "256"));
const only = args.includes("--only") ? Number(option("only", "0")) : null;

interface Figures {
  count: number;
  seconds: number;
  archiveBytes: number;
  rssPeakMb: number;
  heapPeakMb: number;
  buffersPeakMb: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** One run in this process: N files of `sizeKb` on disk, zipped and read to the end. */
async function run(count: number, collect: boolean): Promise<Figures> {
  const dir = await mkdtemp(join(tmpdir(), "portail-bench-zip-"));
  try {
    const root = join(dir, "storage/invoices");
    await mkdir(join(root, "bench"), { recursive: true });
    // Incompressible bytes behind a PDF header: what a real (already compressed) PDF looks like to a zip.
    for (let n = 0; n < count; n++) {
      const bytes = new Uint8Array(sizeKb * 1024);
      crypto.getRandomValues(bytes.subarray(0, Math.min(bytes.length, 65536)));
      for (let i = 65536; i < bytes.length; i += 65536) bytes.copyWithin(i, 0, Math.min(65536, bytes.length - i));
      bytes.set(new TextEncoder().encode(`%PDF-1.7 ${n}\n`));
      await writeFile(join(root, "bench", `${n}.pdf`), bytes);
    }
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage();
    const peak = { rss: base.rss, heap: base.heapUsed, buffers: base.arrayBuffers };
    // Every 32 chunks a full collection first (--expose-gc): the figures are what the archive
    // keeps alive, not garbage the collector has not reached yet.
    let chunks = 0;
    const gc = collect ? (globalThis as { gc?: () => void }).gc : undefined;
    const sample = () => {
      if (gc && ++chunks % 32 === 0) gc();
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapUsed);
      peak.buffers = Math.max(peak.buffers, m.arrayBuffers);
    };
    const sources = Array.from({ length: count }, (_, n) => ({
      item: n,
      name: `Service_${String(n).padStart(6, "0")}.pdf`,
      date: new Date("2024-01-01T12:00:00"),
      open: () => openStoredFile(root, `bench/${n}.pdf`),
    }));
    const started = performance.now();
    const reader = zipStream(sources, "LISEZMOI.txt", () => "bench\n").getReader();
    let archiveBytes = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      archiveBytes += value.length;
      sample();
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      count,
      seconds,
      archiveBytes,
      rssPeakMb: mb(peak.rss - base.rss),
      heapPeakMb: mb(peak.heap - base.heapUsed),
      buffersPeakMb: mb(peak.buffers - base.arrayBuffers),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (only !== null) {
  console.log(JSON.stringify(await run(only, args.includes("--collect"))));
} else {
  const counts = option("counts", "50,200").split(",").map(Number);
  console.log(`Streamed zip of N PDFs of ${sizeKb} KiB each (embedded file store, stored entries); peaks above each process's baseline`);
  console.log("Timed run (no forced collection): time, throughput, peak rss. Memory run (full collection every 32 chunks): what the archive keeps alive.");
  console.log("| PDFs | archive | time | throughput | peak rss (timed) | live peak rss | live peak heap used | live peak array buffers |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const count of counts) {
    const [timed, live] = [false, true].map((collect) => child(count, collect));
    const f = timed!;
    const l = live!;
    console.log(
      `| ${f.count} | ${mb(f.archiveBytes).toFixed(1)} MiB | ${f.seconds.toFixed(2)} s | ${(mb(f.archiveBytes) / f.seconds).toFixed(0)} MiB/s | ` +
        `${f.rssPeakMb.toFixed(1)} MiB | ${l.rssPeakMb.toFixed(1)} MiB | ${l.heapPeakMb.toFixed(1)} MiB | ${l.buffersPeakMb.toFixed(1)} MiB |`,
    );
  }
}

/** One run in a process of its own. */
function child(count: number, collect: boolean): Figures {
  const argv = ["--expose-gc", "node_modules/vite-node/vite-node.mjs", "--options.deps.external=fflate", "scripts/bench-zip.ts", "--"];
  argv.push("--only", String(count), "--size-kb", String(sizeKb), ...(collect ? ["--collect"] : []));
  const result = spawnSync(process.execPath, argv, { encoding: "utf8", maxBuffer: 1 << 20 });
  const line = result.stdout.trim().split("\n").pop() ?? "";
  if (result.status !== 0 || !line.startsWith("{")) {
    console.error(result.stderr);
    process.exit(1);
  }
  return JSON.parse(line) as Figures;
}
