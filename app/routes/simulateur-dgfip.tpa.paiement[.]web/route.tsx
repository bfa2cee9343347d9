import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { getEmbeddedExtras } from "~/.server/backend";
import { readForm } from "~/.server/form";
import { controlsFrom, type Decision } from "~/.server/payment/simulator";
import { SimulatorClosed, SimulatorControls, SimulatorDecisionButtons } from "~/components/simulator-controls";
import { formatEuros } from "~/utils/format";

/**
 * The simulator's classic TIPI page, `paiement.web` (embedded default only). The portal's form
 * arrives here (POST, or GET with the same parameters); the resident pays, refuses or abandons;
 * the result is posted to urlcl server to server (per the controls), then by the browser.
 */
async function simulator() {
  const sim = (await getEmbeddedExtras())?.paymentSimulator;
  if (!sim) throw new Response("Page introuvable", { status: 404 });
  return sim;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const sim = await simulator();
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
  const f = session.fields;
  return data({
    found: true as const,
    sessionId,
    done: Boolean(session.result),
    numcli: f.numcli ?? "",
    refdet: f.refdet ?? "",
    amount: formatEuros(Number(f.montant)),
    objet: f.objet ?? "",
    mel: f.mel ?? "",
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const sim = await simulator();
  const form = await readForm(request);
  const decision = form.get("decision");
  if (decision === null) {
    // The service's form: open a session and show the payment page.
    const params = new URLSearchParams();
    for (const [k, v] of form) if (typeof v === "string") params.append(k, v);
    const opened = await sim.openTipi(params);
    if ("errors" in opened) return data({ errors: opened.errors, closed: false, returnForm: null });
    return redirect(`/simulateur-dgfip/tpa/paiement.web?session=${opened.sessionId}`, 303);
  }
  if (!["P", "R", "A"].includes(String(decision))) return data({ errors: ["Choisissez Payer, Refuser ou Abandonner."], closed: false, returnForm: null });
  const outcome = await sim.decideTipi(String(form.get("session") ?? ""), String(decision) as Decision, controlsFrom(form));
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
    <main className="mx-auto flex max-w-2xl flex-col gap-4 p-6">
      <p className="rounded bg-amber-100 p-2 text-sm text-amber-950">Simulateur local : aucun paiement réel n&apos;est effectué.</p>
      <h1 className="text-2xl font-bold">TIPI — Titres payables par Internet</h1>
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
        <form method="post" className="flex flex-col gap-4">
          <input type="hidden" name="session" value={page.sessionId} />
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
