// @ts-check
/**
 * Production server for Node 20 (`npm start`): serves `build/client` and the Remix build
 * (`build/server/index.js`), every response going through server/security.js.
 * Environment: PORT (3000), HOST (127.0.0.1: server/listen.js), SITE_URL, NODE_ENV (production), TRUST_PROXY=1 behind a
 * reverse proxy that sets X-Forwarded-*. The embedded database is opened before listening: if it cannot be, the
 * process prints why and exits 1. See docs/decisions/0002-one-build-node-and-deno.md.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/server-runtime";
import { exposureWarning, listenHost } from "./listen.js";
import { paymentSecurityOptions } from "./payment.js";
import { CLIENT_IP_HEADER, clientIp, createNonce, withSecurityHeaders, wrapHandler } from "./security.js";
import { staticHeaders, staticRelativePath, staticVariants } from "./static.js";
import { gzipStream } from "./gzip.js";

const port = Number(process.env.PORT ?? 3000);
const host = listenHost(process.env.HOST);
const mode = /** @type {"production" | "development" | "test"} */ (process.env.NODE_ENV ?? "production");
const trustProxy = process.env.TRUST_PROXY === "1";

const clientDir = fileURLToPath(new URL("../build/client/", import.meta.url));
// build/server/index.js exists only after `npm run build`, and `tsc` checks this file before it
// (an expect-error directive would then fail once the build exists).
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore
const build = await import("../build/server/index.js");
const remixHandler = createRequestHandler(/** @type {any} */ (build), mode);

// Before listening: validate the environment and, in the embedded default, open the database in
// DATA_DIR (startBackend in app/.server/backend.ts). A start that cannot open it stops here, exit 1.
try {
  const startBackend = /** @type {{ __portalStartBackend?: () => Promise<unknown> }} */ (globalThis).__portalStartBackend;
  if (!startBackend) throw new Error("build/server/index.js has no start-up check (__portalStartBackend): rebuild with `npm run build`.");
  await startBackend();
} catch (error) {
  console.error(`Le Portail des Factures did not start: ${error instanceof Error ? error.message : String(error)}`);
  await closeBackend();
  process.exit(1);
}

/**
 * The files of build/client (paths relative to it), listed once at start-up: the build does not
 * change while the server runs, and a page's URL (/factures) then costs no failed stat() per
 * request before Remix answers it (docs/performance.md, "Served path").
 */
const clientFiles = new Set(
  (await readdir(clientDir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((/** @type {import("node:fs").Dirent & { path?: string }} */ entry) => `${entry.parentPath ?? entry.path}/${entry.name}`.slice(clientDir.length).replace(/^\/+/, "")),
);

/**
 * build/client file for a GET/HEAD request, or undefined to let Remix answer.
 * @param {Request} request
 * @returns {Promise<Response | undefined>}
 */
async function serveStatic(request) {
  if (request.method !== "GET" && request.method !== "HEAD") return undefined;
  const relativePath = staticRelativePath(new URL(request.url).pathname);
  if (relativePath === null) return undefined;
  // Precompressed variants first (scripts/precompress.js), in the client's order of preference.
  let filePath;
  let encoding = null;
  let stats;
  for (const variant of staticVariants(relativePath, request.headers.get("accept-encoding"))) {
    if (!clientFiles.has(variant.path)) continue;
    try {
      stats = await stat(clientDir + variant.path);
    } catch {
      continue;
    }
    if (!stats.isFile()) return undefined;
    filePath = clientDir + variant.path;
    encoding = variant.encoding;
    break;
  }
  if (!stats || filePath === undefined) return undefined;
  const { headers, notModified } = staticHeaders(relativePath, stats, request.headers, encoding);
  if (notModified) {
    headers.delete("Content-Length");
    return new Response(null, { status: 304, headers });
  }
  if (request.method === "HEAD") return new Response(null, { status: 200, headers });
  const body = /** @type {ReadableStream} */ (Readable.toWeb(createReadStream(filePath)));
  return new Response(body, { status: 200, headers });
}

const handler = wrapHandler(async (request) => (await serveStatic(request)) ?? remixHandler(request), {
  mode,
  trustProxy,
  gzipStream,
  siteUrl: process.env.SITE_URL?.trim() || undefined,
  ...paymentSecurityOptions({
    PAYFIP_PAYMENT_URL: process.env.PAYFIP_PAYMENT_URL,
    TIPI_PAYMENT_URL: process.env.TIPI_PAYMENT_URL,
  }),
});

/**
 * @param {import("node:http").IncomingMessage} req
 * @param {AbortSignal} signal
 */
function toRequest(req, signal) {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? `localhost:${port}`}`);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = /** @type {string} */ (req.rawHeaders[i]);
    // HTTP/2 pseudo-headers never reach here over http/1.1, but be safe.
    if (name.startsWith(":")) continue;
    headers.append(name, /** @type {string} */ (req.rawHeaders[i + 1]));
  }
  headers.delete(CLIENT_IP_HEADER);
  headers.set(CLIENT_IP_HEADER, clientIp(req.socket.remoteAddress, headers, trustProxy));
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, /** @type {RequestInit} */ ({
    method,
    headers,
    signal,
    body: hasBody ? Readable.toWeb(req) : undefined,
    duplex: "half",
  }));
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {Response} response
 * @param {boolean} isHead
 */
async function writeResponse(res, response, isHead) {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);

  if (isHead || !response.body) {
    await response.body?.cancel();
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        // Back-pressure: wait until the socket drains (or closes).
        await new Promise((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
        if (res.destroyed) break;
      }
    }
  } finally {
    if (res.destroyed) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  res.end();
}

const server = createServer(async (req, res) => {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  try {
    let request;
    try {
      request = toRequest(req, controller.signal);
    } catch {
      // Unusable Host header or URL: answer without involving Remix, same security headers.
      const invalid = new Response("Requête invalide.", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      const https = false;
      await writeResponse(res, withSecurityHeaders(invalid, { nonce: createNonce(), https, mode, formActionOrigins: [] }), false);
      return;
    }
    const response = await handler(request);
    await writeResponse(res, response, req.method === "HEAD");
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
    res.end();
  }
});

const warning = exposureWarning(host, { SUPABASE_URL: process.env.SUPABASE_URL });
if (warning) console.warn(warning);

server.listen(port, host, () => {
  console.log(`Le Portail des Factures (Node ${process.version}, ${mode}) listening on http://${host}:${port}`);
});

/** Lets the embedded database flush and release its DATA_DIR lock (set by app/.server/embedded/backend.ts). */
async function closeBackend() {
  const close = /** @type {{ __portalShutdown?: () => Promise<void> }} */ (globalThis).__portalShutdown;
  await close?.().catch((error) => console.error("closing the database failed", error));
}

let stopping = false;
/** @param {NodeJS.Signals} signal */
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received, closing the server`);
  server.close(() => closeBackend().then(() => process.exit(0)));
  server.closeIdleConnections();
  // In-flight requests get a few seconds to finish; then we leave anyway.
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, 5_000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
