import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useLoaderData } from "@remix-run/react";
import { invoiceSelectionUrl, invoiceZipUrl } from "~/.server/invoice-zip";
import { requireResident } from "~/.server/resident";
import { InvoiceCards, InvoicePager, InvoiceTable, InvoiceTabs } from "~/components/espace-invoice-list";
import { LinkLine } from "~/components/espace-links";
import { withSession } from "~/.server/session-response";
import { formatDate, formatEuros } from "~/utils/format";
import { INVOICE_TABS, TREASURY_EXPLANATION } from "~/utils/invoices";
import { invoicesUrl, parseInvoicesQuery } from "./query";

/** Invoices per page: a customer with thousands of invoices still gets a small, fast page. */
export const PAGE_SIZE = 20;

/**
 * "Mes factures": three tabs as links (`?onglet=`), newest first, keyset pages
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
      // « Télécharger les PDF »: the tab's PDFs in one zip (app/.server/invoice-zip.ts), a plain
      // link; none on an empty tab. Its props travel as data: this module's JavaScript is at the
      // 90 KiB limit (docs/performance.md).
      zip: counts[tab.status] > 0 ? { href: invoiceZipUrl(tab.slug), className: "self-start underline", children: "Télécharger les PDF (archive ZIP)" } : null,
      // Some of them only: the selection screen (app/routes/_espace.factures_.selection), a plain link too.
      selection: counts[tab.status] > 0 ? { href: invoiceSelectionUrl(tab.slug), className: "self-start underline", children: "Choisir les factures à télécharger" } : null,
      // Static texts as data: the route module (first-load JavaScript) then needs nothing of ~/utils/invoices.
      empty: tab.empty,
      treasuryExplanation: tab.status === "treasury" ? TREASURY_EXPLANATION : null,
    },
    withSession(accounts),
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const tab = data?.tabs.find((t) => t.slug === data.tab);
  return [{ title: `${tab ? `${tab.label} — ` : ""}Mes factures — Le Portail des Factures` }];
};

export default function MesFactures() {
  const { tab, tabs, showCustomer, firstPage, invoices, nextPage, firstPageUrl, zip, selection, empty, treasuryExplanation } = useLoaderData<typeof loader>();
  const current = tabs.find((t) => t.slug === tab)!;
  return (
    <section aria-labelledby="factures-titre" className="flex flex-col gap-4">
      <h1 id="factures-titre" className="text-2xl font-bold">
        Mes factures
      </h1>
      <LinkLine to="/attestations">Attestations de paiement (factures payées par année)</LinkLine>
      <InvoiceTabs tabs={tabs} current={tab} />
      <h2 id="onglet-titre" className="text-xl font-bold">
        {current.label}
      </h2>
      {tab === "tresorerie" ? (
        <p className="rounded border-l-4 border-sky-700 bg-sky-50 p-3 text-sky-950" data-testid="treasury-explanation">
          {treasuryExplanation}
        </p>
      ) : null}
      {zip && <a {...zip} />}
      {selection && <a {...selection} />}
      {invoices.length === 0 ? (
        <p data-testid="empty-tab">{firstPage ? empty : "Il n'y a pas d'autre facture dans cet onglet."}</p>
      ) : (
        <>
          <InvoiceCards invoices={invoices} label={current.label} showCustomer={showCustomer} />
          <InvoiceTable invoices={invoices} label={current.label} count={current.count} showCustomer={showCustomer} />
        </>
      )}
      <InvoicePager firstPageUrl={firstPage ? null : firstPageUrl} nextPage={nextPage} />
    </section>
  );
}
