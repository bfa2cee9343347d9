/**
 * The SQL each resident page runs, for the raw ceiling of `npm run bench` (section a): every
 * read of one page, run in one transaction as the demo resident (scripts/bench/raw.ts), the way
 * the embedded adapter runs a request (set local role authenticated + request.jwt.claims).
 *
 * Today a page makes several reads (its route's loader and the `_espace` layout's: my_customers
 * and portal_public_info). When a page is read by one function, its entry becomes one line, e.g.
 *   list: [read("select public.invoices_page($1, 21, null, null)", "unpaid")],
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

/** What the layout `_espace` reads for every page behind login. */
const layout = [read("select * from public.my_customers()"), read("select portal_name from public.portal_public_info()")];

/** Page size of /factures plus one (app/routes/_espace.factures/route.tsx asks one more row to know if a next page exists). */
const LIST_LIMIT = 21;

export function rawPages(ctx: RawContext): RawPage[] {
  return [
    { page: "home", reads: [...layout, read("select * from public.portal_home()")] },
    {
      page: "list",
      reads: [
        ...layout,
        read("select * from public.my_invoices($1, $2, null, null)", "unpaid", LIST_LIMIT),
        read("select * from public.my_invoice_counts()"),
        read("select * from public.my_customers()"),
      ],
    },
    {
      page: "detail",
      reads: [
        ...layout,
        read("select * from public.my_invoice($1::uuid)", ctx.invoiceId),
        read("select * from public.my_invoice_payment($1::uuid)", ctx.invoiceId),
      ],
    },
    { page: "pdf", reads: [read("select number, object_key from public.my_invoice_pdf_key($1::uuid)", ctx.invoiceId)] },
    { page: "info", reads: [...layout, read("select * from public.my_customers()"), read("select * from public.my_paper_status()")] },
    { page: "contact", reads: [...layout, read("select * from public.my_contact_services()")] },
    { page: "payment", reads: [...layout, read("select * from public.my_payable_invoices()")] },
  ];
}
