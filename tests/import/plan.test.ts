import { describe, expect, it } from "vitest";
import type { HashedPdf } from "~/.server/import/match-pdfs";
import { noProgress } from "~/.server/import/model";
import { checkAgainstPortal, choosePdfsToStore, planLines, plannedOutcomes } from "~/.server/import/plan";
import { customerOutcome, customerRow, invoiceOutcome, invoiceRow, pdfSource, scriptedTarget } from "./phase-helpers";

const hashed = (...numbers: string[]) => new Map<string, HashedPdf>(numbers.map((n) => [n, { source: pdfSource(`${n}.pdf`), sha256: `sha-${n}` }]));

describe("planLines (phase 4, asks the portal)", () => {
  it("asks in dry-run mode, per file and batch, with each invoice's PDF key and hash, and maps outcomes by number", async () => {
    const { target, calls } = scriptedTarget({ invoices: (r) => ({ outcome: r.number === "F-2" ? "updated" : "created" }) });
    const invoices = [invoiceRow("F-1", 2), invoiceRow("F-2", 3), invoiceRow("F-3", 4), invoiceRow("G-1", 2, "A1", "autres.csv")];
    const plan = await planLines(target, "004200", { customers: [customerRow("A1", 2)], invoices }, hashed("F-1"), 2, noProgress);
    expect(calls.map((c) => [c.kind, "dryRun" in c && c.dryRun, "rows" in c && c.rows.map((r) => r.line)])).toEqual([
      ["customers", true, [2]],
      ["invoices", true, [2, 3]],
      ["invoices", true, [4]],
      ["invoices", true, [2]],
    ]);
    const sent = calls[1]!.kind === "invoices" ? calls[1]!.rows : [];
    expect(sent[0]).toEqual({
      line: 2, customer: "A1", number: "F-1", issued_on: "2024-01-15", due_on: "2024-02-15", amount_cents: 1250, object: "Eau", status: "unpaid",
      pdf_key: "004200/F-1.pdf", pdf_sha256: "sha-F-1",
    });
    expect(sent[1]).toMatchObject({ number: "F-2", pdf_key: null, pdf_sha256: null });
    expect(plan.invoices.get("F-2")).toMatchObject({ line: 3, outcome: "updated" });
    expect(plan.invoices.get("G-1")).toMatchObject({ line: 2, outcome: "created" });
    expect(plan.customers.get("A1")).toMatchObject({ outcome: "created" });
  });
});

describe("checkAgainstPortal (phase 4, from the outcomes alone)", () => {
  const plan = new Map([
    ["F-1", invoiceOutcome("F-1", 2, { outcome: "other_customer" })],
    ["F-2", invoiceOutcome("F-2", 3, { outcome: "unknown_customer" })],
    ["F-3", invoiceOutcome("F-3", 4, { outcome: "unknown_customer" })],
    ["F-4", invoiceOutcome("F-4", 5, { outcome: "created" })],
    ["F-5", invoiceOutcome("F-5", 6, { outcome: "unchanged", has_pdf: true })],
    ["F-6", invoiceOutcome("F-6", 7, { outcome: "updated", has_pdf: false })],
    ["F-7", invoiceOutcome("F-7", 8, { outcome: "unknown_customer" })],
  ]);
  const rows = [
    invoiceRow("F-1", 2, "A1"),
    invoiceRow("F-2", 3, "INCONNU"),
    invoiceRow("F-3", 4, "NOUVEAU"),
    invoiceRow("F-4", 5),
    invoiceRow("F-5", 6),
    invoiceRow("F-6", 7),
    invoiceRow("F-7", 8, "NOUVEAU"),
  ];

  it("rejects another customer's invoice, an unknown customer's, and an invoice left without a PDF", () => {
    const errors = checkAgainstPortal(rows, plan, new Set(["NOUVEAU"]), hashed("F-3"));
    expect(errors).toEqual([
      {
        file: "factures.csv", line: 2, column: "Numéro d'abonné",
        message: "la facture F-1 existe déjà dans le portail pour un autre abonné que A1 : vérifiez le numéro d'abonné",
      },
      {
        file: "factures.csv", line: 3, column: "Numéro d'abonné",
        message: "abonné INCONNU inconnu du portail et absent des lignes valides du fichier des abonnés : ajoutez-le (ou corrigez sa ligne) au fichier des abonnés",
      },
      {
        file: "factures.csv", line: 5, column: "Numéro de facture",
        message: "PDF de la facture F-4 introuvable : ajoutez au dossier un fichier PDF dont le nom contient ce numéro (ex. F-4.pdf)",
      },
      expect.objectContaining({ line: 7, message: expect.stringContaining("PDF de la facture F-6 introuvable") }),
      expect.objectContaining({ line: 8, message: expect.stringContaining("PDF de la facture F-7 introuvable") }),
    ]);
  });
});

describe("choosePdfsToStore and plannedOutcomes (phase 4)", () => {
  it("stores a PDF the portal lacks or has with another hash, counts the same one as unchanged", () => {
    const plan = new Map([
      ["F-1", invoiceOutcome("F-1", 2, { outcome: "unchanged", has_pdf: true, current_pdf_sha256: "sha-F-1" })],
      ["F-2", invoiceOutcome("F-2", 3, { outcome: "updated", has_pdf: true, current_pdf_sha256: "ancien" })],
      ["F-3", invoiceOutcome("F-3", 4)],
      ["F-4", invoiceOutcome("F-4", 5, { outcome: "unchanged", has_pdf: true, current_pdf_sha256: "sha-F-4" })],
    ]);
    const rows = ["F-1", "F-2", "F-3", "F-4"].map((n, i) => invoiceRow(n, i + 2));
    const chosen = choosePdfsToStore(rows, plan, hashed("F-1", "F-2", "F-3"));
    expect(chosen.toStore.map((r) => r.number)).toEqual(["F-2", "F-3"]);
    expect(chosen.unchanged).toBe(1);
  });

  it("reports a new customer's invoice as created, in the rows' order", () => {
    const plan = {
      customers: new Map([["A1", customerOutcome("A1", 2, { outcome: "unchanged" })]]),
      invoices: new Map([
        ["F-2", invoiceOutcome("F-2", 3, { outcome: "unknown_customer", kept: [] })],
        ["F-1", invoiceOutcome("F-1", 2, { outcome: "updated", changed: ["amount"] })],
      ]),
    };
    const planned = plannedOutcomes([customerRow("A1", 2)], [invoiceRow("F-1", 2), invoiceRow("F-2", 3)], plan);
    expect(planned.customers.map(([r, o]) => [r.number, o.outcome])).toEqual([["A1", "unchanged"]]);
    expect(planned.invoices.map(([r, o]) => [r.number, o.outcome, o.changed])).toEqual([
      ["F-1", "updated", ["amount"]],
      ["F-2", "created", []],
    ]);
  });
});
