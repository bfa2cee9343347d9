import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { useActionData, useLoaderData } from "@remix-run/react";
import { getEmbeddedExtras } from "~/.server/backend";
import { readForm } from "~/.server/form";
import { controlsFrom, type Decision } from "~/.server/payment/simulator";
import { SimulatorClosed, SimulatorControls, SimulatorDecisionButtons } from "~/components/simulator-controls";
import { formatEuros } from "~/utils/format";

/**
 * The simulator's PayFiP payment page, `paiementws.web?idop=…` (embedded default only). The
 * resident pays, refuses or abandons; the simulator then notifies urlnotif (server to server,
 * per the controls) and sends the browser back to urlredirect?idop=….
 */
async function simulator() {
  const sim = (await getEmbeddedExtras())?.paymentSimulator;
  if (!sim) throw new Response("Page introuvable", { status: 404 });
  return sim;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const sim = await simulator();
  const idop = new URL(request.url).searchParams.get("idop") ?? "";
  const payment = await sim.payfipOperation(idop);
  if (!payment) return data({ found: false as const, idop });
  const r = payment.request;
  return data({
    found: true as const,
    idop,
    done: Boolean(payment.result),
    numcli: r.numcli ?? "",
    refdet: r.refdet ?? "",
    amount: formatEuros(Number(r.montant)),
    objet: r.objet ?? "",
    mel: r.mel ?? "",
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const sim = await simulator();
  const form = await readForm(request);
  const decision = String(form.get("decision") ?? "");
  if (!["P", "R", "A"].includes(decision)) return data({ error: "Choisissez Payer, Refuser ou Abandonner.", closed: false });
  const outcome = await sim.decidePayfip(String(form.get("idop") ?? ""), decision as Decision, controlsFrom(form));
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
    <main className="mx-auto flex max-w-2xl flex-col gap-4 p-6">
      <p className="rounded bg-amber-100 p-2 text-sm text-amber-950">Simulateur local : aucun paiement réel n&apos;est effectué.</p>
      <h1 className="text-2xl font-bold">PayFiP — paiement sécurisé</h1>
      {result?.error ? <p role="alert" className="font-semibold text-brand-700">{result.error}</p> : null}
      {!page.found ? (
        <p role="alert">Cette opération de paiement est inconnue ou a expiré (idOp incorrect).</p>
      ) : page.done ? (
        <p role="alert">Cette opération de paiement est déjà terminée.</p>
      ) : (
        <form method="post" className="flex flex-col gap-4">
          <input type="hidden" name="idop" value={page.idop} />
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded bg-white p-4 shadow-sm">
            <dt className="font-semibold">Collectivité</dt>
            <dd>{page.numcli}</dd>
            <dt className="font-semibold">Référence</dt>
            <dd>{page.refdet}</dd>
            <dt className="font-semibold">Objet</dt>
            <dd>{page.objet}</dd>
            <dt className="font-semibold">Montant</dt>
            <dd>{page.amount}</dd>
            <dt className="font-semibold">Adresse électronique</dt>
            <dd>{page.mel}</dd>
          </dl>
          <SimulatorControls />
          <SimulatorDecisionButtons />
        </form>
      )}
    </main>
  );
}
