// @ts-check
/**
 * The cap on request bodies, for both servers (server/node.js, server/deno.js) through the
 * security wrapper (server/security.js). Web-standard code only.
 *
 * Every body the portal receives over HTTP is small: its forms (the longest, a contact message of
 * 5 000 characters, stays under 46 KiB even URL-encoded), PayFiP/TIPI callbacks, the local
 * simulator's SOAP calls. Staff imports are a command (`npm run import`), not an upload. So a body
 * above MAX_BODY_BYTES is refused with 413 before the app sees it, and never held in memory: it
 * is counted while it is read, and what passes the cap is thrown away, up to DISCARD_BYTES more;
 * a larger body (announced by Content-Length, or chunked) is abandoned there and the connection
 * closed.
 * See docs/decisions/0003-security-headers-and-origin-check.md ("Request bodies").
 */

/** 64 KiB: the largest request body the servers hand to the app. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * How much of an oversized body is still read, and thrown away, so that the client — which
 * usually sends its whole body before it reads the answer — receives the 413 rather than a
 * connection reset. Beyond that (or when Content-Length announces more), the server stops reading
 * and closes the connection after the 413.
 */
export const DISCARD_BYTES = 1024 * 1024;

/**
 * Reads a request body, keeping at most `maxBytes` of it.
 * @param {Request} request
 * @param {number} maxBytes
 * @returns {Promise<{ ok: true, body: Uint8Array<ArrayBuffer> | null } | { ok: false, reason: "too_large" | "unreadable", close: boolean }>}
 *   `close`: the body was not read to its end, so the connection must not be reused.
 */
export async function readBodyWithin(request, maxBytes) {
  const declared = request.headers.get("content-length");
  const declaredBytes = declared !== null && /^\s*\d+\s*$/.test(declared) ? Number(declared) : null;
  if (declaredBytes !== null && declaredBytes > maxBytes + DISCARD_BYTES) return { ok: false, reason: "too_large", close: true };
  if (request.body === null) return { ok: true, body: null };

  const reader = request.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes + DISCARD_BYTES) {
        // Stop here: the rest is never read (the connection is closed after the 413).
        reader.releaseLock();
        return { ok: false, reason: "too_large", close: true };
      }
      if (total <= maxBytes) chunks.push(value);
      else chunks.length = 0; // too large already: what is still read is thrown away
    }
  } catch {
    // The client went away, or sent a malformed chunked body.
    return { ok: false, reason: "unreadable", close: true };
  }
  if (total > maxBytes) return { ok: false, reason: "too_large", close: false };
  const body = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}
