/**
 * Phase 6 of the import (run.ts): counts, changes and notices from each line's outcome, the
 * report, and the report as French text (what the command prints at the end).
 */
import { zeroCounts, type Counts, type ImportReport } from "./model";
import type { CustomerRow, InvoiceRow, InvoiceStatus, LineError } from "./parse";
import type { CountedInvoiceOutcome } from "./plan";
import type { CustomerOutcome } from "./target";

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

export interface Tally {
  customers: Counts;
  invoices: Counts;
  changes: string[];
  /** Values an export may not change (paid or treasury invoice). */
  notices: LineError[];
}

/** Counts each line's outcome and describes, in French, what changes and what an export may not change. */
export function tally(customerLines: Array<[CustomerRow, CustomerOutcome]>, invoiceLines: Array<[InvoiceRow, CountedInvoiceOutcome]>): Tally {
  const out: Tally = { customers: zeroCounts(), invoices: zeroCounts(), changes: [], notices: [] };
  for (const [row, o] of customerLines) {
    out.customers[o.outcome]++;
    if (o.outcome !== "updated") continue;
    const email = o.changed.includes("email") ? ` (nouvelle adresse ${row.email} : le compte correspondant y est relié)` : "";
    out.changes.push(`${row.file} ligne ${row.line} : abonné ${row.number} — ${fields(o.changed)} modifié(s)${email}`);
  }
  for (const [row, o] of invoiceLines) {
    out.invoices[o.outcome]++;
    if (o.outcome === "updated") {
      const status = o.changed.includes("status") && o.current_status ? ` (${STATUS_FR[o.current_status]} → ${STATUS_FR[row.status]})` : "";
      out.changes.push(`${row.file} ligne ${row.line} : facture ${row.number} — ${fields(o.changed)} modifié(s)${status}`);
    }
    if (o.kept.length > 0 && o.current_status) out.notices.push({ file: row.file, line: row.line, message: keptMessage(row, o) });
  }
  return out;
}

function keptMessage(row: InvoiceRow, o: CountedInvoiceOutcome): string {
  const what = fields(o.kept);
  if (o.current_status === "paid") {
    return o.paid_on_portal
      ? `facture ${row.number} payée sur le portail : elle reste réglée, ${what} non modifié(s) (l'export, sans doute plus ancien, la dit « ${STATUS_FR[row.status]} »)`
      : `facture ${row.number} déjà réglée dans le portail : elle reste réglée, ${what} non modifié(s)`;
  }
  return `facture ${row.number} en trésorerie : ${what} non modifié(s) (seule la mention « réglée » peut encore la changer)`;
}

/** By file, then line; the order found otherwise. */
export function sortErrors(list: LineError[]): LineError[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

export function formatError(e: LineError): string {
  const where = e.line > 0 ? `${e.file}, ligne ${e.line}` : e.file;
  return `${where}${e.column ? `, colonne « ${e.column} »` : ""} : ${e.message}`;
}

/** The report as French text lines (what the command prints at the end). */
export function formatReport(report: ImportReport, options: { maxChanges?: number } = {}): string[] {
  const max = options.maxChanges ?? 500;
  const out: string[] = [`Service ${report.service.numcli} — ${report.service.name} (${report.target})`];
  for (const f of report.files) {
    out.push(`  ${f.file} : ${f.kind === "customers" ? "abonnés" : "factures"}, ${f.lines} ligne(s), encodage ${f.encoding}`);
  }
  out.push(`  ${report.pdfCount} PDF trouvé(s)`);
  if (report.errors.length > 0) {
    out.push("", `Erreurs (${report.errors.length}) :`);
    for (const e of report.errors) out.push(`  ${formatError(e)}`);
  }
  out.push(...section(`À savoir (${report.notices.length}) :`, report.notices.map(formatError), max));
  const changesTitle = report.mode === "dry-run" ? "Modifications prévues" : "Modifications";
  out.push(...section(`${changesTitle} (${report.changes.length}) :`, report.changes, max));
  out.push("", ...totals(report), conclusion(report), `Durée : ${report.seconds.toFixed(1)} s`);
  return out;
}

/** A titled list of at most `max` lines, nothing when empty. */
function section(title: string, lines: string[], max: number): string[] {
  if (lines.length === 0) return [];
  const out = ["", title, ...lines.slice(0, max).map((l) => `  ${l}`)];
  if (lines.length > max) out.push(`  … et ${lines.length - max} autre(s)`);
  return out;
}

function totals(report: ImportReport): string[] {
  const c = report.customers;
  const i = report.invoices;
  const verb = report.mode === "dry-run" ? "seraient " : "";
  return [
    `Abonnés : ${c.created} ${verb}créé(s), ${c.updated} ${verb}modifié(s), ${c.unchanged} inchangé(s), ${c.rejected} rejeté(s)`,
    `Factures : ${i.created} ${verb}créée(s), ${i.updated} ${verb}modifiée(s), ${i.unchanged} inchangée(s), ${i.rejected} rejetée(s)`,
    `PDF : ${report.pdfs.stored} ${report.mode === "dry-run" ? "seraient enregistré(s)" : "enregistré(s)"}, ${report.pdfs.unchanged} déjà à jour`,
    ...(report.reminderEmails === undefined
      ? []
      : [`Courriels « nouvelles factures » : ${report.reminderEmails} écrit(s), pour les usagers qui ont demandé à être prévenus`]),
  ];
}

function conclusion(report: ImportReport): string {
  if (report.mode === "dry-run") return "Essai (--dry-run) : rien n'a été écrit dans le portail.";
  if (report.mode === "refused") {
    return `Mode strict (--strict) : ${report.errors.length} erreur(s), rien n'a été écrit. Corrigez les lignes ci-dessus puis relancez.`;
  }
  if (report.errors.length === 0) return "Import terminé sans erreur.";
  const rejected = report.customers.rejected + report.invoices.rejected;
  return `Import partiel : les lignes valides ont été écrites ; ${rejected} ligne(s) rejetée(s) ne l'ont pas été. Corrigez-les puis relancez l'import (les lignes déjà importées resteront inchangées).`;
}
