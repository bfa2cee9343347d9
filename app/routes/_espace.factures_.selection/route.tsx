import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useLoaderData } from "@remix-run/react";
import { invoiceSelectionQuery, invoiceSelectionUrl, INVOICE_ZIP_PATH, SELECTION_MARK } from "~/.server/invoice-zip";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { LinkLine } from "~/components/espace-links";
import { PrimaryButton } from "~/components/ui";
import { formatDate, formatEuros } from "~/utils/format";

/** Invoices per page of the selection (public.invoices_page reads at most 100 at once). */
export const SELECTION_PAGE_SIZE = 50;

/** The page's texts, in the resident's words (page data: the route module stays small). */
const TEXTS = {
  title: "Choisir les factures à télécharger",
  intro:
    "Cochez les factures dont vous voulez le PDF, puis choisissez « Télécharger la sélection (ZIP) » : vous recevez un seul fichier ZIP qui contient un PDF par facture choisie.",
  submit: "Télécharger la sélection (ZIP)",
  empty: "Il n'y a aucune facture dans cet onglet.",
  more: `Cette page affiche ${SELECTION_PAGE_SIZE} factures à la fois, des plus récentes aux plus anciennes : téléchargez celles de cette page, puis passez aux suivantes.`,
  next: "Factures plus anciennes",
  first: "Revenir aux factures les plus récentes",
  back: "Revenir à Mes factures",
} as const;

export const meta: MetaFunction = () => [{ title: `${TEXTS.title} — Le Portail des Factures` }];

/**
 * `/factures/selection?onglet=<tab>[&apres=<cursor>]`: the invoices of one tab of Mes factures,
 * each with a checkbox, in a plain GET form to the zip route (/factures/pdf.zip?onglet=…&facture=…,
 * app/.server/invoice-zip.ts): it works without JavaScript, and the zip is a download, so the page
 * stays. One call: public.invoices_page, the tab's own list (docs/decisions/0038-invoice-pdf-zip.md).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, invoices } = await requireResident(request, { invoices: true });
  const { tab, after } = invoiceSelectionQuery(new URL(request.url));
  const page = await invoices.invoicesPage({ status: tab.status, limit: SELECTION_PAGE_SIZE + 1, after });
  const rows = page.invoices.slice(0, SELECTION_PAGE_SIZE);
  const last = rows[rows.length - 1];
  const showCustomer = page.customerCount > 1;
  return data(
    {
      frame: page.frame,
      texts: TEXTS,
      legend: `${tab.label} : factures à télécharger`,
      form: { action: INVOICE_ZIP_PATH, onglet: tab.slug, mark: SELECTION_MARK },
      invoices: rows.map((r) => ({
        id: r.id,
        label: [`Facture n° ${r.number} du ${formatDate(r.issuedOn)}`, formatEuros(r.amountCents), r.object, showCustomer ? `${r.customerName} (n° ${r.customerNumber})` : null]
          .filter(Boolean)
          .join(", "),
      })),
      paged: after !== null || page.invoices.length > SELECTION_PAGE_SIZE,
      firstPage: after === null ? null : invoiceSelectionUrl(tab.slug),
      nextPage: page.invoices.length > SELECTION_PAGE_SIZE && last ? invoiceSelectionUrl(tab.slug, { issuedOn: last.issuedOn, id: last.id }) : null,
      back: `/factures?onglet=${tab.slug}`,
    },
    withSession(accounts),
  );
}

export default function FacturesSelection() {
  const { texts, legend, form, invoices, paged, firstPage, nextPage, back } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="selection-titre" className="flex max-w-2xl flex-col gap-4">
      <h1 id="selection-titre" className="text-2xl font-bold">
        {texts.title}
      </h1>
      <p>{texts.intro}</p>
      {paged ? <p className="text-sm text-stone-700">{texts.more}</p> : null}
      {invoices.length === 0 ? (
        <p data-testid="empty-selection">{texts.empty}</p>
      ) : (
        <form method="get" action={form.action} className="flex flex-col gap-4">
          <input type="hidden" name="onglet" value={form.onglet} />
          <input type="hidden" name={form.mark} value="1" />
          <fieldset className="min-w-0 rounded bg-white p-4 shadow-sm">
            <legend className="px-1 font-semibold">{legend}</legend>
            <ul className="flex flex-col gap-2">
              {invoices.map((invoice) => (
                <li key={invoice.id} className="flex items-start gap-3">
                  <input id={`facture-${invoice.id}`} type="checkbox" name="facture" value={invoice.id} className="mt-1 h-5 w-5 shrink-0" />
                  <label htmlFor={`facture-${invoice.id}`} className="cursor-pointer">
                    {invoice.label}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <PrimaryButton className="self-start">{texts.submit}</PrimaryButton>
        </form>
      )}
      {nextPage ? <LinkLine to={nextPage}>{texts.next}</LinkLine> : null}
      {firstPage ? <LinkLine to={firstPage}>{texts.first}</LinkLine> : null}
      <LinkLine to={back}>{texts.back}</LinkLine>
    </section>
  );
}
