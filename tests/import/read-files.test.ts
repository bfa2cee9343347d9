import { describe, expect, it } from "vitest";
import { ImportStopped, lineKey, noProgress } from "~/.server/import/model";
import { readFiles } from "~/.server/import/read-files";
import { CUSTOMERS_HEADER, INVOICES_HEADER } from "./helpers";

const csv = (name: string, ...lines: string[]) => ({ name, bytes: new TextEncoder().encode(lines.join("\r\n") + "\r\n") });
const invoiceLine = (customer: string, number: string) => `${customer};${number};15/01/2024;15/02/2024;12,50;Eau;non réglée`;

describe("readFiles (phase 2)", () => {
  it("recognises each file, keeps the first row of each number across files and rejects later ones", () => {
    const read = readFiles(
      [
        csv("a/abonnes.csv", CUSTOMERS_HEADER, "A1;Un;;", "A2;Deux;;"),
        csv("a/factures.csv", INVOICES_HEADER, invoiceLine("A1", "F-1"), invoiceLine("A1", "F-2")),
        csv("b/abonnes.csv", CUSTOMERS_HEADER, "A2;Deux bis;;", "A3;Trois;;"),
        csv("b/factures.csv", INVOICES_HEADER, invoiceLine("A3", "F-2"), invoiceLine("A3", "F-3")),
      ],
      noProgress,
    );
    expect(read.files).toEqual([
      { file: "a/abonnes.csv", kind: "customers", encoding: "utf-8", lines: 2 },
      { file: "a/factures.csv", kind: "invoices", encoding: "utf-8", lines: 2 },
      { file: "b/abonnes.csv", kind: "customers", encoding: "utf-8", lines: 2 },
      { file: "b/factures.csv", kind: "invoices", encoding: "utf-8", lines: 2 },
    ]);
    expect(read.customers.rows.map((r) => [r.file, r.number, r.name])).toEqual([
      ["a/abonnes.csv", "A1", "Un"],
      ["a/abonnes.csv", "A2", "Deux"],
      ["b/abonnes.csv", "A3", "Trois"],
    ]);
    expect(read.invoices.rows.map((r) => [r.file, r.number])).toEqual([
      ["a/factures.csv", "F-1"],
      ["a/factures.csv", "F-2"],
      ["b/factures.csv", "F-3"],
    ]);
    expect(read.errors).toEqual([
      {
        file: "b/abonnes.csv",
        line: 2,
        column: "Numéro d'abonné",
        message: "numéro d'abonné A2 en double (déjà dans a/abonnes.csv ligne 3) : gardez une seule ligne par abonné",
      },
      {
        file: "b/factures.csv",
        line: 2,
        column: "Numéro de facture",
        message: "facture F-2 en double (déjà dans a/factures.csv ligne 3) : gardez une seule ligne par facture",
      },
    ]);
    expect([...read.customers.rejected]).toEqual([lineKey({ file: "b/abonnes.csv", line: 2 })]);
    expect([...read.invoices.rejected]).toEqual([lineKey({ file: "b/factures.csv", line: 2 })]);
    expect([...read.invoices.mentioned].sort()).toEqual(["F-1", "F-2", "F-3"]);
  });

  it("counts the lines of an unusable file apart, and the lines with errors of a usable one once each", () => {
    const read = readFiles(
      [
        csv("sans-montant.csv", "Numéro d'abonné;Numéro de facture;Date;Échéance;Statut", "A1;F-1;15/01/2024;15/02/2024;réglée", "A1;F-2;15/01/2024;15/02/2024;réglée"),
        csv("factures.csv", INVOICES_HEADER, "A1;F-3;31/02/2024;;;;annulée", invoiceLine("A1", "F-4")),
        csv("notes.csv", "Couleur;Taille", "bleu;12"),
      ],
      noProgress,
    );
    expect(read.invoices.unusable).toBe(2);
    expect([...read.invoices.rejected]).toEqual([lineKey({ file: "factures.csv", line: 2 })]);
    expect(read.invoices.rows.map((r) => r.number)).toEqual(["F-4"]);
    // A PDF named after any of them is not "of no invoice": its line is reported already.
    expect(read.invoices.mentioned).toEqual(new Set(["F-1", "F-2", "F-3", "F-4"]));
    expect(read.errors.map((e) => [e.file, e.line, e.column])).toEqual([
      ["sans-montant.csv", 1, "Montant"],
      ["factures.csv", 2, "Date"],
      ["factures.csv", 2, "Échéance"],
      ["factures.csv", 2, "Montant"],
      ["factures.csv", 2, "Statut"],
      ["notes.csv", 1, undefined],
    ]);
    expect(read.files.map((f) => f.file)).toEqual(["sans-montant.csv", "factures.csv"]);
  });

  it("stops when there is no CSV file at all, and reports progress per file", () => {
    const seen: string[] = [];
    const progress = { start: (label: string, total: number) => seen.push(`${label} ${total}`), advance: (n: number) => seen.push(`+${n}`), done: () => seen.push("fin") };
    expect(() => readFiles([], progress)).toThrow(new ImportStopped("Aucun fichier CSV à importer : indiquez un dossier ou des fichiers .csv."));
    readFiles([csv("abonnes.csv", CUSTOMERS_HEADER, "A1;Un;;")], progress);
    expect(seen).toEqual(["Lecture des fichiers 0", "fin", "Lecture des fichiers 1", "+1", "fin"]);
  });
});
