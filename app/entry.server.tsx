import type { EntryContext, HandleDataRequestFunction } from "@remix-run/server-runtime";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToReadableStream } from "react-dom/server";
import { NonceProvider } from "./utils/nonce";

const ABORT_DELAY = 5_000;

/**
 * Every page and every loader/action answer is built for one request (a CSP nonce, often a
 * resident's data): never stored by the browser or a proxy. Without it, after « Déconnexion »
 * on a shared computer the Back button showed the previous resident's pages again (found by
 * e2e/accounts.spec.ts without JavaScript). A route may still set its own Cache-Control.
 */
const NO_STORE = "private, no-store";

export const handleDataRequest: HandleDataRequestFunction = (response) => {
  if (!response.headers.has("Cache-Control")) response.headers.set("Cache-Control", NO_STORE);
  return response;
};

/**
 * Web-streams entry (like Remix's Cloudflare one) so the same build runs on Node and Deno.
 * The CSP nonce is chosen by the HTTP server (server/security.js) and passed in the
 * `x-csp-nonce` request header, which that server strips from incoming requests.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const nonce = request.headers.get("x-csp-nonce") ?? "";
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), ABORT_DELAY);
  const body = await renderToReadableStream(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
    </NonceProvider>,
    {
      nonce,
      signal: controller.signal,
      onError(error: unknown) {
        if (!controller.signal.aborted) console.error(error);
        responseStatusCode = 500;
      },
    },
  );
  body.allReady.then(() => clearTimeout(timeout)).catch(() => clearTimeout(timeout));
  if (isbot(request.headers.get("user-agent") || "")) await body.allReady;

  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  if (!responseHeaders.has("Cache-Control")) responseHeaders.set("Cache-Control", NO_STORE);
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}
