/**
 * Invoice files port: the PDFs of the signed-in resident's invoices.
 */
import type { InvoiceCursor, InvoiceStatus } from "./invoices";

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
export interface InvoiceFilesPort extends InvoicePdfListPort {
  invoicePdf(invoiceId: string): Promise<InvoicePdf | null>;
}

/** Which invoice PDFs one zip archive holds (« Télécharger les PDF », app/.server/invoice-zip.ts). */
export interface InvoicePdfListQuery {
  status: InvoiceStatus;
  /** At most this many, newest first (the archive's cap plus one, to know there are more). */
  limit: number;
  /** Keyset cursor: only the invoices after it, newest first (as on /factures). */
  after: InvoiceCursor | null;
  /** Only these invoices (of the tab, the caller's): a selection; null: the whole tab. */
  ids: string[] | null;
}

/** One invoice of the list; its PDF is opened only when the archive reaches it. */
export interface ListedInvoicePdf {
  id: string;
  number: string;
  /** `YYYY-MM-DD`. */
  issuedOn: string;
  serviceName: string;
  /** False: the service loaded no PDF for this invoice. */
  hasPdf: boolean;
  /** The PDF, or null when there is none or the file is missing from the store. */
  open(): Promise<Pick<InvoicePdf, "body" | "size"> | null>;
}

export interface InvoicePdfList {
  /** How many invoices the tab (or the selection) holds for the caller, cursor ignored. */
  total: number;
  invoices: ListedInvoicePdf[];
}

/**
 * The list of one archive in one SQL call (public.my_invoice_pdf_list, under RLS from auth.uid()),
 * each PDF then opened one after another from the file store by the archive.
 */
export interface InvoicePdfListPort {
  invoicePdfList(query: InvoicePdfListQuery): Promise<InvoicePdfList>;
}
