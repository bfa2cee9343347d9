import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { useActionData, useLoaderData } from "@remix-run/react";
import { readForm } from "~/.server/form";
import { controlsFrom, decisionFrom, paymentSummary } from "~/.server/payment/simulator";
import { requireSimulator } from "~/.server/payment/simulator-page";
import { SimulatorClosed } from "~/components/simulator-controls";
import { SimulatorPage, SimulatorPaymentForm } from "~/components/simulator-page";

/**
 * The simulator's PayFiP payment page, `paiementws.web?idop=…` (embedded default only). The
 * resident pays, refuses or abandons; the simulator then notifies urlnotif (server to server,
 * per the controls) and sends the browser back to urlredirect?idop=….
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const sim = await requireSimulator();
  const idop = new URL(request.url).searchParams.get("idop") ?? "";
  const payment = await sim.payfipOperation(idop);
  if (!payment) return data({ found: false as const, idop });
  return data({ found: true as const, idop, done: Boolean(payment.result), ...paymentSummary(payment.request) });
}

export async function action({ request }: ActionFunctionArgs) {
  const sim = await requireSimulator();
  const form = await readForm(request);
  const decision = decisionFrom(form.get("decision"));
  if (!decision) return data({ error: "Choisissez Payer, Refuser ou Abandonner.", closed: false });
  const outcome = await sim.decidePayfip(String(form.get("idop") ?? ""), decision, controlsFrom(form));
  if ("error" in outcome) return data({ error: outcome.error, closed: false });
  if (outcome.redirectTo === null) return data({ error: null, closed: true });
  return redirect(outcome.redirectTo, 303);
}

export const meta: MetaFunction = () => [{ title: "PayFiP — simulateur local de la DGFiP" }];

export default function PayfipPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result?.closed) return <SimulatorClosed />;
  return (
    <SimulatorPage title="PayFiP — paiement sécurisé">
      {result?.error ? <p role="alert" className="font-semibold text-brand-700">{result.error}</p> : null}
      {!page.found ? (
        <p role="alert">Cette opération de paiement est inconnue ou a expiré (idOp incorrect).</p>
      ) : page.done ? (
        <p role="alert">Cette opération de paiement est déjà terminée.</p>
      ) : (
        <SimulatorPaymentForm id={{ name: "idop", value: page.idop }} payment={page} />
      )}
    </SimulatorPage>
  );
}
