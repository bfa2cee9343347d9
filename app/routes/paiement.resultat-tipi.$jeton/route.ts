import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { redirect } from "@remix-run/server-runtime";
import { clientKey } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { env } from "~/.server/env";
import { readCallbackForm } from "~/.server/form";
import { tipiTrustedSources } from "~/.server/payment/config";
import { applyTipiResult } from "~/.server/payment/service";
import { isTrustedSource } from "~/.server/payment/trust";

/**
 * `/paiement/resultat-tipi/<token>`: classic TIPI's urlcl. The result arrives as a form (from
 * DGFiP's server, and from the resident's browser) and carries no signature: it is applied only
 * when <token> is the attempt's secret and refdet, amount and numcli match it
 * (public.apply_payment_result). The token is in the form the browser posts to TIPI, so a "paid"
 * makes invoices paid only when it comes from an address of TIPI_TRUSTED_SOURCES (DGFiP's
 * servers; the embedded default's simulator posts from the loopback); from anywhere else it is
 * recorded as reported, for staff to confirm (docs/decisions/0013-tipi-trust-and-abandon-window.md).
 * Then the browser goes to the result page. Exempt from the Origin check (server/*.js, decision 0003).
 */
async function handle(request: Request, token: string): Promise<Response> {
  const params = new URLSearchParams(new URL(request.url).searchParams);
  if (request.method === "POST") {
    // Fields may also come in the query string: an empty body is fine, one that is not a form a 400.
    for (const [k, v] of await readCallbackForm(request)) params.append(k, v);
  }
  // The address the HTTP server recorded (socket, or the right-most X-Forwarded-For behind TRUST_PROXY=1).
  const address = clientKey(request);
  const trusted = isTrustedSource(address, tipiTrustedSources(env()));
  const outcome = await applyTipiResult((await getBackend()).paymentResults, token, params, "tipi_urlcl", { address, trusted });
  return redirect(outcome.attemptId ? `/paiement/retour?tentative=${outcome.attemptId}` : "/paiement/retour", 303);
}

export const loader = ({ request, params }: LoaderFunctionArgs) => handle(request, params.jeton ?? "");
export const action = ({ request, params }: ActionFunctionArgs) => handle(request, params.jeton ?? "");
