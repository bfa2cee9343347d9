/**
 * Phase 4 of the import (run.ts): ask the portal what each valid line would do — the SQL functions
 * in dry-run mode, which apply the rules (docs/decisions/0009-import.md) and write nothing — then,
 * from those outcomes alone, reject the lines the portal refuses and choose the PDFs to store.
 */
import { callInBatches } from "./batches";
import { rowError, type ProgressSink } from "./model";
import type { HashedPdf } from "./match-pdfs";
import type { CustomerRow, InvoiceRow, LineError } from "./parse";
import { pdfObjectKey } from "./pdfs";
import type { CustomerOutcome, CustomerRowJson, ImportTarget, InvoiceOutcome, InvoiceRowJson } from "./target";

/** An invoice outcome an import counts (the others reject the line). */
export type CountedInvoiceOutcome = InvoiceOutcome & { outcome: "created" | "updated" | "unchanged" };

export interface Plan {
  /** By customer number. */
  customers: Map<string, CustomerOutcome>;
  /** By invoice number. */
  invoices: Map<string, InvoiceOutcome>;
}

export const customerJson = (r: CustomerRow): CustomerRowJson => ({ line: r.line, number: r.number, name: r.name, email: r.email, paper: r.paper });

/** The row as public.import_invoices reads it: with its PDF's key and hash when it has one. */
export function invoiceJson(numcli: string, pdfs: Map<string, HashedPdf>): (r: InvoiceRow) => InvoiceRowJson {
  return (r) => {
    const pdf = pdfs.get(r.number);
    return {
      line: r.line,
      customer: r.customer,
      number: r.number,
      issued_on: r.issuedOn,
      due_on: r.dueOn,
      amount_cents: r.amountCents,
      object: r.object,
      status: r.status,
      pdf_key: pdf ? pdfObjectKey(numcli, r.number) : null,
      pdf_sha256: pdf ? pdf.sha256 : null,
    };
  };
}

/** The dry-run outcome of every line given (nothing written). */
export async function planLines(
  target: ImportTarget,
  numcli: string,
  lines: { customers: CustomerRow[]; invoices: InvoiceRow[] },
  pdfs: Map<string, HashedPdf>,
  batchSize: number,
  progress: ProgressSink,
): Promise<Plan> {
  progress.start("Vérification dans le portail", lines.customers.length + lines.invoices.length, "lignes");
  const customers = await callInBatches(lines.customers, batchSize, (batch) => target.importCustomers(numcli, batch.map(customerJson), true), progress);
  const toJson = invoiceJson(numcli, pdfs);
  const invoices = await callInBatches(lines.invoices, batchSize, (batch) => target.importInvoices(numcli, batch.map(toJson), true), progress);
  progress.done();
  return {
    customers: new Map(customers.map(([row, o]) => [row.number, o])),
    invoices: new Map(invoices.map(([row, o]) => [row.number, o])),
  };
}

/**
 * The lines the portal refuses: an invoice of another customer, of a customer neither in the
 * portal nor among the valid customer lines (`customersInFiles`), or without a PDF (none in the
 * folder, and none stored for an invoice that will exist).
 */
export function checkAgainstPortal(
  invoices: InvoiceRow[],
  plan: Map<string, InvoiceOutcome>,
  customersInFiles: Set<string>,
  pdfs: Map<string, HashedPdf>,
): LineError[] {
  const errors: LineError[] = [];
  for (const row of invoices) {
    const o = plan.get(row.number)!;
    if (o.outcome === "other_customer") {
      errors.push(rowError(row, "Numéro d'abonné", `la facture ${row.number} existe déjà dans le portail pour un autre abonné que ${row.customer} : vérifiez le numéro d'abonné`));
    } else if (o.outcome === "unknown_customer" && !customersInFiles.has(row.customer)) {
      errors.push(
        rowError(
          row,
          "Numéro d'abonné",
          `abonné ${row.customer} inconnu du portail et absent des lignes valides du fichier des abonnés : ajoutez-le (ou corrigez sa ligne) au fichier des abonnés`,
        ),
      );
    } else if (!pdfs.has(row.number) && !(o.outcome !== "unknown_customer" && o.outcome !== "created" && o.has_pdf)) {
      errors.push(
        rowError(row, "Numéro de facture", `PDF de la facture ${row.number} introuvable : ajoutez au dossier un fichier PDF dont le nom contient ce numéro (ex. ${row.number}.pdf)`),
      );
    }
  }
  return errors;
}

/** The PDFs to store: those of valid invoices the portal does not already have with the same hash. */
export function choosePdfsToStore(
  invoices: InvoiceRow[],
  plan: Map<string, InvoiceOutcome>,
  pdfs: Map<string, HashedPdf>,
): { toStore: InvoiceRow[]; unchanged: number } {
  const toStore: InvoiceRow[] = [];
  let unchanged = 0;
  for (const row of invoices) {
    const pdf = pdfs.get(row.number);
    if (!pdf) continue;
    const o = plan.get(row.number)!;
    if (o.has_pdf && o.current_pdf_sha256 === pdf.sha256) unchanged++;
    else toStore.push(row);
  }
  return { toStore, unchanged };
}

/** What a dry run reports: each valid line with its planned outcome (a new customer's invoices: created). */
export function plannedOutcomes(
  customers: CustomerRow[],
  invoices: InvoiceRow[],
  plan: Plan,
): { customers: Array<[CustomerRow, CustomerOutcome]>; invoices: Array<[InvoiceRow, CountedInvoiceOutcome]> } {
  const counted: Array<[InvoiceRow, CountedInvoiceOutcome]> = [];
  for (const row of invoices) {
    const o = plan.invoices.get(row.number)!;
    if (o.outcome === "other_customer") continue;
    counted.push([row, o.outcome === "unknown_customer" ? { ...o, outcome: "created" } : (o as CountedInvoiceOutcome)]);
  }
  return { customers: customers.map((row) => [row, plan.customers.get(row.number)!]), invoices: counted };
}
