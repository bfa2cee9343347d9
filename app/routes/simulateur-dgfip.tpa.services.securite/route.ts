import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { getEmbeddedExtras } from "~/.server/backend";
import { requireSimulator } from "~/.server/payment/simulator-page";

/**
 * The simulator's PayFiP SOAP endpoint (embedded default only; 404 otherwise):
 * creerPaiementSecurise and recupererDetailPaiementSecurise, faults as DGFiP sends them.
 * The portal calls it server to server, without Origin: exempt in server/*.js (decision 0003).
 */
export async function loader(_args: LoaderFunctionArgs) {
  const simulator = (await getEmbeddedExtras())?.paymentSimulator;
  throw new Response(simulator ? "Méthode non autorisée" : "Page introuvable", { status: simulator ? 405 : 404, headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const simulator = await requireSimulator();
  return simulator.handleSoap(request);
}
