import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { getBackend } from "~/.server/backend";
import { env } from "~/.server/env";
import { readCallbackForm } from "~/.server/form";
import { paymentUrls, portalOrigin } from "~/.server/payment/config";
import { fieldAnyCase } from "~/.server/payment/protocol";
import { confirmPayfip, payfipClientFor } from "~/.server/payment/service";

/**
 * `/paiement/notification`: PayFiP's urlnotif. DGFiP's servers send `idop` (any case, POST form
 * or GET query); the notification carries no result, so the result is fetched from PayFiP
 * (recupererDetailPaiementSecurise) and applied by public.apply_payment_result — as many times as
 * it comes, with one effect. Exempt from the Origin check (server/*.js, decision 0003).
 */
async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const params = new URLSearchParams(url.searchParams);
  if (request.method === "POST") {
    // The idop may be in the query string: an empty body is fine, one that is not a form a 400.
    for (const [k, v] of await readCallbackForm(request)) params.append(k, v);
  }
  const idop = fieldAnyCase(params, "idop");
  const text = (body: string, status: number) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  if (!idop || !/^[A-Za-z0-9-]{1,64}$/.test(idop)) return text("idop manquant", 400);
  const config = env();
  const urls = paymentUrls(config, portalOrigin(config));
  const result = await confirmPayfip((await getBackend()).paymentResults, payfipClientFor(urls), idop, "payfip_notification");
  // 503 when PayFiP could not be asked: a sender that retries may; the reconciliation job will anyway.
  return result.kind === "error" ? text("réessayer plus tard", 503) : text("OK", 200);
}

export const loader = ({ request }: LoaderFunctionArgs) => handle(request);
export const action = ({ request }: ActionFunctionArgs) => handle(request);
