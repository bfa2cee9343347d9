import type { SupabaseClient } from "@supabase/supabase-js";
import type { InvoiceFilesPort } from "../ports/files";
import { SupabaseAdapterError } from "./errors";
import { rpcRows } from "./rpc";

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

      const { data, error } = await (await client()).storage.from(INVOICES_BUCKET).download(row.object_key);
      if (error) {
        if (isNotFound(error)) {
          // The row says there is a PDF but Storage has none we may read: a staff upload is missing.
          console.warn(`invoice PDF not found in Storage: ${INVOICES_BUCKET}/${row.object_key}`);
          return null;
        }
        const status = "status" in error && typeof error.status === "number" ? error.status : undefined;
        throw new SupabaseAdapterError(
          `Supabase storage download ${INVOICES_BUCKET}/${row.object_key} failed (${status ? `HTTP ${status}` : "network error"}): ${error.message}`,
          { operation: "storage download", status },
          { cause: error },
        );
      }
      return { number: row.number, body: data.stream() as ReadableStream<Uint8Array>, size: data.size };
    },
  };
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
