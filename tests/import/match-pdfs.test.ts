import { describe, expect, it } from "vitest";
import { matchPdfs, readPdfs } from "~/.server/import/match-pdfs";
import { noProgress } from "~/.server/import/model";
import { sha256Hex } from "~/.server/import/pdfs";
import { invoiceRow, pdfSource } from "./phase-helpers";

describe("matchPdfs (phase 3, by name)", () => {
  const rows = [invoiceRow("2024-1", 2), invoiceRow("2024-10", 3), invoiceRow("2024-2", 4)];

  it("gives each invoice the PDF whose name carries its number, the longest number when several match", () => {
    const match = matchPdfs([pdfSource("pdf/Facture_2024-1.pdf"), pdfSource("pdf/2024-1 2024-10.pdf")], rows, new Set());
    expect([...match.matched].map(([number, m]) => [number, m.row.line, m.source.name])).toEqual([
      ["2024-1", 2, "pdf/Facture_2024-1.pdf"],
      ["2024-10", 3, "pdf/2024-1 2024-10.pdf"],
    ]);
    expect(match.errors).toEqual([]);
    expect(match.notices).toEqual([]);
  });

  it("rejects an invoice with several PDFs, naming them, and keeps none of them", () => {
    const match = matchPdfs([pdfSource("a/2024-2.pdf"), pdfSource("b/FAC_2024-2.pdf"), pdfSource("2024-1.pdf")], rows, new Set());
    expect([...match.matched.keys()]).toEqual(["2024-1"]);
    expect(match.errors).toEqual([
      {
        file: "factures.csv",
        line: 4,
        column: "Numéro de facture",
        message: "plusieurs PDF pour la facture 2024-2 (a/2024-2.pdf, b/FAC_2024-2.pdf) : n'en gardez qu'un dans le dossier",
      },
    ]);
  });

  it("notices a PDF of no invoice, but not one of an invoice whose line is rejected (already reported)", () => {
    const match = matchPdfs([pdfSource("pdf/2023-9.pdf"), pdfSource("pdf/2024-7.pdf")], rows, new Set(["2024-7"]));
    expect(match.matched.size).toBe(0);
    expect(match.notices).toEqual([
      { file: "pdf/2023-9.pdf", line: 0, message: "PDF ignoré : son nom ne contient le numéro d'aucune facture des fichiers importés" },
    ]);
  });
});

describe("readPdfs (phase 3, contents)", () => {
  it("hashes each PDF, read once; rejects an empty file or one that is not a PDF on its invoice's line", async () => {
    const good = pdfSource("2024-1.pdf");
    const empty = pdfSource("2024-10.pdf", new Uint8Array());
    const html = pdfSource("2024-2.pdf", new TextEncoder().encode("<html>"));
    const read = await readPdfs(
      [
        { row: invoiceRow("2024-1", 2), source: good },
        { row: invoiceRow("2024-10", 3), source: empty },
        { row: invoiceRow("2024-2", 4), source: html },
      ],
      2,
      noProgress,
    );
    expect([...read.hashed]).toEqual([["2024-1", { source: good, sha256: await sha256Hex(good.bytes) }]]);
    expect(good.reads).toBe(1);
    expect(read.errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [3, "Numéro de facture", "le fichier 2024-10.pdf n'est pas un PDF (fichier vide) : remplacez-le par le PDF de la facture"],
      [4, "Numéro de facture", "le fichier 2024-2.pdf n'est pas un PDF (contenu d'un autre type) : remplacez-le par le PDF de la facture"],
    ]);
  });
});
