/**
 * The import's shared vocabulary: what the caller gives (files, options, a progress sink), what it
 * gets back (the report), and the error that stops an import before anything is written. Every
 * phase module (service.ts, read-files.ts, match-pdfs.ts, plan.ts, write.ts, report.ts) takes and
 * returns these; run.ts chains them.
 */
import type { FileKind, LineError } from "./parse";
import type { ImportService } from "./target";

export interface PdfSource {
  /** Path as shown to staff. */
  name: string;
  read(): Promise<Uint8Array>;
}

export interface ProgressSink {
  start(label: string, total: number, unit: string): void;
  advance(count: number): void;
  done(): void;
}

export const noProgress: ProgressSink = { start() {}, advance() {}, done() {} };

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export const zeroCounts = (): Counts => ({ created: 0, updated: 0, unchanged: 0, rejected: 0 });

export interface FileSummary {
  file: string;
  kind: FileKind;
  encoding: string;
  lines: number;
}

export interface ImportReport {
  service: ImportService;
  target: string;
  files: FileSummary[];
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
  /** « Me prévenir par e-mail »: reminder e-mails written for the new invoices (written mode). */
  reminderEmails?: number;
}

/** An error that stops the whole import before anything is written (French, for staff). */
export class ImportStopped extends Error {
  override name = "ImportStopped";
}

/** A line of a file, as a key: line numbers are per file. */
export function lineKey(e: { file: string; line: number }): string {
  return `${e.file}\u0000${e.line}`;
}

/** An error on a row of a file (a rejected line). */
export function rowError(row: { file: string; line: number }, column: string, message: string): LineError {
  return { file: row.file, line: row.line, column, message };
}
