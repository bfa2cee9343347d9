/**
 * The two exports (docs/export.md): the kind of lines each asks public.export_for_billing for
 * (the same call on both backends, over the service role's Rpc), the file's French column names and
 * how an answered line becomes a row of cells. The lines come ordered by SQL
 * (supabase/migrations/20261206090000_exports.sql).
 */
import { callJson, type Rpc } from "../../app/.server/data/rpc";
import { decimalComma } from "./csv";
import type { ExportOptions } from "./options";

export type ExportKind = "paiements" | "papier";

/** What the SQL function answers. */
export interface ExportAnswer {
  outcome: "ok" | "unknown_service";
  run_id?: number | null;
  previous_at?: string | null;
  lines?: Record<string, string | number>[];
}

interface ExportDefinition {
  /** export_runs.kind, the function's p_kind. */
  sqlKind: "payments" | "paper";
  command: string;
  /** "12 paiement(s) de facture" etc. */
  noun: string;
  header: readonly string[];
  /** The answered line's keys, in the header's order (amount_cents formatted). */
  keys: readonly string[];
}

export const EXPORTS: Record<ExportKind, ExportDefinition> = {
  paiements: {
    sqlKind: "payments",
    command: "npm run export:payments",
    noun: "facture(s) réglée(s) en ligne",
    header: [
      "Service",
      "Numéro d'abonné",
      "Numéro de facture",
      "Référence du paiement",
      "Montant",
      "Date du paiement",
      "Heure du paiement",
      "Prestataire",
      "Référence de la transaction",
      "Numéro d'autorisation",
      "Statut",
    ],
    keys: ["numcli", "customer_number", "invoice_number", "refdet", "amount_cents", "paid_on", "paid_time", "provider", "transaction_ref", "numauto", "status"],
  },
  papier: {
    sqlKind: "paper",
    command: "npm run export:papier",
    noun: "demande(s) d'arrêt de la facture papier",
    header: ["Service", "Nom du service", "Numéro d'abonné", "Nom", "Date de la demande", "Heure de la demande", "Facture papier"],
    keys: ["numcli", "service_name", "customer_number", "name", "requested_on", "requested_time", "paper"],
  },
};

export function rowOf(kind: ExportKind, line: Record<string, string | number>): string[] {
  return EXPORTS[kind].keys.map((key) => {
    const value = line[key];
    if (key === "amount_cents") return decimalComma(Number(value));
    return value === undefined || value === null ? "" : String(value);
  });
}

/** One call: the lines of this export (claimed and recorded unless a dry run or a period). */
export async function callExport(rpc: Rpc, kind: ExportKind, options: ExportOptions, by: string): Promise<ExportAnswer> {
  const fn = "export_for_billing";
  const answer = await callJson<ExportAnswer>(rpc, fn, {
    p_kind: EXPORTS[kind].sqlKind,
    ...(options.numcli ? { p_numcli: options.numcli } : {}),
    ...(options.from ? { p_from: options.from } : {}),
    ...(options.to ? { p_to: options.to } : {}),
    ...(options.dryRun ? { p_dry_run: true } : {}),
    ...(options.from || options.dryRun ? {} : { p_by: by }),
  });
  const readable =
    answer.outcome === "unknown_service" ||
    (answer.outcome === "ok" && Array.isArray(answer.lines) && answer.lines.every((l) => typeof l === "object" && l !== null));
  if (!readable) throw rpc.answerError(fn, `answered ${JSON.stringify(answer).slice(0, 200)}`);
  return answer;
}
