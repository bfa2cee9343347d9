import { describe, expect, it } from "vitest";
import { zeroCounts, type ImportReport } from "~/.server/import/model";
import type { InvoiceRow } from "~/.server/import/parse";
import type { CountedInvoiceOutcome } from "~/.server/import/plan";
import { formatReport, sortErrors, tally } from "~/.server/import/report";
import { customerOutcome, customerRow, invoiceOutcome, invoiceRow } from "./phase-helpers";

const counted = (o: ReturnType<typeof invoiceOutcome>) => o as CountedInvoiceOutcome;

describe("tally (phase 6)", () => {
  it("counts outcomes and describes updates in French", () => {
    const changedEmail = { ...customerRow("A2", 3), email: "nouvelle@exemple.fr" };
    const t = tally(
      [
        [customerRow("A1", 2), customerOutcome("A1", 2, { outcome: "created" })],
        [changedEmail, customerOutcome("A2", 3, { outcome: "updated", changed: ["name", "email"] })],
      ],
      [
        [invoiceRow("F-1", 2), counted(invoiceOutcome("F-1", 2, { outcome: "updated", changed: ["status", "amount"], current_status: "paid" }))],
        [invoiceRow("F-2", 3), counted(invoiceOutcome("F-2", 3, { outcome: "unchanged" }))],
      ],
    );
    expect(t.customers).toEqual({ created: 1, updated: 1, unchanged: 0, rejected: 0 });
    expect(t.invoices).toEqual({ created: 0, updated: 1, unchanged: 1, rejected: 0 });
    expect(t.changes).toEqual([
      "abonnes.csv ligne 3 : abonné A2 — nom, e-mail modifié(s) (nouvelle adresse nouvelle@exemple.fr : le compte correspondant y est relié)",
      "factures.csv ligne 2 : facture F-1 — statut, montant modifié(s) (réglée → non réglée)",
    ]);
    expect(t.notices).toEqual([]);
  });

  it("says what an export may not change: invoice paid on the portal, already paid, in treasury", () => {
    const kept = (number: string, line: number, fields: Parameters<typeof invoiceOutcome>[2]): [InvoiceRow, CountedInvoiceOutcome] => [
      invoiceRow(number, line),
      counted(invoiceOutcome(number, line, { outcome: "unchanged", kept: ["status", "amount"], ...fields })),
    ];
    const t = tally([], [
      kept("F-1", 2, { current_status: "paid", paid_on_portal: true }),
      kept("F-2", 3, { current_status: "paid" }),
      kept("F-3", 4, { current_status: "treasury" }),
    ]);
    expect(t.notices.map((n) => [n.line, n.message])).toEqual([
      [2, "facture F-1 payée sur le portail : elle reste réglée, statut, montant non modifié(s) (l'export, sans doute plus ancien, la dit « non réglée »)"],
      [3, "facture F-2 déjà réglée dans le portail : elle reste réglée, statut, montant non modifié(s)"],
      [4, "facture F-3 en trésorerie : statut, montant non modifié(s) (seule la mention « réglée » peut encore la changer)"],
    ]);
  });
});

describe("sortErrors and formatReport", () => {
  const report = (fields: Partial<ImportReport>): ImportReport => ({
    service: { numcli: "004200", name: "Régie des eaux" },
    target: "base intégrée (.data)",
    files: [{ file: "factures.csv", kind: "invoices", encoding: "utf-8", lines: 3 }],
    pdfCount: 2,
    errors: [],
    notices: [],
    changes: [],
    customers: zeroCounts(),
    invoices: zeroCounts(),
    pdfs: { stored: 0, unchanged: 0 },
    mode: "written",
    seconds: 1.24,
    ...fields,
  });

  it("sorts by file then line, keeping the order found otherwise", () => {
    const e = (file: string, line: number, message: string) => ({ file, line, message });
    expect(sortErrors([e("b", 1, "1"), e("a", 3, "2"), e("a", 3, "3"), e("a", 0, "4")]).map((x) => x.message)).toEqual(["4", "2", "3", "1"]);
  });

  it("prints the whole report of a partial import", () => {
    const text = formatReport(
      report({
        errors: [{ file: "factures.csv", line: 3, column: "Date", message: "date manquante" }],
        notices: [{ file: "pdf/x.pdf", line: 0, message: "PDF ignoré" }],
        changes: ["un", "deux", "trois"],
        invoices: { created: 1, updated: 3, unchanged: 0, rejected: 1 },
        pdfs: { stored: 1, unchanged: 0 },
      }),
      { maxChanges: 2 },
    );
    expect(text).toEqual([
      "Service 004200 — Régie des eaux (base intégrée (.data))",
      "  factures.csv : factures, 3 ligne(s), encodage utf-8",
      "  2 PDF trouvé(s)",
      "",
      "Erreurs (1) :",
      "  factures.csv, ligne 3, colonne « Date » : date manquante",
      "",
      "À savoir (1) :",
      "  pdf/x.pdf : PDF ignoré",
      "",
      "Modifications (3) :",
      "  un",
      "  deux",
      "  … et 1 autre(s)",
      "",
      "Abonnés : 0 créé(s), 0 modifié(s), 0 inchangé(s), 0 rejeté(s)",
      "Factures : 1 créée(s), 3 modifiée(s), 0 inchangée(s), 1 rejetée(s)",
      "PDF : 1 enregistré(s), 0 déjà à jour",
      "Import partiel : les lignes valides ont été écrites ; 1 ligne(s) rejetée(s) ne l'ont pas été. Corrigez-les puis relancez l'import (les lignes déjà importées resteront inchangées).",
      "Durée : 1.2 s",
    ]);
  });

  it("ends with what each mode did", () => {
    const last = (r: ImportReport) => formatReport(r).slice(-5);
    expect(last(report({ mode: "dry-run", changes: ["x"], pdfs: { stored: 2, unchanged: 1 } }))).toEqual([
      "Abonnés : 0 seraient créé(s), 0 seraient modifié(s), 0 inchangé(s), 0 rejeté(s)",
      "Factures : 0 seraient créée(s), 0 seraient modifiée(s), 0 inchangée(s), 0 rejetée(s)",
      "PDF : 2 seraient enregistré(s), 1 déjà à jour",
      "Essai (--dry-run) : rien n'a été écrit dans le portail.",
      "Durée : 1.2 s",
    ]);
    expect(formatReport(report({ mode: "dry-run", changes: ["x"] }))).toContain("Modifications prévues (1) :");
    const refused = report({ mode: "refused", errors: [{ file: "f.csv", line: 2, message: "m" }] });
    expect(formatReport(refused).at(-2)).toBe("Mode strict (--strict) : 1 erreur(s), rien n'a été écrit. Corrigez les lignes ci-dessus puis relancez.");
    expect(formatReport(report({})).at(-2)).toBe("Import terminé sans erreur.");
  });

  it("counts the « nouvelles factures » e-mails an import wrote, when it wrote any", () => {
    expect(formatReport({ ...report({}), reminderEmails: 3 }).slice(-3)).toEqual([
      "Courriels « nouvelles factures » : 3 écrit(s), pour les usagers qui ont demandé à être prévenus",
      "Import terminé sans erreur.",
      "Durée : 1.2 s",
    ]);
    expect(formatReport(report({})).join("\n")).not.toContain("Courriels");
  });
});
