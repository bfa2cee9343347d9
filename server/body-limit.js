// @ts-check
/**
 * The cap on request bodies, for both servers (server/node.js, server/deno.js) through the
 * security wrapper (server/security.js). Web-standard code only.
 *
 * Every body the portal receives over HTTP is small: its forms (the longest, a contact message of
 * 5 000 characters, stays under 46 KiB even URL-encoded), PayFiP/TIPI callbacks, the local
 * simulator's SOAP calls. Staff imports are a command (`npm run import`), not an upload. So a body
 * above MAX_BODY_BYTES is refused with 413 before the app sees it, and never held in memory:
 * a declared Content-Length above the cap is refused without reading anything; a body without
 * one (chunked) is counted while it is read and abandoned as soon as it passes the cap.
 * See docs/decisions/0003-security-headers-and-origin-check.md ("Request bodies").
 */

/** 64 KiB: the largest request body the servers hand to the app. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a request body, at most `maxBytes` of it.
 * @param {Request} request
 * @param {number} maxBytes
 * @returns {Promise<{ ok: true, body: Uint8Array<ArrayBuffer> | null } | { ok: false, reason: "too_large" | "unreadable" }>}
 */
export async function readBodyWithin(request, maxBytes) {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > maxBytes) {
    return { ok: false, reason: "too_large" };
  }
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
      if (total > maxBytes) {
        // Stop here: the rest is never read (the server closes the connection after the 413).
        reader.releaseLock();
        return { ok: false, reason: "too_large" };
      }
      chunks.push(value);
    }
  } catch {
    // The client went away, or sent a malformed chunked body.
    return { ok: false, reason: "unreadable" };
  }
  const body = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}
