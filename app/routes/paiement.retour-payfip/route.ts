import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { redirect } from "@remix-run/server-runtime";
import { getBackend } from "~/.server/backend";
import { env } from "~/.server/env";
import { readCallbackForm } from "~/.server/form";
import { paymentUrls, portalOrigin } from "~/.server/payment/config";
import { fieldAnyCase } from "~/.server/payment/protocol";
import { confirmPayfip, payfipClientFor } from "~/.server/payment/service";

/**
 * `/paiement/retour-payfip`: PayFiP's urlredirect (app/.server/payment/config.ts CALLBACK_PATHS),
 * where the provider sends the resident's browser back with `idop` — by a form POST from
 * https://www.payfip.gouv.fr, or by GET. It answers a 303 to the French result page
 * `/paiement/retour?idop=…`, which stays a normal page.
 *
 * A resource route (no default export, no ErrorBoundary) exempt from the Origin check
 * (server/payment.js, docs/decisions/0003): Remix aborts a document POST whose Origin is not
 * the portal's with a blank 500, which is what a page at this address would get. The POST
 * carries no session cookie (SameSite=Lax), so it only fetches the result from PayFiP
 * (recupererDetailPaiementSecurise: the URL is never trusted) and applies it; the GET page then
 * has the session. A GET goes straight to that page, whose loader asks PayFiP itself.
 */
const IDOP = /^[A-Za-z0-9-]{1,64}$/;

function resultPage(idop: string | null): Response {
  return redirect(idop && IDOP.test(idop) ? `/paiement/retour?idop=${encodeURIComponent(idop)}` : "/paiement/retour", 303);
}

export async function action({ request }: ActionFunctionArgs) {
  const url = new URL(request.url);
  const form = await readCallbackForm(request);
  const idop = fieldAnyCase(form, "idop") ?? fieldAnyCase(url.searchParams, "idop");
  if (!idop || !IDOP.test(idop)) return resultPage(null);
  const config = env();
  const urls = paymentUrls(config, portalOrigin(config));
  await confirmPayfip((await getBackend()).paymentResults, payfipClientFor(urls), idop, "payfip_return");
  return resultPage(idop);
}

export function loader({ request }: LoaderFunctionArgs) {
  return resultPage(fieldAnyCase(new URL(request.url).searchParams, "idop"));
}
