/**
 * Invoice files port: the PDFs of the signed-in resident's invoices.
 */

/** An invoice's PDF, ready to stream. */
export interface InvoicePdf {
  /** The invoice number, for the file name. */
  number: string;
  body: ReadableStream<Uint8Array>;
  size: number;
}

/**
 * Invoice PDFs for the signed-in resident. Ownership is decided by SQL first
 * (public.my_invoice_pdf_key, under RLS), then the file store is read; on Supabase the Storage
 * policy checks it again. Null: no such invoice, not theirs, no PDF, or the file is missing.
 */
export interface InvoiceFilesPort {
  invoicePdf(invoiceId: string): Promise<InvoicePdf | null>;
}
