// @ts-check
/**
 * Runtime-neutral part of serving `build/client` (shared by server/node.js and server/deno.js):
 * which URL paths may map to a file, their content type and cache policy. Reading the file is
 * left to each runtime. No `node:` imports, no environment reads.
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

/** @param {string} relativePath */
export function cacheControlFor(relativePath) {
  return relativePath.startsWith("assets/") ? IMMUTABLE_CACHE : SHORT_CACHE;
}

/**
 * Response headers for a file, and whether the client's cached copy is still good.
 * @param {string} relativePath
 * @param {{ size: number, mtimeMs: number }} stat
 * @param {Headers} requestHeaders
 */
export function staticHeaders(relativePath, stat, requestHeaders) {
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers = new Headers({
    "Content-Type": contentTypeFor(relativePath),
    "Cache-Control": cacheControlFor(relativePath),
    ETag: etag,
    "Last-Modified": new Date(stat.mtimeMs).toUTCString(),
    "Content-Length": String(stat.size),
  });
  const ifNoneMatch = requestHeaders.get("if-none-match");
  const notModified = ifNoneMatch !== null && ifNoneMatch.split(",").some((tag) => tag.trim() === etag);
  return { headers, notModified };
}
