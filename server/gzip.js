// @ts-check
/**
 * The gzip compressor server/node.js hands to server/security.js (compressResponse) for responses
 * compressed on the fly. Node-only (node:zlib, setImmediate); Deno uses its CompressionStream.
 */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import { constants as zlibConstants, createGzip } from "node:zlib";

/**
 * Gzip for responses compressed on the fly (server/security.js compressResponse): flushes after
 * every burst of chunks, so a streamed document's shell leaves before its deferred data is ready
 * (Node's CompressionStream would hold it until the end). React hands a document over in many
 * small chunks within one tick: they are joined first (coalesce), which spares a zlib call, a
 * sync flush and a socket write per chunk (docs/performance.md, "Served path").
 * @returns {ReadableWritablePair<Uint8Array, Uint8Array>}
 */
export function gzipStream() {
  const gzip = /** @type {ReadableWritablePair<Uint8Array, Uint8Array>} */ (
    /** @type {unknown} */ (Duplex.toWeb(createGzip({ flush: zlibConstants.Z_SYNC_FLUSH })))
  );
  const joined = coalesce();
  joined.readable.pipeTo(gzip.writable).catch(() => {});
  return { writable: joined.writable, readable: gzip.readable };
}

/** Chunks larger than this together leave at once rather than waiting for the end of the tick. */
export const COALESCE_BYTES = 64 * 1024;

/**
 * Joins the chunks written within one turn of the event loop into one (flushed by setImmediate,
 * or as soon as COALESCE_BYTES are waiting): nothing is held past the tick that produced it.
 * @returns {TransformStream<Uint8Array, Uint8Array>}
 */
export function coalesce() {
  /** @type {Uint8Array[]} */
  let pending = [];
  let size = 0;
  /** @type {ReturnType<typeof setImmediate> | undefined} */
  let timer;
  /** @param {TransformStreamDefaultController<Uint8Array>} controller */
  const emit = (controller) => {
    if (timer !== undefined) clearImmediate(timer);
    timer = undefined;
    if (size === 0) return;
    const chunk = pending.length === 1 ? /** @type {Uint8Array} */ (pending[0]) : Buffer.concat(pending, size);
    pending = [];
    size = 0;
    try {
      controller.enqueue(chunk);
    } catch {
      // Defensive: the stream was torn down while the chunks waited; nothing to send.
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      pending.push(chunk);
      size += chunk.byteLength;
      if (size >= COALESCE_BYTES) emit(controller);
      else if (timer === undefined) timer = setImmediate(() => emit(controller));
    },
    flush(controller) {
      emit(controller);
    },
  });
}

