// @ts-check
/// <reference lib="deno.ns" />
/**
 * Production server for Deno (`npm run start:deno`): the same build and the same security
 * wrapper as server/node.js, with `Deno.serve`. Static files are served here (JSR, hence
 * @std/http, is not reachable from our build machines). Permissions (the start:deno script of package.json):
 *   deno run --unstable-no-legacy-abort --allow-net "--allow-read=.,$(realpath node_modules),${DATA_DIR:-.data}"
 *     "--allow-write=${DATA_DIR:-.data}" --allow-env server/deno.js
 * read and write on DATA_DIR wherever it is (PGlite reads its files back); read on the project and
 * node_modules (PGlite's WASM). --unstable-no-legacy-abort: request.signal aborts only when the
 * client goes away, not after every successful response (Deno's legacy behaviour, warned about at
 * the first request otherwise); Remix uses that signal to stop a loader for a client that left.
 * The embedded database is opened before listening: if it cannot be, the process prints why and exits 1.
 * Environment: PORT (3000), HOST (127.0.0.1: server/listen.js), SITE_URL, NODE_ENV (production), TRUST_PROXY=1, DATA_DIR.
 * See docs/decisions/0002-one-build-node-and-deno.md.
 */
import { createRequestHandler } from "@remix-run/server-runtime";
import { exposureWarning, listenHost } from "./listen.js";
import { paymentSecurityOptions } from "./payment.js";
import { CLIENT_IP_HEADER, clientIp, wrapHandler } from "./security.js";
import { staticHeaders, staticRelativePath, staticVariants } from "./static.js";

const port = Number(Deno.env.get("PORT") ?? 3000);
const hostname = listenHost(Deno.env.get("HOST"));
const mode = /** @type {"production" | "development" | "test"} */ (Deno.env.get("NODE_ENV") ?? "production");
const trustProxy = Deno.env.get("TRUST_PROXY") === "1";

const clientDir = new URL("../build/client/", import.meta.url);
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
  Deno.exit(1);
}

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
  let file;
  let encoding = null;
  for (const variant of staticVariants(relativePath, request.headers.get("accept-encoding"))) {
    try {
      file = await Deno.open(new URL(variant.path, clientDir), { read: true });
    } catch {
      continue;
    }
    encoding = variant.encoding;
    break;
  }
  if (!file) return undefined;
  try {
    const stats = await file.stat();
    if (!stats.isFile) {
      file.close();
      return undefined;
    }
    const mtimeMs = stats.mtime?.getTime() ?? 0;
    const { headers, notModified } = staticHeaders(relativePath, { size: stats.size, mtimeMs }, request.headers, encoding);
    if (notModified || request.method === "HEAD") {
      file.close();
      if (notModified) headers.delete("Content-Length");
      return new Response(null, { status: notModified ? 304 : 200, headers });
    }
    // The stream closes the file when it is fully read or cancelled.
    return new Response(file.readable, { status: 200, headers });
  } catch (error) {
    file.close();
    throw error;
  }
}

const handler = wrapHandler(async (request) => (await serveStatic(request)) ?? remixHandler(request), {
  mode,
  trustProxy,
  siteUrl: Deno.env.get("SITE_URL")?.trim() || undefined,
  ...paymentSecurityOptions({
    PAYFIP_PAYMENT_URL: Deno.env.get("PAYFIP_PAYMENT_URL"),
    TIPI_PAYMENT_URL: Deno.env.get("TIPI_PAYMENT_URL"),
  }),
});

const warning = exposureWarning(hostname, { SUPABASE_URL: Deno.env.get("SUPABASE_URL") });
if (warning) console.warn(warning);

const server = Deno.serve(
  {
    port,
    hostname,
    onListen({ hostname, port }) {
      console.log(`Le Portail des Factures (Deno ${Deno.version.deno}, ${mode}) listening on http://${hostname}:${port}`);
    },
  },
  (request, info) => {
    const headers = new Headers(request.headers);
    const remote = info.remoteAddr.transport === "tcp" ? info.remoteAddr.hostname : undefined;
    headers.delete(CLIENT_IP_HEADER);
    headers.set(CLIENT_IP_HEADER, clientIp(remote, headers, trustProxy));
    return handler(new Request(request, { headers }));
  },
);

/** Lets the embedded database flush and release its DATA_DIR lock (set by app/.server/embedded/backend.ts). */
async function closeBackend() {
  const close = /** @type {{ __portalShutdown?: () => Promise<void> }} */ (globalThis).__portalShutdown;
  await close?.().catch((error) => console.error("closing the database failed", error));
}

let stopping = false;
/** @param {Deno.Signal} signal */
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received, closing the server`);
  // Finishes in-flight requests; give them a few seconds, then leave anyway.
  const timer = setTimeout(() => Deno.exit(0), 5_000);
  server
    .shutdown()
    .then(() => closeBackend())
    .then(() => {
      clearTimeout(timer);
      Deno.exit(0);
    });
}
Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
