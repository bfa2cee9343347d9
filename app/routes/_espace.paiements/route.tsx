import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { SpaceAnchor, SpaceLink } from "~/components/espace-links";
import { TableHead, type Column } from "~/components/espace-table";
import { formatEuros } from "~/utils/format";
import { parisDateAndTime, PAYMENT_STATUS_LABELS, providerLabel } from "~/utils/payment-status";

/** The keyset of the page before (`?avant=<created_at>&id=<attempt id>`); anything else is the first page. */
const CursorSchema = z.object({ avant: z.iso.datetime({ offset: true }), id: z.guid() });

/**
 * « Mes paiements »: every online payment attempt of the account, newest first, 20 a page
 * (keyset on the attempt's start), in one SQL call (public.payments_page). Values are formatted
 * here, on the server; a successful payment links to its receipt
 * (/paiements/<id>/justificatif.pdf). docs/resident-screens.md.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, payment } = await requireResident(request, { payment: true });
  const url = new URL(request.url);
  const cursor = CursorSchema.safeParse({ avant: url.searchParams.get("avant"), id: url.searchParams.get("id") });
  const before = cursor.success ? { at: cursor.data.avant, id: cursor.data.id.toLowerCase() } : undefined;
  const page = await payment.paymentsPage(before);
  return data(
    {
      frame: page.frame,
      perPage: page.perPage,
      firstPage: before === undefined,
      payments: page.payments.map((p) => {
        const { date, time } = parisDateAndTime(p.createdAt);
        return {
          id: p.id,
          date,
          time,
          amount: formatEuros(p.amountCents),
          invoices: p.invoiceNumbers.join(", "),
          service: p.serviceName ?? "—",
          provider: providerLabel(p.provider),
          refdet: p.refdet,
          numauto: p.numauto ?? "—",
          status: PAYMENT_STATUS_LABELS[p.status],
          receiptHref: p.status === "paid" ? `/paiements/${p.id}/justificatif.pdf` : null,
        };
      }),
      nextPage: page.next ? `/paiements?${new URLSearchParams({ avant: page.next.at, id: page.next.id })}` : null,
    },
    withSession(accounts),
  );
}

export const meta: MetaFunction = () => [{ title: "Mes paiements — Le Portail des Factures" }];

type Row = ReturnType<typeof useLoaderData<typeof loader>>["payments"][number];

export default function MesPaiements() {
  const { perPage, firstPage, payments, nextPage } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="paiements-titre" className="flex flex-col gap-4">
      <h1 id="paiements-titre" className="text-2xl font-bold">
        Mes paiements
      </h1>
      <p>
        Vos paiements en ligne, du plus récent au plus ancien ({perPage} par page). Pour un paiement réglé, téléchargez son justificatif
        au format PDF.
      </p>
      {payments.length === 0 ? (
        <p data-testid="no-payment">{firstPage ? "Vous n'avez encore fait aucun paiement en ligne." : "Il n'y a pas d'autre paiement."}</p>
      ) : (
        <>
          <PaymentCards payments={payments} />
          <PaymentTable payments={payments} />
        </>
      )}
      {nextPage || !firstPage ? (
        <nav aria-label="Pages de paiements">
          <ul className="flex flex-wrap gap-4">
            {!firstPage ? (
              <li>
                <SpaceLink to="/paiements">Revenir aux paiements les plus récents</SpaceLink>
              </li>
            ) : null}
            {nextPage ? (
              <li>
                <SpaceLink to={nextPage} rel="next">
                  Paiements suivants (plus anciens)
                </SpaceLink>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </section>
  );
}

/** A plain link (no client-side navigation): the browser downloads the file. */
function ReceiptLink({ row }: { row: Row }) {
  if (!row.receiptHref) return <>—</>;
  return (
    <SpaceAnchor href={row.receiptHref} download>
      Justificatif<span className="sr-only"> du paiement du {row.date} à {row.time}</span> (PDF)
    </SpaceAnchor>
  );
}

/** Phones: one card per payment (the table is hidden there, and from screen readers too). */
function PaymentCards({ payments }: { payments: readonly Row[] }) {
  return (
    <ul className="flex flex-col gap-3 sm:hidden" aria-label="Mes paiements, du plus récent au plus ancien">
      {payments.map((p) => (
        <li key={p.id} className="rounded bg-white p-4 shadow-sm">
          <p className="font-semibold">
            {p.date} à {p.time} — {p.amount} — {p.status}
          </p>
          <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm [overflow-wrap:anywhere]">
            <dt className="font-semibold">Factures</dt>
            <dd>{p.invoices}</dd>
            <dt className="font-semibold">Service</dt>
            <dd>{p.service}</dd>
            <dt className="font-semibold">Mode</dt>
            <dd>{p.provider}</dd>
            <dt className="font-semibold">Référence</dt>
            <dd>{p.refdet}</dd>
            <dt className="font-semibold">N° d&apos;autorisation</dt>
            <dd>{p.numauto}</dd>
          </dl>
          {p.receiptHref ? (
            <p className="mt-2">
              <ReceiptLink row={p} />
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

const COLUMNS: readonly Column[] = [
  { label: "Date et heure", className: "px-3 py-2" },
  { label: "Montant", className: "px-3 py-2 text-right" },
  { label: "Factures", className: "px-3 py-2" },
  { label: "Service", className: "px-3 py-2" },
  { label: "Mode", className: "px-3 py-2" },
  { label: "Référence", className: "px-3 py-2" },
  { label: "N° d'autorisation", className: "px-3 py-2" },
  { label: "Statut", className: "px-3 py-2" },
  { label: "Justificatif", className: "px-3 py-2" },
];

/**
 * From a phone's width up: the table, scrollable sideways, with its caption. `relative`: the
 * receipt links' screen-reader text (absolutely positioned) stays inside the scrolling box instead
 * of widening the page.
 */
function PaymentTable({ payments }: { payments: readonly Row[] }) {
  return (
    <div role="region" aria-labelledby="paiements-legende" tabIndex={0} className="relative hidden overflow-x-auto rounded bg-white shadow-sm focus-visible:outline-2 sm:block">
      <table className="w-full border-collapse text-left text-sm">
        <caption id="paiements-legende" className="p-3 text-left text-stone-700">
          Mes paiements en ligne, du plus récent au plus ancien (heure de Paris).
        </caption>
        <TableHead columns={COLUMNS} className="bg-stone-200" />
        <tbody>
          {payments.map((p) => (
            <tr key={p.id} className="border-t border-stone-200">
              <td className="whitespace-nowrap px-3 py-2">
                {p.date} à {p.time}
              </td>
              <td className="whitespace-nowrap px-3 py-2 text-right">{p.amount}</td>
              <td className="px-3 py-2">{p.invoices}</td>
              <td className="px-3 py-2">{p.service}</td>
              <td className="px-3 py-2">{p.provider}</td>
              <td className="px-3 py-2 [overflow-wrap:anywhere]">{p.refdet}</td>
              <td className="px-3 py-2">{p.numauto}</td>
              <td className="px-3 py-2">{p.status}</td>
              <td className="whitespace-nowrap px-3 py-2">
                <ReceiptLink row={p} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
