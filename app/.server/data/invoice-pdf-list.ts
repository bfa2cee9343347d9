import type { InvoicePdf, InvoicePdfList, InvoicePdfListQuery } from "../ports/files";
import { callJson, type Rpc } from "./rpc";

/** One row of public.my_invoice_pdf_list (supabase/migrations/20261204090300_invoice_zip.sql). */
interface PdfListRow {
  id: string;
  number: string;
  issued_on: string;
  service_name: string;
  object_key: string | null;
}

/**
 * The archive's list in one call, for both adapters: `open(key)` is the adapter's file store read
 * (embedded disk or Supabase Storage), reached only for the keys SQL returned to the caller.
 */
export async function invoicePdfList(
  rpc: Rpc,
  query: InvoicePdfListQuery,
  open: (objectKey: string) => Promise<Pick<InvoicePdf, "body" | "size"> | null>,
): Promise<InvoicePdfList> {
  const answer = await callJson<{ total: number; invoices: PdfListRow[] }>(rpc, "my_invoice_pdf_list", {
    p_status: query.status,
    p_limit: query.limit,
    ...(query.after ? { p_before_date: query.after.issuedOn, p_before_id: query.after.id } : {}),
    ...(query.ids ? { p_ids: query.ids } : {}),
  });
  return {
    total: answer.total,
    invoices: answer.invoices.map((row) => ({
      id: row.id,
      number: row.number,
      issuedOn: row.issued_on,
      serviceName: row.service_name,
      hasPdf: row.object_key !== null,
      open: async () => (row.object_key === null ? null : open(row.object_key)),
    })),
  };
}
