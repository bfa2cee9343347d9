// @ts-check
/// <reference lib="deno.ns" />
/* global Deno */
/**
 * What the two Deno servers share: server/deno.js (the build on disk, `npm run start:deno`) and
 * server/edge.js (the self-contained edge bundle, build/edge/server.js). Given the Remix build and
 * a static-file handler, it runs the start-up check (app/.server/backend.ts startBackend: the
 * environment, and the embedded database when there is one) before listening, sends every request
 * through the security wrapper (server/security.js) with the client address set from the socket
 * (or a trusted proxy), and stops gracefully on SIGTERM/SIGINT.
 * Environment: PORT (3000), HOST (127.0.0.1: server/listen.js), SITE_URL, NODE_ENV (production),
 * TRUST_PROXY=1, PAYFIP_PAYMENT_URL, TIPI_PAYMENT_URL, SUPABASE_URL (for the exposure warning).
 */
import { createRequestHandler } from "@remix-run/server-runtime";
import { exposureWarning, listenHost } from "./listen.js";
import { paymentSecurityOptions } from "./payment.js";
import { CLIENT_IP_HEADER, clientIp, wrapHandler } from "./security.js";

/**
 * @param {object} options
 * @param {unknown} options.build the Remix server build (build/server/index.js)
 * @param {(request: Request) => Promise<Response | undefined>} options.serveStatic a build/client
 *   file, or undefined to let Remix answer (server/static.js serveStaticFile)
 * @param {string} [options.label] what the "listening" line calls this server (default "Deno <version>")
 * @param {boolean} [options.signalFromRequest] hand Remix Deno's own request.signal (aborts as soon
 *   as the client goes away): only when started with --unstable-no-legacy-abort, as the start:deno
 *   script of package.json does. Otherwise (the edge bundle: Deno Deploy passes no flag) a signal
 *   that aborts when the response cannot be delivered.
 */
export async function serveOnDeno({ build, serveStatic, label, signalFromRequest = false }) {
  const port = Number(Deno.env.get("PORT") ?? 3000);
  const hostname = listenHost(Deno.env.get("HOST"));
  const mode = /** @type {"production" | "development" | "test"} */ (Deno.env.get("NODE_ENV") ?? "production");
  const trustProxy = Deno.env.get("TRUST_PROXY") === "1";
  const remixHandler = createRequestHandler(/** @type {any} */ (build), mode);

  // Before listening: validate the environment and, in the embedded default, open the database in
  // DATA_DIR (startBackend in app/.server/backend.ts). A start that cannot stops here, exit 1.
  try {
    const startBackend = /** @type {{ __portalStartBackend?: () => Promise<unknown> }} */ (globalThis).__portalStartBackend;
    if (!startBackend) throw new Error("the server build has no start-up check (__portalStartBackend): rebuild with `npm run build`.");
    await startBackend();
  } catch (error) {
    console.error(`Le Portail des Factures did not start: ${error instanceof Error ? error.message : String(error)}`);
    await closeBackend();
    Deno.exit(1);
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
        console.log(`Le Portail des Factures (${label ?? `Deno ${Deno.version.deno}`}, ${mode}) listening on http://${hostname}:${port}`);
      },
    },
    (request, info) => {
      const headers = new Headers(request.headers);
      const remote = info.remoteAddr.transport === "tcp" ? info.remoteAddr.hostname : undefined;
      headers.delete(CLIENT_IP_HEADER);
      headers.set(CLIENT_IP_HEADER, clientIp(remote, headers, trustProxy));
      if (signalFromRequest) return handler(new Request(request, { headers }));
      // Without --unstable-no-legacy-abort, Deno's request.signal also aborts after every
      // successful response, and warns once it has been read. So the request is made from the parts
      // of Deno's, never touching its signal, with one that aborts when the response could not be
      // delivered (`completed` rejects: the client went away), e.g. while a deferred loader streams.
      // A client leaving before the response has started is not seen: its loader runs to the end.
      const delivery = new AbortController();
      info.completed.catch((reason) => delivery.abort(reason));
      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      return handler(
        new Request(request.url, /** @type {RequestInit} */ ({
          method: request.method,
          headers,
          body: hasBody ? request.body : undefined,
          signal: delivery.signal,
          duplex: "half",
          redirect: request.redirect,
        })),
      );
    },
  );

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
  for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) {
    try {
      Deno.addSignalListener(signal, () => shutdown(signal));
    } catch {
      // Hosted isolates (Deno Deploy) have no signals: the platform stops them.
    }
  }
  return server;
}

/** Lets the embedded database flush and release its DATA_DIR lock (set by app/.server/embedded/backend.ts). */
async function closeBackend() {
  const close = /** @type {{ __portalShutdown?: () => Promise<void> }} */ (globalThis).__portalShutdown;
  await close?.().catch((error) => console.error("closing the database failed", error));
}
