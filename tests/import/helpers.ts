import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "~/.server/embedded/database";
import { createEmbeddedImportTarget } from "~/.server/embedded/import-target";
import { runImport, type ImportOptions, type ImportReport } from "~/.server/import/run";
import { buildPdf } from "../../scripts/lib/invoice-pdf";

export const CUSTOMERS_HEADER = "Numéro d'abonné;Nom;E-mail;Facture papier";
export const INVOICES_HEADER = "Numéro d'abonné;Numéro de facture;Date;Échéance;Montant;Objet;Statut";

const SERVICE = { numcli: "004200", name: "Service de test", address: "1 rue du Test" };

const pdfs = new Map<string, Uint8Array>();

/** A tagged invoice PDF (about 2 ms each with pdfkit): built once per number and amount, then reused. */
export function pdfOf(number: string, amountCents = 1000): Uint8Array {
  const key = `${number}\u0000${amountCents}`;
  let pdf = pdfs.get(key);
  if (!pdf) {
    pdf = buildPdf(
      { number, customerName: "Abonné de test", customerNumber: "T1", issuedOn: "2024-01-01", dueOn: "2024-01-31", amountCents, object: "Test" },
      SERVICE,
    );
    pdfs.set(key, pdf);
  }
  return pdf;
}

export interface Files {
  customers?: string[];
  invoices?: string[];
  /** file name → bytes */
  pdfs?: Record<string, Uint8Array>;
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "portail-import-"));
}

/** Runs the import on an open database, files given in memory (as the command reads them). */
export async function importFiles(db: Database, dataDir: string, files: Files, options: ImportOptions = {}): Promise<ImportReport> {
  const utf8 = (lines: string[]) => new TextEncoder().encode(lines.join("\r\n") + "\r\n");
  const csv = [
    ...(files.customers ? [{ name: "abonnes.csv", bytes: utf8([CUSTOMERS_HEADER, ...files.customers]) }] : []),
    ...(files.invoices ? [{ name: "factures.csv", bytes: utf8([INVOICES_HEADER, ...files.invoices]) }] : []),
  ];
  const pdfs = Object.entries(files.pdfs ?? {}).map(([name, bytes]) => ({ name: `pdf/${name}`, read: async () => bytes }));
  return runImport(createEmbeddedImportTarget(db, dataDir), { csv, pdfs }, { numcli: "004200", ...options });
}

/** Everything the import may touch, read as the owner: to compare a database before and after. */
export async function snapshotOf(db: Database) {
  const customers = await db.pg.query(
    "select customer_number, display_name, email, paper_invoices, account_id, updated_at from portal.customers order by customer_number",
  );
  const invoices = await db.pg.query(
    "select number, customer_id, issued_on, due_on, amount_cents, object, status, pdf_object_key, pdf_sha256, paid_at, updated_at from portal.invoices order by number",
  );
  return { customers: customers.rows, invoices: invoices.rows };
}
