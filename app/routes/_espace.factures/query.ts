import { z } from "zod";
import { INVOICE_TABS, type InvoiceTab } from "~/utils/invoices";

/**
 * The query string of /factures: `onglet` (the tab) and `apres` (keyset cursor
 * `<YYYY-MM-DD>.<uuid>`: the date and id of the previous page's last invoice). Anything invalid
 * falls back to the default tab or the first page: a hand-edited URL never gives an error page.
 */
const TabSchema = z.enum(INVOICE_TABS.map((t) => t.slug) as [InvoiceTab["slug"], ...InvoiceTab["slug"][]]).catch("non-reglees");

const CursorSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
  .transform((value) => {
    const [issuedOn, id] = value.split(".") as [string, string];
    return { issuedOn, id: id.toLowerCase() };
  })
  .refine(({ issuedOn }) => isCalendarDate(issuedOn))
  .nullable()
  .catch(null);

function isCalendarDate(iso: string): boolean {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function parseInvoicesQuery(url: URL) {
  const tab = INVOICE_TABS.find((t) => t.slug === TabSchema.parse(url.searchParams.get("onglet") ?? undefined))!;
  const after = CursorSchema.parse(url.searchParams.get("apres"));
  return { tab, after };
}

export function invoicesUrl(tab: InvoiceTab["slug"], after?: { issuedOn: string; id: string }): string {
  const params = new URLSearchParams({ onglet: tab });
  if (after) params.set("apres", `${after.issuedOn}.${after.id}`);
  return `/factures?${params}`;
}
