// @ts-check
/**
 * The one wrapper every HTTP response goes through, under Node (server/node.js) and Deno
 * (server/deno.js). Web-standard APIs only: no `node:` imports, no environment reads (the
 * server entries read the environment and pass options). See
 * docs/decisions/0003-security-headers-and-origin-check.md.
 *
 * What it does, per request:
 * 1. a fresh CSP nonce (Web Crypto, base64) replaces any incoming `x-csp-nonce` header and is
 *    handed to Remix in that header (app/entry.server.tsx puts it on the scripts it renders);
 * 2. state-changing requests (any method but GET/HEAD/OPTIONS) must carry an `Origin` header
 *    equal to the portal's own origin, otherwise 403 and Remix is not called (CSRF defence);
 * 3. the request handed to Remix carries the portal's public origin in its URL and its Host
 *    header (SITE_URL, else what a trusted proxy says, else the request's own): the one notion of
 *    "the public origin" for the Origin check, HSTS and Secure cookies — and for Remix's own
 *    comparison of Origin with Host on document POSTs, which would otherwise abort a POST our
 *    check accepted with a blank 500;
 * 4. request bodies are capped (server/body-limit.js): above `maxBodyBytes`, a French 413 and
 *    Remix is not called;
 * 5. security headers on every response: documents, data, resource routes, static files, errors;
 * 6. responses of a compressible type are gzip-compressed on the fly, streaming kept, for a
 *    client that accepts gzip (compressResponse; static files come precompressed from
 *    server/static.js and are left alone).
 */

import { MAX_BODY_BYTES, readBodyWithin } from "./body-limit.js";
import { encodingQuality, isCompressibleType } from "./static.js";

/** @typedef {(request: Request) => Promise<Response> | Response} Handler */

/**
 * @typedef {object} SecurityOptions
 * @property {"production" | "development" | "test"} [mode] "development" loosens the CSP just
 *   enough for Vite's dev client (inline styles, HMR websocket) — never 'unsafe-eval'.
 * @property {boolean} [trustProxy] honour X-Forwarded-Proto / X-Forwarded-Host / X-Forwarded-For
 *   (set only when a reverse proxy we control overwrites them: env TRUST_PROXY=1).
 * @property {string} [siteUrl] the configured public origin (env SITE_URL): when set, it is the
 *   portal's origin whatever Host or forwarded headers a request carries.
 * @property {string[]} [formActionOrigins] extra origins forms may post to (payment provider).
 * @property {(string | RegExp)[]} [crossOriginPostPaths] paths exempt from the Origin check, for
 *   endpoints the payment provider posts to (server-to-server notification, browser return from
 *   its page): a string is one exact path (never a prefix); a RegExp must match the whole path
 *   (e.g. a path carrying a token of a fixed shape). Such an endpoint must be a resource route
 *   (Remix aborts a cross-origin POST to a page) and authenticate the request itself
 *   (unguessable per-attempt token, result fetched from the provider); each is listed in
 *   docs/decisions/0003. Default: none.
 * @property {string[]} [originlessPostPaths] exact paths where a POST that carries NO Origin
 *   header at all is let through (a POST with an Origin must still carry ours): the one-click
 *   unsubscribe of RFC 8058, which mail providers POST from their servers without Origin or
 *   cookies; the route authenticates it by its signed token (docs/decisions/0039-email-reminders.md).
 * @property {number} [maxBodyBytes] the largest request body handed to the handler (default
 *   MAX_BODY_BYTES, 64 KiB); above it, 413.
 * @property {(error: unknown) => void} [onError] called when the wrapped handler throws.
 * @property {() => ReadableWritablePair<Uint8Array, Uint8Array>} [gzipStream] the gzip compressor for
 *   responses (default `new CompressionStream("gzip")`, which flushes every chunk under Deno).
 *   Node's CompressionStream holds its output until it has enough of it, which would delay a
 *   streamed document's first bytes until its deferred data is ready: server/node.js passes a
 *   zlib gzip that flushes every chunk instead.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const NONCE_HEADER = "x-csp-nonce";
export const CLIENT_IP_HEADER = "x-client-ip";

/** A fresh nonce: 16 random bytes, base64 (CSP nonce-source grammar allows base64 only). */
export function createNonce() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * First value of a comma-separated header (proxies may append), trimmed, lower-cased.
 * @param {string | null} value
 */
function firstValue(value) {
  if (!value) return undefined;
  const first = value.split(",")[0]?.trim().toLowerCase();
  return first || undefined;
}

/**
 * The origin the browser sees for this request: SITE_URL's when configured; else, behind a
 * trusted proxy, the one X-Forwarded-Proto / X-Forwarded-Host describe; else the request URL's.
 * (E-mail links and the URLs the server calls never come from here but from configuration:
 * app/.server/env.ts siteOrigin.)
 * @param {Request} request
 * @param {boolean} trustProxy
 * @param {string} [siteUrl]
 */
export function publicOrigin(request, trustProxy, siteUrl) {
  if (siteUrl) return new URL(siteUrl).origin;
  const url = new URL(request.url);
  if (!trustProxy) return url.origin;
  const proto = firstValue(request.headers.get("x-forwarded-proto"));
  const host = firstValue(request.headers.get("x-forwarded-host"));
  const protocol = proto === "https" || proto === "http" ? `${proto}:` : url.protocol;
  try {
    return new URL(`${protocol}//${host ?? url.host}`).origin;
  } catch {
    return url.origin;
  }
}

/**
 * The client's IP address for logs and login throttling: the socket's peer, or, behind a
 * trusted proxy, the right-most X-Forwarded-For entry (the one our proxy appended; entries on
 * its left come from the client and can be forged).
 * @param {string | undefined} remoteAddress
 * @param {Headers} headers
 * @param {boolean} trustProxy
 */
export function clientIp(remoteAddress, headers, trustProxy) {
  if (trustProxy) {
    const forwarded = headers.get("x-forwarded-for");
    const last = forwarded?.split(",").pop()?.trim();
    if (last) return last;
  }
  return remoteAddress ?? "";
}

/**
 * @param {{ nonce: string, mode: string, formActionOrigins: string[] }} options
 */
export function contentSecurityPolicy({ nonce, mode, formActionOrigins }) {
  const dev = mode === "development";
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Vite's dev client injects CSS with <style> elements; production CSS is a file.
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    dev ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    ["form-action 'self'", ...formActionOrigins].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ];
  return directives.join("; ");
}

/**
 * Sets the security headers, copying the response first when its headers are immutable
 * (e.g. a Response obtained from fetch()).
 * @param {Response} response
 * @param {{ nonce: string, https: boolean, mode: string, formActionOrigins: string[] }} options
 */
export function withSecurityHeaders(response, { nonce, https, mode, formActionOrigins }) {
  /** @type {[string, string][]} */
  const security = [
    ["Content-Security-Policy", contentSecurityPolicy({ nonce, mode, formActionOrigins })],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["X-Frame-Options", "DENY"],
    ["Permissions-Policy", "camera=(), microphone=(), geolocation=()"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
  ];
  if (https) security.push(["Strict-Transport-Security", "max-age=63072000; includeSubDomains"]);

  let target = response;
  try {
    for (const [name, value] of security) target.headers.set(name, value);
  } catch {
    target = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: new Headers(response.headers),
    });
    for (const [name, value] of security) target.headers.set(name, value);
  }
  return target;
}

/** @returns {ReadableWritablePair<Uint8Array, Uint8Array>} */
function webGzipStream() {
  // Its writable takes any BufferSource; a body's chunks are Uint8Arrays.
  return /** @type {ReadableWritablePair<Uint8Array, Uint8Array>} */ (/** @type {unknown} */ (new CompressionStream("gzip")));
}

/** Below this many bytes (known length), a response is sent as it is. */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * Gzip-compresses a response's body on the fly when worth it and accepted; streaming is kept
 * (the body is piped, never buffered). Left as they are: HEAD, 1xx/204/206/304, no body, a
 * response already encoded or marked `no-transform`, a type that is not compressible (PDF,
 * images, octet-stream, event streams: server/static.js isCompressibleType), a known length
 * under MIN_COMPRESS_BYTES, a client that does not accept gzip (`gzip;q=0` included).
 * Compressible types get `Vary: Accept-Encoding` either way. When compressing: `Content-Encoding:
 * gzip`, no `Content-Length` (unknown until the end), an ETag marked as the gzip variant's.
 * @param {Request} request
 * @param {Response} response
 * @param {() => ReadableWritablePair<Uint8Array, Uint8Array>} [gzipStream]
 */
export function compressResponse(request, response, gzipStream = webGzipStream) {
  if (!isCompressibleType(response.headers.get("content-type"))) return response;
  if (response.headers.has("content-encoding")) return response;
  try {
    addVary(response.headers, "Accept-Encoding");
  } catch {
    // Immutable headers (a Response from fetch()): copy it first.
    response = new Response(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
    addVary(response.headers, "Accept-Encoding");
  }
  const headers = response.headers;
  if (request.method.toUpperCase() === "HEAD" || response.body === null) return response;
  if (response.status < 200 || [204, 206, 304].includes(response.status)) return response;
  if (/(^|,)\s*no-transform\s*(,|$)/i.test(headers.get("cache-control") ?? "")) return response;
  const length = headers.get("content-length");
  if (length !== null && Number(length) < MIN_COMPRESS_BYTES) return response;
  if (encodingQuality(request.headers.get("accept-encoding"), "gzip") <= 0) return response;

  const compressed = new Headers(headers);
  compressed.set("Content-Encoding", "gzip");
  compressed.delete("Content-Length");
  const etag = compressed.get("etag");
  if (etag && etag.endsWith('"')) compressed.set("ETag", `${etag.slice(0, -1)}-gzip"`);
  return new Response(response.body.pipeThrough(gzipStream()), {
    status: response.status,
    statusText: response.statusText,
    headers: compressed,
  });
}

/** @param {Headers} headers @param {string} name */
function addVary(headers, name) {
  const vary = headers.get("vary");
  if (!vary) headers.set("Vary", name);
  else if (!vary.split(",").some((entry) => ["*", name.toLowerCase()].includes(entry.trim().toLowerCase()))) headers.set("Vary", `${vary}, ${name}`);
}

/** @param {string} title @param {string} message */
function htmlPage(title, message) {
  return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} — Le Portail des Factures</title></head>
<body>
<main>
<h1>${title}</h1>
<p>${message}</p>
<p><a href="/">Retour à l'accueil du portail</a></p>
</main>
</body>
</html>
`;
}

function forbiddenResponse() {
  return new Response(
    htmlPage("Requête refusée", "Requête refusée : elle ne vient pas du portail. Revenez sur le portail et recommencez."),
    { status: 403, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } },
  );
}

/** @param {number} status @param {string} title @param {string} message @param {boolean} close */
function bodyRefusal(status, title, message, close) {
  /** @type {Record<string, string>} */
  const headers = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" };
  // The rest of the body was not read: the connection cannot carry another request.
  if (close) headers.Connection = "close";
  return new Response(htmlPage(title, message), { status, headers });
}

function errorResponse() {
  return new Response(
    htmlPage(
      "Une erreur est survenue",
      "Le portail n'a pas pu traiter votre demande. Réessayez dans quelques minutes ; si le problème continue, contactez le service qui vous envoie vos factures.",
    ),
    { status: 500, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } },
  );
}

/**
 * CSRF defence for state-changing requests. We require the `Origin` header and do not accept
 * `Sec-Fetch-Site: same-origin` in its place: every browser we support sends Origin on POST
 * (and on every non-GET fetch), so a request without it comes from something that is not a
 * current browser on our pages, and one rule is easier to reason about than two. Origin "null"
 * (sandboxed frames, some redirects, file:) is refused too.
 * @param {Request} request
 * @param {string} ownOrigin
 */
function isSameOriginRequest(request, ownOrigin) {
  const origin = request.headers.get("origin");
  return origin !== null && origin.toLowerCase() === ownOrigin.toLowerCase();
}

/**
 * Whether `pathname` is exempt from the Origin check: equal to one of the strings, or wholly
 * matched by one of the patterns. Never a prefix: `/paiement/retourx` or
 * `/paiement/notification/../../deconnexion` (encoded) must not ride on an exemption.
 * @param {string} pathname
 * @param {(string | RegExp)[]} exempt
 */
export function isExemptPath(pathname, exempt) {
  return exempt.some((entry) => {
    if (typeof entry === "string") return pathname === entry;
    const match = new RegExp(entry.source, entry.flags.replace(/[gy]/g, "")).exec(pathname);
    return match !== null && match.index === 0 && match[0].length === pathname.length;
  });
}

/**
 * @param {Handler} handler the Remix request handler (or any web handler, e.g. static files)
 * @param {SecurityOptions} [options]
 * @returns {(request: Request) => Promise<Response>}
 */
export function wrapHandler(handler, options = {}) {
  const mode = options.mode ?? "production";
  const trustProxy = options.trustProxy ?? false;
  const formActionOrigins = options.formActionOrigins ?? [];
  const crossOriginPostPaths = options.crossOriginPostPaths ?? [];
  const originlessPostPaths = options.originlessPostPaths ?? [];
  const siteUrl = options.siteUrl || undefined;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const onError = options.onError ?? ((error) => console.error(error));
  const gzipStream = options.gzipStream;

  return async function securedHandler(request) {
    const nonce = createNonce();
    const ownOrigin = publicOrigin(request, trustProxy, siteUrl);
    const https = ownOrigin.startsWith("https:");

    /** @type {Response} */
    let response;
    const url = new URL(request.url);
    const stateChanging = !SAFE_METHODS.has(request.method.toUpperCase());
    const checkOrigin =
      stateChanging &&
      !isExemptPath(url.pathname, crossOriginPostPaths) &&
      !(request.headers.get("origin") === null && originlessPostPaths.includes(url.pathname));
    if (checkOrigin && !isSameOriginRequest(request, ownOrigin)) {
      response = forbiddenResponse();
    } else {
      // Origin first: a forged request is refused without reading its body.
      const read = stateChanging ? await readBodyWithin(request, maxBodyBytes) : { ok: /** @type {const} */ (true), body: null };
      if (!read.ok) {
        response =
          read.reason === "too_large"
            ? bodyRefusal(
                413,
                "Formulaire trop volumineux",
                `Le formulaire envoyé est trop volumineux (${Math.floor(maxBodyBytes / 1024)} Kio au maximum). Raccourcissez votre message et recommencez.`,
                read.close,
              )
            : bodyRefusal(400, "Requête invalide", "Le formulaire envoyé est illisible. Rechargez la page et recommencez.", read.close);
      } else {
        const publicUrl = new URL(`${url.pathname}${url.search}`, ownOrigin);
        const headers = new Headers(request.headers);
        headers.set(NONCE_HEADER, nonce); // replaces any value the client sent
        // Remix compares a document POST's Origin with X-Forwarded-Host, else Host: both must name
        // the public origin we just checked (a proxy may have rewritten Host to the upstream).
        headers.set("host", publicUrl.host);
        headers.delete("x-forwarded-host");
        // The body, already read and within the cap, is now counted by length.
        headers.delete("transfer-encoding");
        if (read.body !== null) headers.set("content-length", String(read.body.byteLength));
        const forwarded = new Request(publicUrl, {
          method: request.method,
          headers,
          body: read.body,
          signal: request.signal,
        });
        try {
          response = await handler(forwarded);
        } catch (error) {
          onError(error);
          response = errorResponse();
        }
      }
    }
    return compressResponse(request, withSecurityHeaders(response, { nonce, https, mode, formActionOrigins }), gzipStream);
  };
}
