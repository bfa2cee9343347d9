import type { ActionFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { useActionData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { env } from "~/.server/env";
import { readForm } from "~/.server/form";
import { paymentUrls, portalOrigin } from "~/.server/payment/config";
import { selectedIds } from "~/.server/payment/selection";
import { payfipClientFor, startPayment } from "~/.server/payment/service";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { LinkLine, PaymentStartFailed } from "~/components/espace-links";
import { PrimaryButton } from "~/components/ui";
import { selectionHref } from "~/utils/payment";

/**
 * `POST /paiement/demarrer`, from the confirmation's button: creates the attempt
 * (public.start_payment) and sends the resident to the provider in the same tab: PayFiP by a
 * redirect to paiementws.web?idop=…, classic TIPI by a form posted to paiement.web.
 *
 * A route of its own, with no loader: after an action that answers data (the TIPI form), Remix
 * runs the route's loaders again; the confirmation's loader would then see the invoices "already
 * being paid" by the attempt just created and redirect to the selection with an error instead of
 * showing the TIPI form.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { accounts, payment } = await requireResident(request, { payment: true });
  const ids = selectedIds(await readForm(request));
  const config = env();
  const urls = paymentUrls(config, portalOrigin(config));
  const outcome = await startPayment(payment, ids, urls, payfipClientFor(urls));
  switch (outcome.kind) {
    case "refused":
      return redirect(selectionHref(ids, outcome.reason), withSession(accounts, 303));
    case "provider_unavailable":
      return redirect(selectionHref(ids, "unavailable"), withSession(accounts, 303));
    case "redirect":
      return redirect(outcome.url, withSession(accounts, 303));
    case "tipi_form":
      return data({ tipiForm: { action: outcome.action, fields: outcome.fields } }, withSession(accounts));
  }
}

// On the error boundary's page (PaymentStartFailed), its heading: the title names the error (RGAA 8.6).
export const meta: MetaFunction = ({ error }) => [
  { title: error ? "Le paiement n'a pas pu commencer — Le Portail des Factures" : "Redirection vers le portail de paiement — Le Portail des Factures" },
];

export default function Demarrer() {
  const result = useActionData<typeof action>();
  if (result && "tipiForm" in result) return <TipiForm {...result.tipiForm} />;
  // Reached by GET (a bookmark, the back button): nothing to start here.
  return (
    <section aria-labelledby="demarrer-titre" className="flex flex-col gap-4">
      <h1 id="demarrer-titre" className="text-2xl font-bold">
        Aucun paiement en cours
      </h1>
      <LinkLine to="/paiement">Revenir à la sélection des factures</LinkLine>
    </section>
  );
}

/** Classic TIPI: the form the provider expects, submitted at once; the button is there without JavaScript. */
function TipiForm({ action, fields }: { action: string; fields: [string, string][] }) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    form.current?.submit();
  }, []);
  return (
    <section aria-labelledby="tipi-titre" className="flex flex-col gap-4">
      <h1 id="tipi-titre" className="text-2xl font-bold">
        Redirection vers le portail TIPI
      </h1>
      <p>Vous allez être dirigé vers le service de paiement TIPI. Si rien ne se passe, cliquez sur le bouton ci-dessous.</p>
      <form ref={form} method="post" action={action}>
        {fields.map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <PrimaryButton>Continuer vers le portail TIPI</PrimaryButton>
      </form>
    </section>
  );
}

export function ErrorBoundary() {
  return <PaymentStartFailed />;
}
