/**
 * The import, from files to a report: read and check every file (nothing written), ask the
 * database what each valid line would do (the same SQL functions in dry-run mode, which also finds
 * unknown customers and invoices of another customer), then — unless it is a dry run, or `strict`
 * with errors — write in batches: customers, then the PDFs that changed, then invoices.
 * Web-standard code: file access is the caller's (PdfSource.read).
 */
import {
  classifyCsv,
  parseCustomersFile,
  parseInvoicesFile,
  type CsvInput,
  type CustomerRow,
  type FileKind,
  type InvoiceRow,
  type InvoiceStatus,
  type LineError,
} from "./parse";
import { looksLikePdf, numbersInFileName, pdfObjectKey, sha256Hex } from "./pdfs";
import type {
  CustomerOutcome,
  CustomerRowJson,
  ImportService,
  ImportTarget,
  InvoiceOutcome,
  InvoiceRowJson,
} from "./target";

export interface PdfSource {
  /** Path as shown to staff. */
  name: string;
  read(): Promise<Uint8Array>;
}

export interface ImportInput {
  csv: CsvInput[];
  pdfs: PdfSource[];
}

export interface ProgressSink {
  start(label: string, total: number, unit: string): void;
  advance(count: number): void;
  done(): void;
}

export interface ImportOptions {
  numcli?: string;
  dryRun?: boolean;
  strict?: boolean;
  batchSize?: number;
  pdfConcurrency?: number;
  progress?: ProgressSink;
}

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportReport {
  service: ImportService;
  target: string;
  files: Array<{ file: string; kind: FileKind; encoding: string; lines: number }>;
  pdfCount: number;
  errors: LineError[];
  /** Not errors: a PDF matching no invoice, values an export may not change (paid invoice…). */
  notices: LineError[];
  /** One line per customer or invoice that is (or would be) updated, in French. */
  changes: string[];
  customers: Counts;
  invoices: Counts;
  pdfs: { stored: number; unchanged: number };
  /** dry-run: nothing written; refused: --strict with errors; written: all valid lines written. */
  mode: "dry-run" | "refused" | "written";
  seconds: number;
}

/** An error that stops the whole import before anything is written (French, for staff). */
export class ImportStopped extends Error {
  override name = "ImportStopped";
}

const noProgress: ProgressSink = { start() {}, advance() {}, done() {} };

const STATUS_FR: Record<InvoiceStatus, string> = { unpaid: "non réglée", paid: "réglée", treasury: "trésorerie" };
const FIELD_FR: Record<string, string> = {
  status: "statut",
  amount: "montant",
  issued_on: "date",
  due_on: "échéance",
  object: "objet",
  pdf: "PDF",
  name: "nom",
  email: "e-mail",
  paper: "facture papier",
};
const fields = (list: string[]) => list.map((f) => FIELD_FR[f] ?? f).join(", ");

const zero = (): Counts => ({ created: 0, updated: 0, unchanged: 0, rejected: 0 });

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

function lineKey(e: { file: string; line: number }) {
  return `${e.file}\u0000${e.line}`;
}

export async function runImport(target: ImportTarget, input: ImportInput, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const progress = options.progress ?? noProgress;
  const batchSize = options.batchSize ?? 1000;
  const errors: LineError[] = [];
  const notices: LineError[] = [];
  const changes: string[] = [];

  // 1. Service -----------------------------------------------------------------------------------
  const services = await target.services();
  let service: ImportService | undefined;
  if (options.numcli) {
    service = services.find((s) => s.numcli === options.numcli);
    if (!service) {
      throw new ImportStopped(
        `Service ${options.numcli} inconnu du portail. Services existants : ${services.map((s) => `${s.numcli} (${s.name})`).join(", ") || "aucun"}.`,
      );
    }
  } else if (services.length === 1) {
    service = services[0]!;
  } else {
    throw new ImportStopped(
      services.length === 0
        ? "Aucun service dans le portail : créez d'abord le service (voir docs/import.md)."
        : `Plusieurs services dans le portail : précisez lequel avec --service <numcli> (${services.map((s) => `${s.numcli} ${s.name}`).join(", ")}).`,
    );
  }
  const numcli = service.numcli;

  // 2. Files -------------------------------------------------------------------------------------
  const files: ImportReport["files"] = [];
  const customerRows: CustomerRow[] = [];
  const invoiceRows: InvoiceRow[] = [];
  const customerLines = new Map<string, CustomerRow>();
  const invoiceLines = new Map<string, InvoiceRow>();
  const rejectedCustomerLines = new Set<string>();
  const rejectedInvoiceLines = new Set<string>();
  // Lines of files that cannot be read at all (a required column is missing).
  let unusableCustomerLines = 0;
  let unusableInvoiceLines = 0;
  const mentionedInvoices = new Set<string>();
  const customersInFiles = new Map<string, { file: string; line: number; valid: boolean }>();

  progress.start("Lecture des fichiers", input.csv.length, "fichiers");
  for (const csv of input.csv) {
    const kind = classifyCsv(csv);
    if ("error" in kind) {
      errors.push(kind.error);
      progress.advance(1);
      continue;
    }
    if (kind.kind === "customers") {
      const parsed = parseCustomersFile(csv);
      files.push({ file: parsed.file, kind: "customers", encoding: parsed.encoding, lines: parsed.lineCount });
      errors.push(...parsed.errors);
      if (parsed.unusable) unusableCustomerLines += parsed.lineCount;
      else for (const e of parsed.errors) if (e.line > 0) rejectedCustomerLines.add(lineKey(e));
      for (const row of parsed.rows) {
        const earlier = customerLines.get(row.number);
        if (earlier) {
          errors.push({
            file: row.file,
            line: row.line,
            column: "Numéro d'abonné",
            message: `numéro d'abonné ${row.number} en double (déjà dans ${earlier.file} ligne ${earlier.line}) : gardez une seule ligne par abonné`,
          });
          rejectedCustomerLines.add(lineKey(row));
          continue;
        }
        customerLines.set(row.number, row);
        customerRows.push(row);
      }
    } else {
      const parsed = parseInvoicesFile(csv);
      files.push({ file: parsed.file, kind: "invoices", encoding: parsed.encoding, lines: parsed.lineCount });
      errors.push(...parsed.errors);
      for (const n of parsed.mentioned) mentionedInvoices.add(n);
      if (parsed.unusable) unusableInvoiceLines += parsed.lineCount;
      else for (const e of parsed.errors) if (e.line > 0) rejectedInvoiceLines.add(lineKey(e));
      for (const row of parsed.rows) {
        const earlier = invoiceLines.get(row.number);
        if (earlier) {
          errors.push({
            file: row.file,
            line: row.line,
            column: "Numéro de facture",
            message: `facture ${row.number} en double (déjà dans ${earlier.file} ligne ${earlier.line}) : gardez une seule ligne par facture`,
          });
          rejectedInvoiceLines.add(lineKey(row));
          continue;
        }
        invoiceLines.set(row.number, row);
        invoiceRows.push(row);
      }
    }
    progress.advance(1);
  }
  progress.done();
  for (const row of customerRows) customersInFiles.set(row.number, { file: row.file, line: row.line, valid: true });

  if (input.csv.length === 0) throw new ImportStopped("Aucun fichier CSV à importer : indiquez un dossier ou des fichiers .csv.");

  // 3. PDFs: match by invoice number in the file name, check they are PDFs, hash them ----------
  const pdfFor = new Map<string, PdfSource>();
  const pdfConflicts = new Map<string, PdfSource[]>();
  for (const pdf of input.pdfs) {
    const candidates = numbersInFileName(pdf.name);
    const matches = candidates.filter((n) => invoiceLines.has(n));
    if (matches.length === 0) {
      if (candidates.some((n) => mentionedInvoices.has(n))) continue; // its line is rejected (reported)
      notices.push({ file: pdf.name, line: 0, message: "PDF ignoré : son nom ne contient le numéro d'aucune facture des fichiers importés" });
      continue;
    }
    const number = matches.reduce((a, b) => (b.length > a.length ? b : a));
    const existing = pdfFor.get(number);
    if (existing) pdfConflicts.set(number, [...(pdfConflicts.get(number) ?? [existing]), pdf]);
    else pdfFor.set(number, pdf);
  }
  const pdfInfo = new Map<string, { source: PdfSource; sha256: string }>();
  const invoiceError = (row: InvoiceRow, column: string, message: string) => {
    errors.push({ file: row.file, line: row.line, column, message });
    rejectedInvoiceLines.add(lineKey(row));
  };
  for (const [number, list] of pdfConflicts) {
    const row = invoiceLines.get(number)!;
    invoiceError(row, "Numéro de facture", `plusieurs PDF pour la facture ${number} (${list.map((p) => p.name).join(", ")}) : n'en gardez qu'un dans le dossier`);
    pdfFor.delete(number);
  }
  const toRead = [...pdfFor].filter(([number]) => !rejectedInvoiceLines.has(lineKey(invoiceLines.get(number)!)));
  progress.start("Lecture des PDF", toRead.length, "PDF");
  await pool(toRead, options.pdfConcurrency ?? 16, async ([number, source]) => {
    const bytes = await source.read();
    if (!looksLikePdf(bytes)) {
      invoiceError(
        invoiceLines.get(number)!,
        "Numéro de facture",
        `le fichier ${source.name} n'est pas un PDF (${bytes.length === 0 ? "fichier vide" : "contenu d'un autre type"}) : remplacez-le par le PDF de la facture`,
      );
    } else {
      pdfInfo.set(number, { source, sha256: await sha256Hex(bytes) });
    }
    progress.advance(1);
  });
  progress.done();

  // 4. Plan: what each valid line would do (the SQL rules, nothing written) --------------------
  const validCustomers = customerRows.filter((r) => !rejectedCustomerLines.has(lineKey(r)));
  const customerJson = (r: CustomerRow): CustomerRowJson => ({ line: r.line, number: r.number, name: r.name, email: r.email, paper: r.paper });
  const invoiceJson = (r: InvoiceRow): InvoiceRowJson => {
    const pdf = pdfInfo.get(r.number);
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
  // Line numbers are per file: batches are made per file so that outcomes map back to rows.
  const byFile = <R extends { file: string }>(rows: R[]) => {
    const map = new Map<string, R[]>();
    for (const r of rows) {
      const list = map.get(r.file);
      if (list) list.push(r);
      else map.set(r.file, [r]);
    }
    return map;
  };

  const candidateInvoices = invoiceRows.filter((r) => !rejectedInvoiceLines.has(lineKey(r)));
  // Customer lines cannot fail against the portal: their plan only feeds the dry run's report
  // (a write computes the same outcomes when it writes them).
  const customersToPlan = options.dryRun ? validCustomers : [];
  progress.start("Vérification dans le portail", customersToPlan.length + candidateInvoices.length, "lignes");
  const customerPlan = new Map<string, CustomerOutcome>();
  for (const [, rows] of byFile(customersToPlan)) {
    for (const batch of chunks(rows, batchSize)) {
      const outcomes = await target.importCustomers(numcli, batch.map(customerJson), true);
      const byLine = new Map(outcomes.map((o) => [o.line, o]));
      for (const r of batch) customerPlan.set(r.number, byLine.get(r.line)!);
      progress.advance(batch.length);
    }
  }
  const invoicePlan = new Map<string, InvoiceOutcome>();
  for (const [, rows] of byFile(candidateInvoices)) {
    for (const batch of chunks(rows, batchSize)) {
      const outcomes = await target.importInvoices(numcli, batch.map(invoiceJson), true);
      const byLine = new Map(outcomes.map((o) => [o.line, o]));
      for (const r of batch) invoicePlan.set(r.number, byLine.get(r.line)!);
      progress.advance(batch.length);
    }
  }
  progress.done();

  for (const row of candidateInvoices) {
    const plan = invoicePlan.get(row.number)!;
    if (plan.outcome === "other_customer") {
      invoiceError(row, "Numéro d'abonné", `la facture ${row.number} existe déjà dans le portail pour un autre abonné que ${row.customer} : vérifiez le numéro d'abonné`);
      continue;
    }
    if (plan.outcome === "unknown_customer") {
      if (!customersInFiles.has(row.customer)) {
        invoiceError(
          row,
          "Numéro d'abonné",
          `abonné ${row.customer} inconnu du portail et absent des lignes valides du fichier des abonnés : ajoutez-le (ou corrigez sa ligne) au fichier des abonnés`,
        );
        continue;
      }
    }
    const willExist = plan.outcome !== "unknown_customer" && plan.outcome !== "created";
    if (!pdfInfo.has(row.number) && !(willExist && plan.has_pdf) && !rejectedInvoiceLines.has(lineKey(row))) {
      invoiceError(
        row,
        "Numéro de facture",
        `PDF de la facture ${row.number} introuvable : ajoutez au dossier un fichier PDF dont le nom contient ce numéro (ex. ${row.number}.pdf)`,
      );
    }
  }

  const validInvoices = candidateInvoices.filter((r) => !rejectedInvoiceLines.has(lineKey(r)));
  const customers = zero();
  const invoices = zero();
  customers.rejected = rejectedCustomerLines.size + unusableCustomerLines;
  invoices.rejected = rejectedInvoiceLines.size + unusableInvoiceLines;

  const describeCustomer = (row: CustomerRow, o: CustomerOutcome) => {
    if (o.outcome === "updated") changes.push(`${row.file} ligne ${row.line} : abonné ${row.number} — ${fields(o.changed)} modifié(s)${o.changed.includes("email") ? ` (nouvelle adresse ${row.email} : le compte correspondant y est relié)` : ""}`);
  };
  const describeInvoice = (row: InvoiceRow, o: InvoiceOutcome) => {
    if (o.outcome === "updated") {
      const status = o.changed.includes("status") && o.current_status ? ` (${STATUS_FR[o.current_status]} → ${STATUS_FR[row.status]})` : "";
      changes.push(`${row.file} ligne ${row.line} : facture ${row.number} — ${fields(o.changed)} modifié(s)${status}`);
    }
    if (o.kept.length > 0 && o.current_status) {
      const what = fields(o.kept);
      let message: string;
      if (o.current_status === "paid") {
        message = o.paid_on_portal
          ? `facture ${row.number} payée sur le portail : elle reste réglée, ${what} non modifié(s) (l'export, sans doute plus ancien, la dit « ${STATUS_FR[row.status]} »)`
          : `facture ${row.number} déjà réglée dans le portail : elle reste réglée, ${what} non modifié(s)`;
      } else {
        message = `facture ${row.number} en trésorerie : ${what} non modifié(s) (seule la mention « réglée » peut encore la changer)`;
      }
      notices.push({ file: row.file, line: row.line, message });
    }
  };

  const finish = (mode: ImportReport["mode"]): ImportReport => ({
    service: service!,
    target: target.description,
    files,
    pdfCount: input.pdfs.length,
    errors: sortErrors(errors),
    notices: sortErrors(notices),
    changes,
    customers,
    invoices,
    pdfs,
    mode,
    seconds: (performance.now() - started) / 1000,
  });
  const pdfs = { stored: 0, unchanged: 0 };
  const pdfsToStore = validInvoices.filter((r) => {
    const info = pdfInfo.get(r.number);
    const plan = invoicePlan.get(r.number)!;
    if (!info) return false;
    const same = plan.has_pdf && plan.current_pdf_sha256 === info.sha256;
    if (same) pdfs.unchanged++;
    return !same;
  });

  if (options.strict && errors.length > 0) {
    return finish("refused");
  }

  if (options.dryRun) {
    for (const row of validCustomers) {
      const o = customerPlan.get(row.number)!;
      customers[o.outcome]++;
      describeCustomer(row, o);
    }
    for (const row of validInvoices) {
      const o = invoicePlan.get(row.number)!;
      const outcome = o.outcome === "unknown_customer" ? "created" : o.outcome;
      if (outcome === "other_customer") continue;
      invoices[outcome]++;
      describeInvoice(row, o);
    }
    pdfs.stored = pdfsToStore.length;
    return finish("dry-run");
  }

  // 5. Write: customers, PDFs (before the rows that point at them), invoices --------------------
  progress.start("Abonnés", validCustomers.length, "abonnés");
  for (const [, rows] of byFile(validCustomers)) {
    for (const batch of chunks(rows, batchSize)) {
      const outcomes = await target.importCustomers(numcli, batch.map(customerJson), false);
      const byLine = new Map(outcomes.map((o) => [o.line, o]));
      for (const row of batch) {
        const o = byLine.get(row.line)!;
        customers[o.outcome]++;
        describeCustomer(row, o);
      }
      progress.advance(batch.length);
    }
  }
  progress.done();

  progress.start("PDF", pdfsToStore.length, "PDF");
  await pool(pdfsToStore, options.pdfConcurrency ?? 8, async (row) => {
    const info = pdfInfo.get(row.number)!;
    const bytes = await info.source.read();
    if ((await sha256Hex(bytes)) !== info.sha256) {
      throw new ImportStopped(`Le fichier ${info.source.name} a changé pendant l'import : relancez l'import.`);
    }
    await target.storePdf(pdfObjectKey(numcli, row.number), bytes);
    pdfs.stored++;
    progress.advance(1);
  });
  progress.done();

  progress.start("Factures", validInvoices.length, "factures");
  for (const [, rows] of byFile(validInvoices)) {
    for (const batch of chunks(rows, batchSize)) {
      const outcomes = await target.importInvoices(numcli, batch.map(invoiceJson), false);
      const byLine = new Map(outcomes.map((o) => [o.line, o]));
      for (const row of batch) {
        const o = byLine.get(row.line)!;
        if (o.outcome === "unknown_customer" || o.outcome === "other_customer") {
          // Changed between the check and the write (another import at the same time).
          invoiceError(row, "Numéro d'abonné", `abonné ${row.customer} introuvable au moment de l'écriture : relancez l'import`);
          invoices.rejected++;
          continue;
        }
        invoices[o.outcome]++;
        describeInvoice(row, o);
      }
      progress.advance(batch.length);
    }
  }
  progress.done();
  return finish("written");
}

function sortErrors(list: LineError[]): LineError[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

// Report ----------------------------------------------------------------------------------------

export function formatError(e: LineError): string {
  const where = e.line > 0 ? `${e.file}, ligne ${e.line}` : e.file;
  return `${where}${e.column ? `, colonne « ${e.column} »` : ""} : ${e.message}`;
}

/** The report as French text lines (what the command prints at the end). */
export function formatReport(report: ImportReport, options: { maxChanges?: number } = {}): string[] {
  const out: string[] = [];
  const max = options.maxChanges ?? 500;
  const c = report.customers;
  const i = report.invoices;
  out.push(`Service ${report.service.numcli} — ${report.service.name} (${report.target})`);
  for (const f of report.files) {
    out.push(`  ${f.file} : ${f.kind === "customers" ? "abonnés" : "factures"}, ${f.lines} ligne(s), encodage ${f.encoding}`);
  }
  out.push(`  ${report.pdfCount} PDF trouvé(s)`);
  if (report.errors.length > 0) {
    out.push("", `Erreurs (${report.errors.length}) :`);
    for (const e of report.errors) out.push(`  ${formatError(e)}`);
  }
  if (report.notices.length > 0) {
    out.push("", `À savoir (${report.notices.length}) :`);
    for (const n of report.notices.slice(0, max)) out.push(`  ${formatError(n)}`);
    if (report.notices.length > max) out.push(`  … et ${report.notices.length - max} autre(s)`);
  }
  if (report.changes.length > 0) {
    out.push("", report.mode === "dry-run" ? `Modifications prévues (${report.changes.length}) :` : `Modifications (${report.changes.length}) :`);
    for (const line of report.changes.slice(0, max)) out.push(`  ${line}`);
    if (report.changes.length > max) out.push(`  … et ${report.changes.length - max} autre(s)`);
  }
  out.push("");
  const verb = report.mode === "dry-run" ? "seraient " : "";
  out.push(
    `Abonnés : ${c.created} ${verb}créé(s), ${c.updated} ${verb}modifié(s), ${c.unchanged} inchangé(s), ${c.rejected} rejeté(s)`,
    `Factures : ${i.created} ${verb}créée(s), ${i.updated} ${verb}modifiée(s), ${i.unchanged} inchangée(s), ${i.rejected} rejetée(s)`,
    `PDF : ${report.pdfs.stored} ${report.mode === "dry-run" ? "seraient enregistré(s)" : "enregistré(s)"}, ${report.pdfs.unchanged} déjà à jour`,
  );
  const rejected = c.rejected + i.rejected;
  if (report.mode === "dry-run") {
    out.push("Essai (--dry-run) : rien n'a été écrit dans le portail.");
  } else if (report.mode === "refused") {
    out.push(`Mode strict (--strict) : ${report.errors.length} erreur(s), rien n'a été écrit. Corrigez les lignes ci-dessus puis relancez.`);
  } else if (report.errors.length > 0) {
    out.push(
      `Import partiel : les lignes valides ont été écrites ; ${rejected} ligne(s) rejetée(s) ne l'ont pas été. Corrigez-les puis relancez l'import (les lignes déjà importées resteront inchangées).`,
    );
  } else {
    out.push("Import terminé sans erreur.");
  }
  out.push(`Durée : ${report.seconds.toFixed(1)} s`);
  return out;
}
