/**
 * The import, from files to a report, as a chain of phases (each in its module, each with plain
 * inputs and outputs): select the service (service.ts) → read and check every file (read-files.ts)
 * → match, read and hash the PDFs (match-pdfs.ts) → ask the portal what each valid line would do,
 * the SQL functions in dry-run mode (plan.ts) → unless it is a dry run, or `strict` with errors,
 * write customers, the PDFs that changed, then invoices (write.ts) → report (report.ts).
 * Web-standard code: file access is the caller's (PdfSource.read).
 */
import { lineKey, noProgress, type ImportReport, type PdfSource, type ProgressSink } from "./model";
import { matchPdfs, readPdfs } from "./match-pdfs";
import type { CsvInput, InvoiceRow, LineError } from "./parse";
import { checkAgainstPortal, choosePdfsToStore, planLines, plannedOutcomes } from "./plan";
import { readFiles } from "./read-files";
import { sortErrors, tally, type Tally } from "./report";
import { selectService } from "./service";
import type { ImportTarget } from "./target";
import { writeAll } from "./write";

export { ImportStopped, type Counts, type ImportReport, type PdfSource, type ProgressSink } from "./model";
export { formatError, formatReport } from "./report";

export interface ImportInput {
  csv: CsvInput[];
  pdfs: PdfSource[];
}

export interface ImportOptions {
  numcli?: string;
  dryRun?: boolean;
  strict?: boolean;
  batchSize?: number;
  pdfConcurrency?: number;
  progress?: ProgressSink;
}

export async function runImport(target: ImportTarget, input: ImportInput, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const progress = options.progress ?? noProgress;
  const batchSize = options.batchSize ?? 1000;
  const service = selectService(await target.services(), options.numcli);
  const numcli = service.numcli;
  const read = readFiles(input.csv, progress);
  const errors = [...read.errors];
  // Invoice lines rejected so far: each phase's errors are on invoice lines.
  const rejected = new Set(read.invoices.rejected);
  const reject = (list: LineError[]) => {
    for (const e of list) {
      errors.push(e);
      rejected.add(lineKey(e));
    }
  };
  const isValid = (row: InvoiceRow) => !rejected.has(lineKey(row));

  const match = matchPdfs(input.pdfs, read.invoices.rows, read.invoices.mentioned);
  reject(match.errors);
  const pdfRead = await readPdfs([...match.matched.values()].filter(({ row }) => isValid(row)), options.pdfConcurrency ?? 16, progress);
  reject(pdfRead.errors);
  const pdfs = pdfRead.hashed;

  const customers = read.customers.rows.filter((row) => !read.customers.rejected.has(lineKey(row)));
  const candidates = read.invoices.rows.filter(isValid);
  // Customer lines cannot fail against the portal: their plan only feeds the dry run's report.
  const plan = await planLines(target, numcli, { customers: options.dryRun ? customers : [], invoices: candidates }, pdfs, batchSize, progress);
  reject(checkAgainstPortal(candidates, plan.invoices, new Set(read.customers.rows.map((r) => r.number)), pdfs));
  const invoices = candidates.filter(isValid);
  const { toStore, unchanged } = choosePdfsToStore(invoices, plan.invoices, pdfs);

  const report = (mode: ImportReport["mode"], outcome: Tally, stored: number, lateErrors: LineError[] = []): ImportReport => ({
    service,
    target: target.description,
    files: read.files,
    pdfCount: input.pdfs.length,
    errors: sortErrors([...errors, ...lateErrors]),
    notices: sortErrors([...match.notices, ...outcome.notices]),
    changes: outcome.changes,
    customers: { ...outcome.customers, rejected: read.customers.rejected.size + read.customers.unusable },
    invoices: { ...outcome.invoices, rejected: rejected.size + read.invoices.unusable + lateErrors.length },
    pdfs: { stored, unchanged },
    mode,
    seconds: (performance.now() - started) / 1000,
  });
  if (options.strict && errors.length > 0) return report("refused", tally([], []), 0);
  if (options.dryRun) {
    const planned = plannedOutcomes(customers, invoices, plan);
    return report("dry-run", tally(planned.customers, planned.invoices), toStore.length);
  }
  const lines = { customers, invoices, pdfsToStore: toStore };
  const written = await writeAll(target, numcli, lines, pdfs, { batchSize, pdfConcurrency: options.pdfConcurrency ?? 8, progress });
  const reminderEmails = await queueReminders(target);
  return { ...report("written", tally(written.customers, written.invoices), written.pdfsStored, written.errors), reminderEmails };
}

/**
 * Right after the batches: the « nouvelle facture » e-mails of the residents who asked for them
 * (app/.server/ports/reminders.ts). Idempotent, so a failure here only delays them to the next
 * import; it never fails an import whose lines are written.
 */
async function queueReminders(target: ImportTarget): Promise<number> {
  if (!target.queueNewInvoiceNotices) return 0;
  try {
    return (await target.queueNewInvoiceNotices()).emails;
  } catch (error) {
    console.error("import: the reminder e-mails of the new invoices could not be written; the next import writes them", error);
    return 0;
  }
}
