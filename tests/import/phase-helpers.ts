/**
 * Plain inputs for the phase tests: rows as parse.ts makes them, PDFs in memory, outcomes as the
 * SQL functions answer them, and an ImportTarget that answers scripted outcomes and records every
 * call (the phases' own logic is under test here; the SQL rules are tested on PGlite in import.test.ts).
 */
import type { PdfSource } from "~/.server/import/model";
import type { CustomerRow, InvoiceRow } from "~/.server/import/parse";
import type { CustomerOutcome, CustomerRowJson, ImportTarget, InvoiceOutcome, InvoiceRowJson } from "~/.server/import/target";

export function customerRow(number: string, line: number, file = "abonnes.csv"): CustomerRow {
  return { file, line, number, name: `Abonné ${number}`, email: null, paper: null };
}

export function invoiceRow(number: string, line: number, customer = "A1", file = "factures.csv"): InvoiceRow {
  return { file, line, customer, number, issuedOn: "2024-01-15", dueOn: "2024-02-15", amountCents: 1250, object: "Eau", status: "unpaid" };
}

/** Bytes that pass looksLikePdf (pdfs.ts), different for each `text`. */
export const fakePdf = (text: string) => new TextEncoder().encode(`%PDF-1.4 ${text}`);

/** A PDF source that counts its reads; `bytes` may change between reads. */
export function pdfSource(name: string, bytes: Uint8Array = fakePdf(name)): PdfSource & { reads: number; bytes: Uint8Array } {
  const source = {
    name,
    bytes,
    reads: 0,
    read: async () => {
      source.reads++;
      return source.bytes;
    },
  };
  return source;
}

export function invoiceOutcome(number: string, line: number, fields: Partial<InvoiceOutcome> = {}): InvoiceOutcome {
  return { line, number, outcome: "created", changed: [], kept: [], current_status: null, paid_on_portal: false, has_pdf: false, current_pdf_sha256: null, ...fields };
}

export function customerOutcome(number: string, line: number, fields: Partial<CustomerOutcome> = {}): CustomerOutcome {
  return { line, customer_number: number, outcome: "created", changed: [], ...fields };
}

export type Call =
  | { kind: "customers"; dryRun: boolean; rows: CustomerRowJson[] }
  | { kind: "invoices"; dryRun: boolean; rows: InvoiceRowJson[] }
  | { kind: "pdf"; key: string; bytes: Uint8Array };

/**
 * A target whose outcomes come from `answer` (by number; default: created) and that records calls.
 * Outcomes are answered in reverse order, as nothing promises they come back in the rows' order.
 */
export function scriptedTarget(answer: { invoices?: (row: InvoiceRowJson) => Partial<InvoiceOutcome>; customers?: (row: CustomerRowJson) => Partial<CustomerOutcome> } = {}) {
  const calls: Call[] = [];
  const target: ImportTarget = {
    description: "cible de test",
    services: async () => [{ numcli: "004200", name: "Service de test" }],
    importCustomers: async (_numcli, rows, dryRun) => {
      calls.push({ kind: "customers", dryRun, rows });
      return rows.map((r) => customerOutcome(r.number, r.line, answer.customers?.(r))).reverse();
    },
    importInvoices: async (_numcli, rows, dryRun) => {
      calls.push({ kind: "invoices", dryRun, rows });
      return rows.map((r) => invoiceOutcome(r.number, r.line, answer.invoices?.(r))).reverse();
    },
    storePdf: async (key, bytes) => {
      calls.push({ kind: "pdf", key, bytes });
    },
    close: async () => {},
  };
  return { target, calls };
}
