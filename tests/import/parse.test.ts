import { describe, expect, it } from "vitest";
import { decodeText, parseCsv } from "~/.server/import/csv";
import {
  parseCustomersFile,
  parseFrenchAmount,
  parseFrenchDate,
  parseInvoicesFile,
  parseStatus,
} from "~/.server/import/parse";
import { numbersInFileName } from "~/.server/import/pdfs";
import { encodeWindows1252 } from "~/.server/import/windows-1252";

const utf8 = (text: string) => new TextEncoder().encode(text);
const withBom = (text: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);

const INVOICE_HEADER = "Numéro d'abonné;Numéro de facture;Date;Échéance;Montant;Objet;Statut";
const invoices = (...lines: string[]) => parseInvoicesFile({ name: "factures.csv", bytes: utf8([INVOICE_HEADER, ...lines].join("\r\n")) });

describe("encodings", () => {
  it("reads Windows-1252 (accents, œ, €) and says which encoding it found", () => {
    const bytes = encodeWindows1252("Nom;Objet\r\nDubœuf Hélène;Redevance 12 €\r\n");
    expect(bytes.includes(0xe9)).toBe(true); // é is one byte: really not UTF-8
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe("windows-1252");
    expect(decoded.text).toContain("Dubœuf Hélène;Redevance 12 €");
  });

  it("reads UTF-8 with and without BOM, the BOM not leaking into the first column's name", () => {
    expect(decodeText(withBom("Numéro d'abonné;Nom")).encoding).toBe("utf-8 (BOM)");
    expect(decodeText(withBom("Numéro d'abonné;Nom")).text).toBe("Numéro d'abonné;Nom");
    expect(decodeText(utf8("Numéro;Nom"))).toEqual({ text: "Numéro;Nom", encoding: "utf-8" });
    const parsed = parseCustomersFile({ name: "a.csv", bytes: withBom("Numéro d'abonné;Nom;E-mail\r\nA1;Zoë;\r\n") });
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]).toMatchObject({ number: "A1", name: "Zoë", email: null, paper: null });
  });

  it("gives the same rows from a Windows-1252 and a UTF-8 export of the same sheet", () => {
    const text = "Numéro d'abonné;Nom;E-mail;Facture papier\r\nRIV1;Hélène Lefèvre;Helene@Exemple.fr;non\r\n";
    const a = parseCustomersFile({ name: "x.csv", bytes: encodeWindows1252(text) });
    const b = parseCustomersFile({ name: "x.csv", bytes: withBom(text) });
    expect(a.rows).toEqual(b.rows);
    expect(a.rows[0]).toMatchObject({ name: "Hélène Lefèvre", email: "helene@exemple.fr", paper: false });
  });
});

describe("CSV structure", () => {
  it("keeps a ; and doubled quotes inside a quoted cell, and counts lines of multi-line cells", () => {
    const { records } = parseCsv('a;b;c\r\n"x; y";"dit ""oui""";z\r\n"deux\nlignes";2;3\r\nfin;4;5\r\n');
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ["a", "b", "c"]],
      [2, ["x; y", 'dit "oui"', "z"]],
      [3, ["deux\nlignes", "2", "3"]],
      [5, ["fin", "4", "5"]],
    ]);
  });

  it("detects a tab or comma separator from the header, ; by default", () => {
    expect(parseCsv("a\tb\n1\t2").separator).toBe("\t");
    expect(parseCsv("a,b\n1,2").separator).toBe(",");
    expect(parseCsv("a;b\n1,5;2").separator).toBe(";");
  });

  it("ignores extra columns and blank lines, finds columns by name in any order, accents and case aside", () => {
    const parsed = parseInvoicesFile({
      name: "f.csv",
      bytes: utf8("STATUT;Commentaire;montant;N° facture;date;ECHEANCE;N° abonné\n\nréglée;rien;10,5;F-1;01/02/2024;01/03/2024;A1\n;;;;;;\n"),
    });
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      { file: "f.csv", line: 3, customer: "A1", number: "F-1", issuedOn: "2024-02-01", dueOn: "2024-03-01", amountCents: 1050, object: "", status: "paid" },
    ]);
  });

  it("rejects the whole file, naming the column, when a required column is missing", () => {
    const parsed = parseInvoicesFile({ name: "f.csv", bytes: utf8("Numéro d'abonné;Numéro de facture;Date;Échéance;Statut\nA1;F-1;01/02/2024;01/03/2024;réglée\n") });
    expect(parsed.rows).toEqual([]);
    expect(parsed.unusable).toBe(true);
    expect(parsed.errors).toEqual([
      expect.objectContaining({ file: "f.csv", line: 1, column: "Montant", message: expect.stringContaining("colonne « Montant » absente") }),
    ]);
  });
});

describe("values, each bad one with file, line, column and a French reason", () => {
  it("reads decimal commas, thousands separators and the euro sign into cents", () => {
    for (const [text, cents] of [["243,11", 24311], ["1 243,11", 124311], ["1\u202f243,1", 124310], ["1.234,56 €", 123456], ["120", 12000], ["0,05", 5]] as const) {
      expect(parseFrenchAmount(text), text).toEqual({ ok: true, cents });
    }
  });

  it("refuses negative, blank and unreadable amounts", () => {
    const result = invoices("A1;F-1;01/02/2024;01/03/2024;-12,00;;non réglée", "A1;F-2;01/02/2024;01/03/2024;;;non réglée", "A1;F-3;01/02/2024;01/03/2024;12.50;;non réglée", "A1;F-4;01/02/2024;01/03/2024;1,234;;non réglée");
    expect(result.rows).toEqual([]);
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([[2, "Montant"], [3, "Montant"], [4, "Montant"], [5, "Montant"]]);
    expect(result.errors[0]!.message).toMatch(/^montant négatif \(-12,00\)/);
    expect(result.errors[1]!.message).toMatch(/^montant manquant/);
    expect(result.errors[2]!.message).toContain("la virgule sépare les centimes");
  });

  it("refuses dates that do not exist or are not dd/mm/yyyy, and a due date before the date", () => {
    expect(parseFrenchDate("10/07/2017")).toEqual({ ok: true, iso: "2017-07-10" });
    expect(parseFrenchDate("29/02/2024")).toEqual({ ok: true, iso: "2024-02-29" });
    const result = invoices("A1;F-1;31/02/2024;01/03/2024;1,00;;réglée", "A1;F-2;2024-02-01;01/03/2024;1,00;;réglée", "A1;F-3;10/03/2024;01/03/2024;1,00;;réglée");
    expect(result.errors.map((e) => [e.file, e.line, e.column])).toEqual([
      ["factures.csv", 2, "Date"],
      ["factures.csv", 3, "Date"],
      ["factures.csv", 4, "Échéance"],
    ]);
    expect(result.errors[0]!.message).toContain("« 31/02/2024 » inexistante");
    expect(result.errors[1]!.message).toContain("jj/mm/aaaa");
    expect(result.errors[2]!.message).toContain("antérieure à la date");
  });

  it("knows the three statuses, however they are written, and refuses others", () => {
    expect(parseStatus("Non réglée")).toEqual({ ok: true, status: "unpaid" });
    expect(parseStatus("REGLEE")).toEqual({ ok: true, status: "paid" });
    expect(parseStatus("en trésorerie")).toEqual({ ok: true, status: "treasury" });
    const result = invoices("A1;F-1;01/02/2024;01/03/2024;1,00;;annulée");
    expect(result.errors).toEqual([
      { file: "factures.csv", line: 2, column: "Statut", message: "statut « annulée » inconnu : indiquez « non réglée », « réglée » ou « trésorerie »" },
    ]);
  });

  it("reports a duplicate invoice number with the line of the first one, and keeps the first", () => {
    const result = invoices("A1;F-1;01/02/2024;01/03/2024;1,00;;réglée", "A2;F-2;01/02/2024;01/03/2024;1,00;;réglée", "A3;F-1;01/02/2024;01/03/2024;2,00;;réglée");
    expect(result.rows.map((r) => r.line)).toEqual([2, 3]);
    expect(result.errors).toEqual([
      expect.objectContaining({ line: 4, column: "Numéro de facture", message: expect.stringContaining("F-1 en double dans le fichier (déjà ligne 2)") }),
    ]);
  });

  it("refuses an invoice number that cannot be a PDF file name", () => {
    const result = invoices("A1;2024/001;01/02/2024;01/03/2024;1,00;;réglée", "A1;../x;01/02/2024;01/03/2024;1,00;;réglée");
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([[2, "Numéro de facture"], [3, "Numéro de facture"]]);
  });

  it("checks customers: number, name, e-mail, paper flag, duplicates", () => {
    const parsed = parseCustomersFile({
      name: "abonnes.csv",
      bytes: utf8("Numéro d'abonné;Nom;E-mail;Facture papier\nA1;Un;UN@EXEMPLE.FR ;oui\n;Deux;;\nA3;;a3@exemple.fr;non\nA4;Quatre;pas-une-adresse;\nA5;Cinq;;peut-être\nA1;Encore;;\n"),
    });
    expect(parsed.rows).toEqual([{ file: "abonnes.csv", line: 2, number: "A1", name: "Un", email: "un@exemple.fr", paper: true }]);
    expect(parsed.errors.map((e) => [e.line, e.column])).toEqual([
      [3, "Numéro d'abonné"],
      [4, "Nom"],
      [5, "E-mail"],
      [6, "Facture papier"],
      [7, "Numéro d'abonné"],
    ]);
  });
});

describe("PDF file names", () => {
  it("find the invoice number alone or among words separated by spaces or underscores", () => {
    expect(numbersInFileName("2017-020-002059.pdf")).toContain("2017-020-002059");
    expect(numbersInFileName("pdf/Facture_2017-020-002059.PDF")).toContain("2017-020-002059");
    expect(numbersInFileName("FAC 2017-020-002059 SISTEC560.pdf")).toContain("2017-020-002059");
    expect(numbersInFileName("Facture2017-020-002059.pdf")).not.toContain("2017-020-002059");
  });
});
