// @ts-check
/**
 * Runtime-neutral part of serving `build/client` (shared by server/node.js, server/deno.js and
 * server/edge.js): which URL paths may map to a file, their content type and cache policy, and
 * (serveStaticFile) the request-to-response logic. Reading the file is left to each runtime.
 * No `node:` imports, no environment reads.
 */

/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".pdf": "application/pdf",
  ".wasm": "application/wasm",
};

/** Suffixes scripts/precompress.js writes beside a file, in the order the server prefers them. */
export const PRECOMPRESSED = /** @type {const} */ ([
  { encoding: "br", suffix: ".br" },
  { encoding: "gzip", suffix: ".gz" },
]);
const PRECOMPRESSED_SUFFIX = /\.(br|gz)$/i;

/** Hashed, never-changing files emitted by Vite. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
/** Anything else in build/client (favicon, robots.txt...): may change with the next deploy. */
export const SHORT_CACHE = "public, max-age=300";

/**
 * Maps a URL pathname to a path relative to build/client, or null when it must not be served
 * from disk: undecodable, NUL bytes, backslashes, `..` segments, dot-files/folders (e.g. the
 * `.vite/manifest.json` Vite leaves there) or a trailing slash (no directory listing or index).
 * @param {string} pathname the URL pathname (still percent-encoded)
 * @returns {string | null}
 */
export function staticRelativePath(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (!decoded.startsWith("/") || decoded.endsWith("/")) return null;
  // `.br`/`.gz` files are the precompressed variants of another file (scripts/precompress.js),
  // served only in its place (staticVariants), never as files of their own.
  if (PRECOMPRESSED_SUFFIX.test(decoded)) return null;
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const segments = decoded.slice(1).split("/");
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === ".." || segment.startsWith(".")) return null;
  }
  return segments.join("/");
}

/** @param {string} relativePath */
export function contentTypeFor(relativePath) {
  const dot = relativePath.lastIndexOf(".");
  const extension = dot === -1 ? "" : relativePath.slice(dot).toLowerCase();
  return CONTENT_TYPES[extension] ?? "application/octet-stream";
}

/**
 * Whether a body of this Content-Type is worth compressing: text, JSON, JavaScript, XML, SVG,
 * web manifests. Not images other than SVG, fonts (woff/woff2 are compressed already), PDFs,
 * octet-streams, nor `text/event-stream` (its events must not wait in a compressor's buffer).
 * Used for static files here and for pages by server/security.js.
 * @param {string | null} contentType
 */
export function isCompressibleType(contentType) {
  if (!contentType) return false;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "text/event-stream") return false;
  if (type.startsWith("text/")) return true;
  if (type.endsWith("+json") || type.endsWith("+xml")) return true;
  return ["application/json", "application/xml", "application/javascript", "application/x-javascript", "image/svg+xml"].includes(type);
}

/**
 * The quality (0 to 1) the client's `Accept-Encoding` gives a content-coding: its own entry,
 * else `*`'s, else 0 (RFC 9110 §12.5.3; `gzip;q=0` refuses gzip). No header at all: 0 (we send
 * identity).
 * @param {string | null} acceptEncoding
 * @param {string} coding "br" or "gzip"
 */
export function encodingQuality(acceptEncoding, coding) {
  if (!acceptEncoding) return 0;
  /** @type {number | undefined} */
  let star;
  for (const entry of acceptEncoding.split(",")) {
    const [name = "", ...params] = entry.split(";").map((part) => part.trim());
    let q = 1;
    for (const param of params) {
      const match = /^q\s*=\s*([0-9.]+)$/i.exec(param);
      if (match) q = Math.min(1, Math.max(0, Number(match[1]) || 0));
    }
    const lower = name.toLowerCase();
    if (lower === coding || (coding === "gzip" && lower === "x-gzip")) return q;
    if (lower === "*") star = q;
  }
  return star ?? 0;
}

/**
 * The files to try for a request, best first: the precompressed variants the client accepts
 * (highest q first, br before gzip on a tie), then the file itself. Each runtime serves the first
 * that exists. Only compressible types have variants.
 * @param {string} relativePath from staticRelativePath
 * @param {string | null} acceptEncoding the request's Accept-Encoding
 * @returns {{ path: string, encoding: string | null }[]}
 */
export function staticVariants(relativePath, acceptEncoding) {
  const identity = { path: relativePath, encoding: null };
  if (!isCompressibleType(contentTypeFor(relativePath))) return [identity];
  const accepted = PRECOMPRESSED.map((variant, order) => ({ ...variant, order, q: encodingQuality(acceptEncoding, variant.encoding) }))
    .filter((variant) => variant.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return [...accepted.map((variant) => ({ path: relativePath + variant.suffix, encoding: variant.encoding })), identity];
}

/** @param {string} relativePath */
export function cacheControlFor(relativePath) {
  return relativePath.startsWith("assets/") ? IMMUTABLE_CACHE : SHORT_CACHE;
}

/**
 * Response headers for a file, and whether the client's cached copy is still good.
 * @param {string} relativePath the file asked for (its type and cache policy)
 * @param {{ size: number, mtimeMs: number }} stat of the file sent: the variant's when `encoding`
 * @param {Headers} requestHeaders
 * @param {string | null} [encoding] the precompressed variant sent (staticVariants), if any: the
 *   ETag then carries it as a suffix, so that each encoding has its own validator.
 */
export function staticHeaders(relativePath, stat, requestHeaders, encoding = null) {
  const suffix = encoding ? `-${encoding}` : "";
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}${suffix}"`;
  const headers = new Headers({
    "Content-Type": contentTypeFor(relativePath),
    "Cache-Control": cacheControlFor(relativePath),
    ETag: etag,
    "Last-Modified": new Date(stat.mtimeMs).toUTCString(),
    "Content-Length": String(stat.size),
  });
  if (encoding) headers.set("Content-Encoding", encoding);
  // The answer depends on Accept-Encoding whenever the type could have a compressed variant.
  if (isCompressibleType(headers.get("Content-Type"))) headers.set("Vary", "Accept-Encoding");
  const ifNoneMatch = requestHeaders.get("if-none-match");
  const notModified = ifNoneMatch !== null && ifNoneMatch.split(",").some((tag) => tag.trim() === etag);
  return { headers, notModified };
}

/**
 * @typedef {object} StaticFile one file of build/client, as a runtime found it
 * @property {number} size in bytes
 * @property {number} mtimeMs modification time (the ETag and Last-Modified come from both)
 * @property {() => BodyInit} body its content, asked for at most once and only when it is sent
 * @property {() => void} [close] releases the file when its body is not sent (304, HEAD)
 */

/**
 * Serves a GET/HEAD request from build/client, or answers undefined to let Remix answer: the
 * path checks of staticRelativePath, the precompressed variants the client accepts first
 * (scripts/precompress.js, staticVariants), then staticHeaders (type, cache, ETag, 304). Reading
 * is left to `open`: files on disk (server/deno.js) or bytes in memory (server/edge.js).
 * @param {Request} request
 * @param {(path: string) => Promise<StaticFile | "missing" | "not-a-file">} open a path relative
 *   to build/client: the file, "missing" (the next variant is tried), or "not-a-file" (e.g. a
 *   folder: Remix answers)
 * @returns {Promise<Response | undefined>}
 */
export async function serveStaticFile(request, open) {
  if (request.method !== "GET" && request.method !== "HEAD") return undefined;
  const relativePath = staticRelativePath(new URL(request.url).pathname);
  if (relativePath === null) return undefined;
  for (const variant of staticVariants(relativePath, request.headers.get("accept-encoding"))) {
    const file = await open(variant.path);
    if (file === "missing") continue;
    if (file === "not-a-file") return undefined;
    const { headers, notModified } = staticHeaders(relativePath, file, request.headers, variant.encoding);
    if (notModified || request.method === "HEAD") {
      file.close?.();
      if (notModified) headers.delete("Content-Length");
      return new Response(null, { status: notModified ? 304 : 200, headers });
    }
    return new Response(file.body(), { status: 200, headers });
  }
  return undefined;
}
