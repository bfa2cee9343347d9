import { Link } from "@remix-run/react";
import { TableHead, type Column } from "~/components/espace-table";
import { SpaceLink } from "~/components/espace-links";

/** An invoice of a "Mes factures" tab, formatted by the loader (dates, amount, customer). */
export interface ListedInvoice {
  id: string;
  number: string;
  issuedOn: string;
  dueOn: string;
  amount: string;
  object: string;
  customer: string;
}

/** A tab of "Mes factures": a link with its count. */
export interface InvoiceTabLink {
  slug: string;
  label: string;
  count: number;
  href: string;
}

/** The three tabs, as links (`?onglet=`); the current one is marked for screen readers. */
export function InvoiceTabs({ tabs, current }: { tabs: readonly InvoiceTabLink[]; current: string }) {
  return (
    <nav aria-label="Catégories de factures">
      <ul className="flex flex-col gap-1 border-b border-stone-300 sm:flex-row sm:gap-0">
        {tabs.map((t) => {
          const selected = t.slug === current;
          return (
            <li key={t.slug}>
              <Link
                to={t.href}
                aria-current={selected ? "page" : undefined}
                className={`block rounded-t border-b-4 px-4 py-3 font-semibold underline-offset-4 hover:underline ${
                  selected ? "border-brand-700 bg-white text-brand-900" : "border-transparent text-stone-700"
                }`}
              >
                {t.label} <span className="font-normal">({t.count})</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** Phones: one card per invoice (the table is hidden there, and from screen readers too). */
export function InvoiceCards({ invoices, label, showCustomer }: { invoices: readonly ListedInvoice[]; label: string; showCustomer: boolean }) {
  return (
    <ul className="flex flex-col gap-3 sm:hidden" aria-label={`${label}, de la plus récente à la plus ancienne`}>
      {invoices.map((invoice) => (
        <li key={invoice.id} className="rounded bg-white p-4 shadow-sm">
          <p>
            <SpaceLink to={`/factures/${invoice.id}`}>Facture n° {invoice.number}</SpaceLink>
          </p>
          <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="font-semibold">Date</dt>
            <dd>{invoice.issuedOn}</dd>
            <dt className="font-semibold">Echéance</dt>
            <dd>{invoice.dueOn}</dd>
            <dt className="font-semibold">Montant</dt>
            <dd>{invoice.amount}</dd>
            <dt className="font-semibold">Objet</dt>
            <dd>{invoice.object}</dd>
            {showCustomer ? (
              <>
                <dt className="font-semibold">Abonné</dt>
                <dd>{invoice.customer}</dd>
              </>
            ) : null}
          </dl>
        </li>
      ))}
    </ul>
  );
}

const COLUMNS: readonly Column[] = [
  { label: "Date", className: "px-3 py-2" },
  { label: "Echéance", className: "px-3 py-2" },
  { label: "Montant", className: "px-3 py-2 text-right" },
  { label: "Numéro", className: "px-3 py-2" },
  { label: "Objet", className: "px-3 py-2" },
];
const CUSTOMER_COLUMN: Column = { label: "Abonné", className: "px-3 py-2" };

/** From a phone's width up: the table, scrollable sideways, with its caption. */
export function InvoiceTable({
  invoices,
  label,
  count,
  showCustomer,
}: {
  invoices: readonly ListedInvoice[];
  label: string;
  count: number;
  showCustomer: boolean;
}) {
  return (
    <div role="region" aria-labelledby="factures-legende" tabIndex={0} className="hidden overflow-x-auto rounded bg-white shadow-sm focus-visible:outline-2 sm:block">
      <table className="w-full border-collapse text-left">
        <caption id="factures-legende" className="p-3 text-left text-sm text-stone-700">
          {label}, de la plus récente à la plus ancienne ({count} au total). Choisissez un numéro pour voir la facture.
        </caption>
        <TableHead columns={showCustomer ? [...COLUMNS, CUSTOMER_COLUMN] : COLUMNS} className="bg-stone-200 text-sm" />
        <tbody>
          {invoices.map((invoice) => (
            <tr key={invoice.id} className="border-t border-stone-200">
              <td className="whitespace-nowrap px-3 py-2">{invoice.issuedOn}</td>
              <td className="whitespace-nowrap px-3 py-2">{invoice.dueOn}</td>
              <td className="whitespace-nowrap px-3 py-2 text-right">{invoice.amount}</td>
              <td className="whitespace-nowrap px-3 py-2">
                <SpaceLink to={`/factures/${invoice.id}`}>{invoice.number}</SpaceLink>
              </td>
              <td className="px-3 py-2">{invoice.object}</td>
              {showCustomer ? <td className="px-3 py-2">{invoice.customer}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Keyset pages: back to the newest invoices, and the next (older) page when there is one. */
export function InvoicePager({ firstPageUrl, nextPage }: { firstPageUrl: string | null; nextPage: string | null }) {
  if (!nextPage && !firstPageUrl) return null;
  return (
    <nav aria-label="Pages de factures">
      <ul className="flex flex-wrap gap-4">
        {firstPageUrl ? (
          <li>
            <SpaceLink to={firstPageUrl}>Revenir aux factures les plus récentes</SpaceLink>
          </li>
        ) : null}
        {nextPage ? (
          <li>
            <SpaceLink to={nextPage} rel="next">
              Factures suivantes (plus anciennes)
            </SpaceLink>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
