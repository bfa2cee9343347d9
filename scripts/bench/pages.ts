/**
 * The SQL each resident page runs, for the raw ceiling of `npm run bench` (section a): every
 * read of one page, run in one transaction as the demo resident (scripts/bench/raw.ts), the way
 * the embedded adapter runs a request (set local role authenticated + request.jwt.claims).
 *
 * Each page is read by one function (supabase/migrations/20261126000600_pages.sql), which
 * checks the session first: the claims carry a live session id (scripts/bench/raw.ts).
 */

export interface RawRead {
  sql: string;
  params: unknown[];
}

export interface RawPage {
  /** Same names as the served pages (scripts/bench/served.ts) where both exist: the ratio pairs them. */
  page: string;
  reads: RawRead[];
}

export interface RawContext {
  /** An invoice of the demo resident, unpaid, with a PDF (2017-020-002059 of supabase/seed.sql). */
  invoiceId: string;
}

const read = (sql: string, ...params: unknown[]): RawRead => ({ sql, params });

/** Page size of /factures plus one (app/routes/_espace.factures/route.tsx asks one more row to know if a next page exists). */
const LIST_LIMIT = 21;

/** One page, one call (docs/performance.md): each page's SQL function, the layout's frame included. */
export function rawPages(ctx: RawContext): RawPage[] {
  return [
    { page: "home", reads: [read("select public.home_page()")] },
    { page: "list", reads: [read("select public.invoices_page($1, $2, null, null)", "unpaid", LIST_LIMIT)] },
    { page: "detail", reads: [read("select public.invoice_page($1::uuid)", ctx.invoiceId)] },
    { page: "pdf", reads: [read("select number, object_key from public.my_invoice_pdf_key($1::uuid)", ctx.invoiceId)] },
    { page: "info", reads: [read("select public.info_page()")] },
    { page: "contact", reads: [read("select public.contact_page()")] },
    { page: "payment", reads: [read("select public.payment_page()")] },
  ];
}
