/**
 * Phase 2 of the import (run.ts): read and check every CSV file (nothing written). Each file is
 * recognised by its header, parsed and checked line by line (parse.ts); a customer or an invoice
 * number met again in a later file is an error on the later line.
 */
import { ImportStopped, lineKey, rowError, type FileSummary, type ProgressSink } from "./model";
import { classifyCsv, parseCustomersFile, parseInvoicesFile, type CsvInput, type CustomerRow, type InvoiceRow, type LineError, type ParsedFile } from "./parse";

export interface RowsRead<R> {
  /** The first row of each number, across files, in file order. */
  rows: R[];
  /** Lines (lineKey) with an error, in files that could be read. */
  rejected: Set<string>;
  /** Lines of files that cannot be read at all (a required column is missing). */
  unusable: number;
}

export interface FilesRead {
  files: FileSummary[];
  errors: LineError[];
  customers: RowsRead<CustomerRow>;
  /** `mentioned`: every invoice number written in a file, rejected lines included. */
  invoices: RowsRead<InvoiceRow> & { mentioned: Set<string> };
}

const DUPLICATE = {
  customers: {
    column: "Numéro d'abonné",
    message: (number: string, earlier: { file: string; line: number }) =>
      `numéro d'abonné ${number} en double (déjà dans ${earlier.file} ligne ${earlier.line}) : gardez une seule ligne par abonné`,
  },
  invoices: {
    column: "Numéro de facture",
    message: (number: string, earlier: { file: string; line: number }) =>
      `facture ${number} en double (déjà dans ${earlier.file} ligne ${earlier.line}) : gardez une seule ligne par facture`,
  },
};

export function readFiles(csv: CsvInput[], progress: ProgressSink): FilesRead {
  const read: FilesRead = {
    files: [],
    errors: [],
    customers: { rows: [], rejected: new Set(), unusable: 0 },
    invoices: { rows: [], rejected: new Set(), unusable: 0, mentioned: new Set() },
  };
  const customersByNumber = new Map<string, CustomerRow>();
  const invoicesByNumber = new Map<string, InvoiceRow>();
  progress.start("Lecture des fichiers", csv.length, "fichiers");
  for (const input of csv) {
    const kind = classifyCsv(input);
    if ("error" in kind) {
      read.errors.push(kind.error);
    } else if (kind.kind === "customers") {
      addFile(read, read.customers, parseCustomersFile(input), customersByNumber);
    } else {
      const parsed = parseInvoicesFile(input);
      for (const number of parsed.mentioned) read.invoices.mentioned.add(number);
      addFile(read, read.invoices, parsed, invoicesByNumber);
    }
    progress.advance(1);
  }
  progress.done();
  if (csv.length === 0) throw new ImportStopped("Aucun fichier CSV à importer : indiquez un dossier ou des fichiers .csv.");
  return read;
}

/** Adds a parsed file's summary, errors and rows (the first row of each number) to `read`. */
function addFile<R extends { file: string; line: number; number: string }>(
  read: FilesRead,
  into: RowsRead<R>,
  parsed: ParsedFile<R>,
  byNumber: Map<string, R>,
): void {
  read.files.push({ file: parsed.file, kind: parsed.kind, encoding: parsed.encoding, lines: parsed.lineCount });
  read.errors.push(...parsed.errors);
  if (parsed.unusable) into.unusable += parsed.lineCount;
  else for (const e of parsed.errors) if (e.line > 0) into.rejected.add(lineKey(e));
  const duplicate = DUPLICATE[parsed.kind];
  for (const row of parsed.rows) {
    const earlier = byNumber.get(row.number);
    if (earlier) {
      read.errors.push(rowError(row, duplicate.column, duplicate.message(row.number, earlier)));
      into.rejected.add(lineKey(row));
      continue;
    }
    byNumber.set(row.number, row);
    into.rows.push(row);
  }
}
