/**
 * Phase 5 of the import (run.ts): write customers, then the PDFs that changed (before the rows that
 * point at them), then invoices. Each batch is one transaction of the target (docs/decisions/0009-import.md).
 */
import { callInBatches, pool } from "./batches";
import { ImportStopped, rowError, type ProgressSink } from "./model";
import type { HashedPdf } from "./match-pdfs";
import type { CustomerRow, InvoiceRow, LineError } from "./parse";
import { pdfObjectKey, sha256Hex } from "./pdfs";
import { customerJson, invoiceJson, type CountedInvoiceOutcome } from "./plan";
import type { CustomerOutcome, ImportTarget } from "./target";

export interface WriteOptions {
  batchSize: number;
  pdfConcurrency: number;
  progress: ProgressSink;
}

export interface Written {
  customers: Array<[CustomerRow, CustomerOutcome]>;
  invoices: Array<[InvoiceRow, CountedInvoiceOutcome]>;
  pdfsStored: number;
  /** Invoices refused at the write although the plan accepted them. */
  errors: LineError[];
}

export async function writeAll(
  target: ImportTarget,
  numcli: string,
  lines: { customers: CustomerRow[]; invoices: InvoiceRow[]; pdfsToStore: InvoiceRow[] },
  pdfs: Map<string, HashedPdf>,
  options: WriteOptions,
): Promise<Written> {
  const { batchSize, progress } = options;
  progress.start("Abonnés", lines.customers.length, "abonnés");
  const customers = await callInBatches(lines.customers, batchSize, (batch) => target.importCustomers(numcli, batch.map(customerJson), false), progress);
  progress.done();

  const pdfsStored = await storePdfs(target, numcli, lines.pdfsToStore, pdfs, options);

  progress.start("Factures", lines.invoices.length, "factures");
  const toJson = invoiceJson(numcli, pdfs);
  const outcomes = await callInBatches(lines.invoices, batchSize, (batch) => target.importInvoices(numcli, batch.map(toJson), false), progress);
  progress.done();
  const invoices: Written["invoices"] = [];
  const errors: LineError[] = [];
  for (const [row, o] of outcomes) {
    if (o.outcome === "unknown_customer" || o.outcome === "other_customer") {
      // Changed between the check and the write (another import at the same time).
      errors.push(rowError(row, "Numéro d'abonné", `abonné ${row.customer} introuvable au moment de l'écriture : relancez l'import`));
    } else {
      invoices.push([row, o as CountedInvoiceOutcome]);
    }
  }
  return { customers, invoices, pdfsStored, errors };
}

/** Reads each PDF again and stores it, unless it changed since it was hashed (ImportStopped). */
async function storePdfs(target: ImportTarget, numcli: string, rows: InvoiceRow[], pdfs: Map<string, HashedPdf>, options: WriteOptions): Promise<number> {
  let stored = 0;
  options.progress.start("PDF", rows.length, "PDF");
  await pool(rows, options.pdfConcurrency, async (row) => {
    const pdf = pdfs.get(row.number)!;
    const bytes = await pdf.source.read();
    if ((await sha256Hex(bytes)) !== pdf.sha256) {
      throw new ImportStopped(`Le fichier ${pdf.source.name} a changé pendant l'import : relancez l'import.`);
    }
    await target.storePdf(pdfObjectKey(numcli, row.number), bytes);
    stored++;
    options.progress.advance(1);
  });
  options.progress.done();
  return stored;
}
