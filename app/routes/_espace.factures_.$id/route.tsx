import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { z } from "zod";
import { retryFrom } from "~/.server/accounts";
import { requireResident } from "~/.server/resident";
import { SpaceLink } from "~/components/espace-links";
import { withSession } from "~/.server/session-response";
import { Notice } from "~/components/form";
import { ButtonAnchor, ButtonLink } from "~/components/ui";
import { formatDate, formatDayInFrance, formatEuros } from "~/utils/format";
import { STATUS_IN_WORDS, tabOfStatus, TREASURY_EXPLANATION } from "~/utils/invoices";
import { parisDateAndTime } from "~/utils/payment-status";

const ParamsSchema = z.object({ id: z.guid() });

/**
 * One invoice: its details and the possible actions (docs/e2e-invoices.md). public.my_invoice
 * answers no row for an unknown id and for another resident's invoice alike: both are the same
 * 404, so a URL never tells whether an invoice exists.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { accounts, invoices } = await requireResident(request, { invoices: true });
  const parsed = ParamsSchema.safeParse(params);
  // A malformed id is the same 404 without asking SQL (then the session is not checked either:
  // nothing is shown).
  const page = parsed.success ? await invoices.invoicePage(parsed.data.id.toLowerCase()) : null;
  const invoice = page?.invoice;
  if (!page || !invoice) throw new Response("Facture introuvable", withSession(accounts, 404));
  // An unpaid invoice may be held by a payment under way, or by a reported one waiting for staff
  // (SQL public.my_invoice_payment, in the same call): no « Payer la facture » then.
  const state = invoice.status === "unpaid" ? page.payment : null;
  const attemptHref = state?.attemptId ? `/paiement/retour?tentative=${state.attemptId}` : null;
  const payment =
    state?.block === "reported"
      ? { state: "reported" as const, retryAt: null, attemptHref }
      : state?.block === "pending"
        ? { state: "pending" as const, retryAt: state.retryAfter ? retryFrom(new Date(state.retryAfter)) : null, attemptHref }
        : null;
  return data(
    {
      frame: page.frame,
      id: invoice.id,
      number: invoice.number,
      issuedOn: formatDate(invoice.issuedOn),
      dueOn: formatDate(invoice.dueOn),
      amount: formatEuros(invoice.amountCents),
      object: invoice.object,
      status: invoice.status,
      statusInWords: STATUS_IN_WORDS[invoice.status],
      paidOn: invoice.paidAt ? formatDayInFrance(invoice.paidAt) : null,
      customer: `${invoice.customerName} (n° ${invoice.customerNumber})`,
      serviceName: invoice.serviceName,
      paymentSuspended: invoice.paymentSuspended,
      hasPdf: invoice.hasPdf,
      payment,
      paidOnline: invoice.status === "paid" ? paidOnlineLine(page.paidOnline) : null,
      backTo: `/factures?onglet=${tabOfStatus(invoice.status).slug}`,
    },
    withSession(accounts),
  );
}

/** « Réglée en ligne le 20/11/2026 à 14:45 (réf. …) »: paid through the portal (SQL invoice_page's paid_online). */
function paidOnlineLine(paid: { at: string; refdet: string } | null): string | null {
  if (!paid) return null;
  const { date, time } = parisDateAndTime(paid.at);
  return `Réglée en ligne le ${date} à ${time} (réf. ${paid.refdet})`;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Facture ${data.number} — Le Portail des Factures` : "Facture introuvable — Le Portail des Factures" },
];

export default function Facture() {
  const invoice = useLoaderData<typeof loader>();
  const fields: [string, string][] = [
    ["Numéro", invoice.number],
    ["Date", invoice.issuedOn],
    ["Echéance", invoice.dueOn],
    ["Montant", invoice.amount],
    ["Objet", invoice.object || "—"],
    ["Statut", invoice.statusInWords],
    ...(invoice.paidOn ? ([["Réglée le", invoice.paidOn]] as [string, string][]) : []),
    ["Abonné", invoice.customer],
    ["Service", invoice.serviceName],
  ];
  return (
    <section aria-labelledby="facture-titre" className="flex flex-col gap-6">
      <p>
        <SpaceLink to={invoice.backTo}>Retour à mes factures</SpaceLink>
      </p>
      <h1 id="facture-titre" className="text-2xl font-bold">
        Facture n° {invoice.number}
      </h1>

      <dl className="grid gap-x-6 gap-y-2 rounded bg-white p-4 shadow-sm sm:grid-cols-[max-content_1fr]" data-testid="invoice-fields">
        {fields.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="font-semibold">{label}</dt>
            <dd className="mb-2 sm:mb-0">{value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="actions-titre" className="flex flex-col gap-3">
        <h2 id="actions-titre" className="text-xl font-bold">
          Actions
        </h2>
        {invoice.hasPdf ? (
          <p>
            {/* A plain link (no client-side navigation): the browser downloads the file. */}
            <ButtonAnchor href={`/factures/${invoice.id}/pdf`} download className="inline-block">
              Télécharger PDF
            </ButtonAnchor>
          </p>
        ) : (
          <p>Le PDF de cette facture n&apos;est pas disponible. Si vous en avez besoin, écrivez au service depuis la rubrique « Contact ».</p>
        )}
        {invoice.paidOnline ? (
          <p data-testid="paid-online">
            {invoice.paidOnline}. Le justificatif est dans <SpaceLink to="/paiements">Mes paiements</SpaceLink>.
          </p>
        ) : null}
        <PaymentAction id={invoice.id} status={invoice.status} paymentSuspended={invoice.paymentSuspended} payment={invoice.payment} />
      </section>
    </section>
  );
}

interface PaymentUnderWay {
  state: "pending" | "reported";
  /** « 14 h 35 » (or « le 30/11/2026 à 14 h 35 »): when the attempt stops holding the invoice. */
  retryAt: string | null;
  attemptHref: string | null;
}

function PaymentAction({
  id,
  status,
  paymentSuspended,
  payment,
}: {
  id: string;
  status: "unpaid" | "paid" | "treasury";
  paymentSuspended: boolean;
  payment: PaymentUnderWay | null;
}) {
  if (status === "paid") return <p>Cette facture est réglée : vous n&apos;avez rien à payer.</p>;
  if (status === "treasury") {
    return (
      <div className="rounded border-l-4 border-sky-700 bg-sky-50 p-3 text-sky-950" data-testid="treasury-explanation">
        <p>{TREASURY_EXPLANATION}</p>
        <p className="mt-2">Pour toute question sur cette facture, écrivez au service depuis la rubrique « Contact ».</p>
      </div>
    );
  }
  if (payment) return <PaymentInProgress payment={payment} />;
  // Unpaid: the selection screen open on this invoice's service, the invoice preselected
  // (docs/payment.md; `?facture=` alone names the service: docs/decisions/0035-home-due-summary.md).
  if (paymentSuspended) return <Notice tone="info">Le paiement a été temporairement suspendu.</Notice>;
  return (
    <p>
      <ButtonLink to={`/paiement?facture=${id}`} className="inline-block">
        Payer la facture
      </ButtonLink>
    </p>
  );
}

/** A payment under way or reported holds the invoice: say so, and when it can be paid again. */
function PaymentInProgress({ payment }: { payment: PaymentUnderWay }) {
  const link = payment.attemptHref ? (
    <p className="mt-2">
      <SpaceLink to={payment.attemptHref}>Voir ce paiement</SpaceLink>
    </p>
  ) : null;
  if (payment.state === "reported") {
    return (
      <div className="rounded border-l-4 border-sky-700 bg-sky-50 p-3 text-sky-950" data-testid="payment-in-progress" data-state="reported">
        <p className="font-semibold">Paiement signalé, en attente de confirmation par le service</p>
        <p className="mt-2">
          Un paiement de cette facture nous a été signalé. Le service doit le vérifier auprès de la DGFiP : d&apos;ici là, ne la payez pas une
          seconde fois.
        </p>
        {link}
      </div>
    );
  }
  return (
    <div className="rounded border-l-4 border-sky-700 bg-sky-50 p-3 text-sky-950" data-testid="payment-in-progress" data-state="pending">
      <p className="font-semibold">Paiement en cours</p>
      <p className="mt-2">
        Un paiement de cette facture est en cours auprès de la DGFiP.{" "}
        {payment.retryAt
          ? `S'il n'aboutit pas, vous pourrez la payer à nouveau ${payment.retryAt}.`
          : "S'il n'aboutit pas, vous pourrez la payer à nouveau d'ici une demi-heure au plus."}
      </p>
      {link}
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <section aria-labelledby="introuvable-titre" className="flex flex-col gap-4">
        <h1 id="introuvable-titre" className="text-2xl font-bold">
          Facture introuvable
        </h1>
        <p>Cette facture n&apos;existe pas ou n&apos;est pas rattachée à votre compte. Vérifiez l&apos;adresse, ou retrouvez-la dans vos factures.</p>
        <p>
          <SpaceLink to="/factures">Voir mes factures</SpaceLink>
        </p>
      </section>
    );
  }
  throw error;
}
