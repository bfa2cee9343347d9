import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { readForm } from "~/.server/form";
import { controlsFrom, decisionFrom, paymentSummary } from "~/.server/payment/simulator";
import { requireSimulator } from "~/.server/payment/simulator-page";
import { SimulatorClosed } from "~/components/simulator-controls";
import { SimulatorPage, SimulatorPaymentForm } from "~/components/simulator-page";

/**
 * The simulator's classic TIPI page, `paiement.web` (embedded default only). The portal's form
 * arrives here (POST, or GET with the same parameters); the resident pays, refuses or abandons;
 * the result is posted to urlcl server to server (per the controls), then by the browser.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const sim = await requireSimulator();
  const params = new URL(request.url).searchParams;
  const sessionId = params.get("session");
  if (!sessionId) {
    if (![...params.keys()].some((k) => k.toLowerCase() === "numcli")) return data({ found: false as const, errors: [] as string[] });
    const opened = await sim.openTipi(params);
    if ("errors" in opened) return data({ found: false as const, errors: opened.errors });
    throw redirect(`?session=${opened.sessionId}`, 303);
  }
  const session = await sim.tipiSession(sessionId);
  if (!session) return data({ found: false as const, errors: ["Cette session de paiement est inconnue ou a expiré."] });
  return data({ found: true as const, sessionId, done: Boolean(session.result), ...paymentSummary(session.fields) });
}

export async function action({ request }: ActionFunctionArgs) {
  const sim = await requireSimulator();
  const form = await readForm(request);
  if (form.get("decision") === null) {
    // The service's form: open a session and show the payment page.
    const params = new URLSearchParams();
    for (const [k, v] of form) if (typeof v === "string") params.append(k, v);
    const opened = await sim.openTipi(params);
    if ("errors" in opened) return data({ errors: opened.errors, closed: false, returnForm: null });
    return redirect(`/simulateur-dgfip/tpa/paiement.web?session=${opened.sessionId}`, 303);
  }
  const decision = decisionFrom(form.get("decision"));
  if (!decision) return data({ errors: ["Choisissez Payer, Refuser ou Abandonner."], closed: false, returnForm: null });
  const outcome = await sim.decideTipi(String(form.get("session") ?? ""), decision, controlsFrom(form));
  if ("error" in outcome) return data({ errors: [outcome.error], closed: false, returnForm: null });
  if (outcome.returnForm === null) return data({ errors: [] as string[], closed: true, returnForm: null });
  return data({ errors: [] as string[], closed: false, returnForm: outcome.returnForm });
}

export const meta: MetaFunction = () => [{ title: "TIPI — simulateur local de la DGFiP" }];

export default function TipiPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result?.closed) return <SimulatorClosed />;
  if (result?.returnForm) return <ReturnForm {...result.returnForm} />;
  const errors = [...(result?.errors ?? []), ...(!page.found ? page.errors : [])];
  return (
    <SimulatorPage title="TIPI — Titres payables par Internet">
      {errors.length > 0 ? (
        <ul role="alert" className="list-disc pl-5 font-semibold text-brand-700">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      {!page.found ? (
        errors.length === 0 ? <p>Aucun paiement en cours.</p> : null
      ) : page.done ? (
        <p role="alert">Cette session de paiement est déjà terminée.</p>
      ) : (
        <SimulatorPaymentForm id={{ name: "session", value: page.sessionId }} payment={page} />
      )}
    </SimulatorPage>
  );
}

function ReturnForm({ action, fields }: { action: string; fields: [string, string][] }) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    form.current?.submit();
  }, []);
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-4 p-6">
      <h1 className="text-2xl font-bold">Retour vers le site de votre collectivité</h1>
      <form ref={form} method="post" action={action}>
        {fields.map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <button type="submit" className="rounded bg-brand-700 px-4 py-2 font-semibold text-white">
          Retourner sur le site de la collectivité
        </button>
      </form>
    </main>
  );
}
