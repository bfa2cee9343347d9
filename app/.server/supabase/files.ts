import type { SupabaseClient } from "@supabase/supabase-js";
import type { PortalClient } from "../data/db-types";
import { invoicePdfList } from "../data/invoice-pdf-list";
import type { InvoiceFilesPort, InvoicePdf } from "../ports/files";
import { SupabaseAdapterError } from "./errors";
import { createSupabaseRpc, rpcRows } from "./rpc";

export const INVOICES_BUCKET = "invoices";

/**
 * Invoice PDFs from the private Storage bucket `invoices`, on the request's client (the
 * resident's JWT, never the service role). Two checks, both in SQL: the RLS-filtered read of
 * the key (public.my_invoice_pdf_key) and the Storage policy "Residents can download the PDFs of
 * their invoices" on storage.objects. Decision: docs/decisions/0006-invoice-pdfs.md.
 */
export function createSupabaseInvoiceFiles(client: () => Promise<SupabaseClient>): InvoiceFilesPort {
  return {
    async invoicePdf(invoiceId) {
      const rows = await rpcRows<{ number: string; object_key: string | null }>(client, "my_invoice_pdf_key", { p_id: invoiceId });
      const row = rows[0];
      if (!row?.object_key) return null;

      const file = await download(client, row.object_key);
      return file ? { number: row.number, ...file } : null;
    },
    async invoicePdfList(query) {
      return invoicePdfList(createSupabaseRpc(client as () => Promise<PortalClient>), query, (key) => download(client, key));
    },
  };
}

/**
 * One object of the bucket, as the resident's client may read it (the Storage policy decides);
 * null when Storage has none we may read. supabase-js hands the object over as a Blob: one PDF
 * at a time in memory, never a whole archive's (app/.server/invoice-zip.ts).
 */
async function download(client: () => Promise<SupabaseClient>, key: string): Promise<Pick<InvoicePdf, "body" | "size"> | null> {
  const { data, error } = await (await client()).storage.from(INVOICES_BUCKET).download(key);
  if (error) {
    if (isNotFound(error)) {
      // The row says there is a PDF but Storage has none we may read: a staff upload is missing.
      console.warn(`invoice PDF not found in Storage: ${INVOICES_BUCKET}/${key}`);
      return null;
    }
    const status = "status" in error && typeof error.status === "number" ? error.status : undefined;
    throw new SupabaseAdapterError(
      `Supabase storage download ${INVOICES_BUCKET}/${key} failed (${status ? `HTTP ${status}` : "network error"}): ${error.message}`,
      { operation: "storage download", status },
      { cause: error },
    );
  }
  return { body: data.stream() as ReadableStream<Uint8Array>, size: data.size };
}

/**
 * Storage answers a missing object, or one the policy hides, with "not_found" (HTTP 400 with
 * statusCode "404" on older servers, 404 on newer ones).
 */
function isNotFound(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("__isStorageError" in error)) return false;
  const e = error as { status?: number; statusCode?: string; code?: string };
  return e.status === 404 || e.statusCode === "404" || e.code === "not_found" || e.code === "NoSuchKey";
}
