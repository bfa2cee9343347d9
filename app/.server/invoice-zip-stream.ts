import { strToU8, Zip, ZipPassThrough } from "fflate";

/**
 * A zip archive written as it is read (docs/decisions/0038-invoice-pdf-zip.md): fflate's
 * streaming `Zip`, every entry stored as is (`ZipPassThrough`: PDFs are already compressed).
 * The builds resolve fflate with the `worker`/`browser` conditions (vite.config.ts,
 * scripts/build-edge.js): its browser build, plain JavaScript without imports, the same on Node,
 * Deno and the edge; the synchronous streaming Zip used here never starts a worker.
 *
 * Pull-driven: a file is opened only when the archive reaches it, and a chunk of it is read only
 * when the reader asks for more, so memory holds one chunk (plus the central directory, about
 * 100 bytes per entry) whatever the number of files. A failure on the way (a file store error)
 * errors the stream: the response is cut short, the central directory is never written, and no
 * zip reader takes what arrived for a complete archive.
 */

/** One file of the archive; `open` null: the file is missing (skipped, the caller notes it). */
export interface ZipSource<T> {
  item: T;
  /** The entry's name (already safe: app/.server/invoice-zip.ts entryName). */
  name: string;
  /** The entry's date (zip dates start in 1980; earlier ones are left to the zip's default). */
  date: Date | null;
  open(): Promise<{ body: ReadableStream<Uint8Array> } | null>;
}

/**
 * Streams `sources` into one zip, then a last text entry `readmeName` whose text `readme` writes
 * once every file was tried (it gets the items whose file was missing). CRLF line ends, UTF-8.
 */
export function zipStream<T>(sources: readonly ZipSource<T>[], readmeName: string, readme: (missing: T[]) => string): ReadableStream<Uint8Array> {
  const ready: Uint8Array[] = [];
  let finished = false;
  let failure: Error | null = null;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else {
      if (chunk.length > 0) ready.push(chunk);
      if (final) finished = true;
    }
  });
  const missing: T[] = [];
  let next = 0;
  let ended = false;
  let current: { entry: ZipPassThrough; reader: ReadableStreamDefaultReader<Uint8Array> } | null = null;

  /** Moves the archive on by one step: a chunk of the current file, the next file, or the end. */
  async function step(): Promise<void> {
    if (current) {
      const { value, done } = await current.reader.read();
      if (done) {
        current.entry.push(new Uint8Array(0), true);
        current = null;
      } else {
        current.entry.push(value);
      }
      return;
    }
    const source = sources[next++];
    if (source) {
      const file = await source.open();
      if (!file) {
        missing.push(source.item);
        return;
      }
      const entry = new ZipPassThrough(source.name);
      if (source.date && source.date.getFullYear() >= 1980) entry.mtime = source.date;
      zip.add(entry);
      current = { entry, reader: file.body.getReader() };
      return;
    }
    const text = new ZipPassThrough(readmeName);
    zip.add(text);
    text.push(strToU8(readme(missing).replace(/\r?\n/g, "\r\n")), true);
    zip.end();
    ended = true;
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          while (ready.length === 0 && !finished) {
            if (failure) throw failure;
            if (ended) throw new Error("zip archive ended without its last chunk");
            await step();
          }
          if (failure) throw failure;
        } catch (error) {
          await current?.reader.cancel(error).catch(() => {});
          current = null;
          throw error;
        }
        for (const chunk of ready.splice(0)) controller.enqueue(chunk);
        if (finished) controller.close();
      },
      async cancel(reason) {
        await current?.reader.cancel(reason).catch(() => {});
        current = null;
      },
    },
    { highWaterMark: 0 },
  );
}
