/**
 * Phase 3 of the import (run.ts): each PDF goes to the invoice whose number its file name carries
 * (pdfs.ts), then the matched PDFs are read, checked to be PDFs and hashed (nothing written).
 */
import { pool } from "./batches";
import { rowError, type PdfSource, type ProgressSink } from "./model";
import type { InvoiceRow, LineError } from "./parse";
import { looksLikePdf, numbersInFileName, sha256Hex } from "./pdfs";

export interface PdfMatch {
  /** Invoice number → its row and its only PDF. */
  matched: Map<string, { row: InvoiceRow; source: PdfSource }>;
  /** Invoices with several PDFs (their lines are rejected). */
  errors: LineError[];
  /** PDFs whose name carries no invoice number of the files. */
  notices: LineError[];
}

export interface HashedPdf {
  source: PdfSource;
  sha256: string;
}

/**
 * Matches PDFs to `invoices` by the number in their name (the longest when several match). A PDF
 * of a number that is only `mentioned` (its line is rejected, and reported) is passed over silently.
 */
export function matchPdfs(pdfs: PdfSource[], invoices: InvoiceRow[], mentioned: Set<string>): PdfMatch {
  const byNumber = new Map(invoices.map((row) => [row.number, row]));
  const found = new Map<string, PdfSource[]>();
  const notices: LineError[] = [];
  for (const pdf of pdfs) {
    const candidates = numbersInFileName(pdf.name);
    const matches = candidates.filter((n) => byNumber.has(n));
    if (matches.length === 0) {
      if (candidates.some((n) => mentioned.has(n))) continue;
      notices.push({ file: pdf.name, line: 0, message: "PDF ignoré : son nom ne contient le numéro d'aucune facture des fichiers importés" });
      continue;
    }
    const number = matches.reduce((a, b) => (b.length > a.length ? b : a));
    found.set(number, [...(found.get(number) ?? []), pdf]);
  }
  const matched: PdfMatch["matched"] = new Map();
  const errors: LineError[] = [];
  for (const [number, list] of found) {
    const row = byNumber.get(number)!;
    if (list.length === 1) matched.set(number, { row, source: list[0]! });
    else {
      errors.push(
        rowError(row, "Numéro de facture", `plusieurs PDF pour la facture ${number} (${list.map((p) => p.name).join(", ")}) : n'en gardez qu'un dans le dossier`),
      );
    }
  }
  return { matched, errors, notices };
}

/** Reads each PDF once, `concurrency` at a time: its hash, or an error on its invoice's line. */
export async function readPdfs(
  toRead: Array<{ row: InvoiceRow; source: PdfSource }>,
  concurrency: number,
  progress: ProgressSink,
): Promise<{ hashed: Map<string, HashedPdf>; errors: LineError[] }> {
  const hashed = new Map<string, HashedPdf>();
  const errors: LineError[] = [];
  progress.start("Lecture des PDF", toRead.length, "PDF");
  await pool(toRead, concurrency, async ({ row, source }) => {
    const bytes = await source.read();
    if (!looksLikePdf(bytes)) {
      const what = bytes.length === 0 ? "fichier vide" : "contenu d'un autre type";
      errors.push(rowError(row, "Numéro de facture", `le fichier ${source.name} n'est pas un PDF (${what}) : remplacez-le par le PDF de la facture`));
    } else {
      hashed.set(row.number, { source, sha256: await sha256Hex(bytes) });
    }
    progress.advance(1);
  });
  progress.done();
  return { hashed, errors };
}
