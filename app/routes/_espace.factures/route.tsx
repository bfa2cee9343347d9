import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Link, useLoaderData } from "@remix-run/react";
import { requireResident } from "~/.server/resident";
import { formatDate, formatEuros } from "~/utils/format";
import { INVOICE_TABS, TREASURY_EXPLANATION } from "~/utils/invoices";
import { invoicesUrl, parseInvoicesQuery } from "./query";

/** Invoices per page: a customer with thousands of invoices still gets a small, fast page. */
export const PAGE_SIZE = 20;

/**
 * "Mes factures" (SPEC): three tabs as links (`?onglet=`), newest first, keyset pages
 * (`&apres=`). Rows come from public.my_invoices under the resident's RLS; values are formatted
 * here, on the server, so the page reads the same without JavaScript and hydrates identically.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, invoices } = await requireResident(request, { invoices: true });
  const { tab, after } = parseInvoicesQuery(new URL(request.url));
  // One call: the tab's rows (one more than a page, to know whether there is a next page), the
  // counts, the customer records' count and the layout's frame (public.invoices_page).
  const { frame, invoices: rows, counts, customerCount } = await invoices.invoicesPage({ status: tab.status, limit: PAGE_SIZE + 1, after });
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  return data(
    {
      frame,
      tab: tab.slug,
      tabs: INVOICE_TABS.map((t) => ({ slug: t.slug, label: t.label, count: counts[t.status], href: invoicesUrl(t.slug) })),
      showCustomer: customerCount > 1,
      firstPage: after === null,
      invoices: page.map((r) => ({
        id: r.id,
        number: r.number,
        issuedOn: formatDate(r.issuedOn),
        dueOn: formatDate(r.dueOn),
        amount: formatEuros(r.amountCents),
        object: r.object,
        customer: `${r.customerName} (n° ${r.customerNumber})`,
      })),
      nextPage: rows.length > PAGE_SIZE && last ? invoicesUrl(tab.slug, { issuedOn: last.issuedOn, id: last.id }) : null,
      firstPageUrl: invoicesUrl(tab.slug),
    },
    { headers: accounts.headers },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const tab = data?.tabs.find((t) => t.slug === data.tab);
  return [{ title: `${tab ? `${tab.label} — ` : ""}Mes factures — Le Portail des Factures` }];
};

const linkClass = "font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-900";

export default function MesFactures() {
  const { tab, tabs, showCustomer, firstPage, invoices, nextPage, firstPageUrl } = useLoaderData<typeof loader>();
  const current = tabs.find((t) => t.slug === tab)!;
  const empty = INVOICE_TABS.find((t) => t.slug === tab)!.empty;
  return (
    <section aria-labelledby="factures-titre" className="flex flex-col gap-4">
      <h1 id="factures-titre" className="text-2xl font-bold">
        Mes factures
      </h1>

      <nav aria-label="Catégories de factures">
        <ul className="flex flex-col gap-1 border-b border-stone-300 sm:flex-row sm:gap-0">
          {tabs.map((t) => {
            const selected = t.slug === tab;
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

      <h2 id="onglet-titre" className="text-xl font-bold">
        {current.label}
      </h2>

      {tab === "tresorerie" ? (
        <p className="rounded border-l-4 border-sky-700 bg-sky-50 p-3 text-sky-950" data-testid="treasury-explanation">
          {TREASURY_EXPLANATION}
        </p>
      ) : null}

      {invoices.length === 0 ? (
        <p data-testid="empty-tab">{firstPage ? empty : "Il n'y a pas d'autre facture dans cet onglet."}</p>
      ) : (
        <>
        {/* Phones: one card per invoice (the table below is hidden there, and from screen readers too). */}
        <ul className="flex flex-col gap-3 sm:hidden" aria-label={`${current.label}, de la plus récente à la plus ancienne`}>
          {invoices.map((invoice) => (
            <li key={invoice.id} className="rounded bg-white p-4 shadow-sm">
              <p>
                <Link to={`/factures/${invoice.id}`} className={linkClass}>
                  Facture n° {invoice.number}
                </Link>
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
        <div role="region" aria-labelledby="factures-legende" tabIndex={0} className="hidden overflow-x-auto rounded bg-white shadow-sm focus-visible:outline-2 sm:block">
          <table className="w-full border-collapse text-left">
            <caption id="factures-legende" className="p-3 text-left text-sm text-stone-700">
              {current.label}, de la plus récente à la plus ancienne ({current.count} au total). Choisissez un numéro pour voir la
              facture.
            </caption>
            <thead className="bg-stone-200 text-sm">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Date
                </th>
                <th scope="col" className="px-3 py-2">
                  Echéance
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Montant
                </th>
                <th scope="col" className="px-3 py-2">
                  Numéro
                </th>
                <th scope="col" className="px-3 py-2">
                  Objet
                </th>
                {showCustomer ? (
                  <th scope="col" className="px-3 py-2">
                    Abonné
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {invoices.map((invoice) => (
                <tr key={invoice.id} className="border-t border-stone-200">
                  <td className="whitespace-nowrap px-3 py-2">{invoice.issuedOn}</td>
                  <td className="whitespace-nowrap px-3 py-2">{invoice.dueOn}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right">{invoice.amount}</td>
                  <td className="whitespace-nowrap px-3 py-2">
                    <Link to={`/factures/${invoice.id}`} className={linkClass}>
                      {invoice.number}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{invoice.object}</td>
                  {showCustomer ? <td className="px-3 py-2">{invoice.customer}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        </>
      )}

      {nextPage || !firstPage ? (
        <nav aria-label="Pages de factures">
          <ul className="flex flex-wrap gap-4">
            {!firstPage ? (
              <li>
                <Link to={firstPageUrl} className={linkClass}>
                  Revenir aux factures les plus récentes
                </Link>
              </li>
            ) : null}
            {nextPage ? (
              <li>
                <Link to={nextPage} className={linkClass} rel="next">
                  Factures suivantes (plus anciennes)
                </Link>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </section>
  );
}
