/**
 * The import's port: what the command needs from a backend. Two adapters, thin on purpose (the
 * rules are the SQL functions public.import_customers / public.import_invoices):
 * `app/.server/embedded/import-target.ts` (PGlite + `${DATA_DIR}/storage/invoices`) and
 * `app/.server/supabase/import-target.ts` (`.rpc()` and Storage with the service-role key).
 */
import type { InvoiceStatus } from "./parse";

export interface ImportService {
  numcli: string;
  name: string;
}

/** A customer line as public.import_customers reads it. */
export interface CustomerRowJson {
  line: number;
  number: string;
  name: string;
  email: string | null;
  paper: boolean | null;
}

/** An invoice line as public.import_invoices reads it. */
export interface InvoiceRowJson {
  line: number;
  customer: string;
  number: string;
  issued_on: string;
  due_on: string;
  amount_cents: number;
  object: string;
  status: InvoiceStatus;
  pdf_key: string | null;
  pdf_sha256: string | null;
}

export interface CustomerOutcome {
  line: number;
  customer_number: string;
  outcome: "created" | "updated" | "unchanged";
  changed: string[];
}

export interface InvoiceOutcome {
  line: number;
  number: string;
  outcome: "created" | "updated" | "unchanged" | "unknown_customer" | "other_customer";
  changed: string[];
  kept: string[];
  current_status: InvoiceStatus | null;
  paid_on_portal: boolean;
  has_pdf: boolean;
  current_pdf_sha256: string | null;
}

export interface ImportTarget {
  /** For the report, e.g. "base intégrée (.data)" or "Supabase (https://….supabase.co)". */
  readonly description: string;
  services(): Promise<ImportService[]>;
  /**
   * One outcome per row, in order. One call = one transaction, except with Supabase, which sends
   * the rows in calls of at most SUPABASE_IMPORT_BATCH_ROWS (500), one transaction each.
   * With dryRun, the same outcomes and nothing written.
   */
  importCustomers(numcli: string, rows: CustomerRowJson[], dryRun: boolean): Promise<CustomerOutcome[]>;
  importInvoices(numcli: string, rows: InvoiceRowJson[], dryRun: boolean): Promise<InvoiceOutcome[]>;
  /**
   * Writes the « nouvelle facture » reminder e-mails of the invoices just imported (one per
   * opted-in resident, public.queue_new_invoice_notices; a re-run writes none). Optional: a target
   * without it sends no reminder.
   */
  queueNewInvoiceNotices?(): Promise<{ emails: number; invoices: number }>;
  /** Stores (or replaces) the PDF under its object key in the `invoices` store. */
  storePdf(key: string, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
