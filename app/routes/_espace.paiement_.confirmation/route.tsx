import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Link, useLoaderData } from "@remix-run/react";
import { checkSelection, selectedIds } from "~/.server/payment/selection";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { PaymentStartFailed } from "~/components/espace-links";
import { PrimaryButton } from "~/components/ui";
import { formatEuros } from "~/utils/format";
import { PROVIDER_NAME, selectionHref } from "~/utils/payment";

/**
 * "Informations pour le paiement TIPI" (docs/payment.md; "PayFiP" when the service uses the web
 * service): what will be paid. The button posts to /paiement/demarrer, which creates the attempt
 * (public.start_payment) and sends the resident to the provider in the same tab.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, payment } = await requireResident(request, { payment: true });
  const ids = selectedIds(new URL(request.url).searchParams);
  const { frame, invoices } = await payment.paymentPage();
  const check = checkSelection(invoices, ids);
  if (!check.ok) throw redirect(selectionHref(ids, check.error), withSession(accounts));
  const provider = check.invoices[0]!.provider;
  return data(
    {
      frame,
      ids,
      providerName: PROVIDER_NAME[provider],
      numcli: check.invoices[0]!.numcli,
      serviceName: check.invoices[0]!.serviceName,
      amount: formatEuros(check.amountCents),
      numbers: check.invoices.map((i) => i.number),
    },
    withSession(accounts),
  );
}

// On the error boundary's page (PaymentStartFailed), its heading: the title names the error (RGAA 8.6).
export const meta: MetaFunction<typeof loader> = ({ data, error }) => [
  { title: error ? "Le paiement n'a pas pu commencer — Le Portail des Factures" : `Informations pour le paiement ${data?.providerName ?? "TIPI"} — Le Portail des Factures` },
];

const secondaryClass = "rounded border border-brand-700 px-4 py-2 font-semibold text-brand-700 hover:bg-brand-50 text-center";

export default function Confirmation() {
  const info = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="confirmation-titre" className="flex flex-col gap-6">
      <h1 id="confirmation-titre" className="text-2xl font-bold">
        Informations pour le paiement {info.providerName}
      </h1>
      <dl className="grid gap-x-6 gap-y-2 rounded bg-white p-4 shadow-sm sm:grid-cols-[max-content_1fr]" data-testid="payment-info">
        <dt className="font-semibold">Identifiant collectivité :</dt>
        <dd>{info.numcli}</dd>
        <dt className="font-semibold">Montant du règlement :</dt>
        <dd>{info.amount}</dd>
        <dt className="font-semibold">Références des factures :</dt>
        <dd>{info.numbers.join(", ")}</dd>
      </dl>
      <p>
        Vous allez quitter le portail pour le service de paiement sécurisé {info.providerName} de la Direction générale des Finances
        publiques, dans cette même fenêtre. Une fois le paiement terminé, vous reviendrez sur le portail.
      </p>
      <form method="post" action="/paiement/demarrer" className="flex flex-wrap gap-3">
        {info.ids.map((id) => (
          <input key={id} type="hidden" name="facture" value={id} />
        ))}
        <PrimaryButton>Payer la facture sur le portail {info.providerName}</PrimaryButton>
        <Link to={selectionHref(info.ids)} className={secondaryClass}>
          Fermer
        </Link>
      </form>
    </section>
  );
}

export function ErrorBoundary() {
  return <PaymentStartFailed />;
}
