import type { Rpc } from "../../app/.server/data/rpc";
import { formatEuros } from "../../app/utils/format";
import { PAYMENT_STATUS_LABELS, providerLabel, type PaymentHistoryStatus } from "../../app/utils/payment-status";
import { cliValues, deciderOf, formatTable, parisDateTime, parseOptions, StaffCommandError, valueOf } from "./cli";
import { paymentsToConfirm, reviewPayment, type PaymentToConfirm } from "./staff-rpc";

/**
 * `npm run admin -- paiements a-confirmer [--service <numcli>]`,
 * `paiements confirmer|rejeter <id|refdet> --motif "…" [--par "<nom>"]`: the payments waiting for
 * staff (docs/staff-settings.md, « Paiements à confirmer »). Answers what to print.
 */
export async function paymentsCommand(rpc: Rpc, action: string | undefined, args: string[]): Promise<string> {
  if (action === "a-confirmer") return listCommand(rpc, args);
  if (action === "confirmer" || action === "rejeter") return reviewCommand(rpc, action, args);
  throw new StaffCommandError(
    `Commande non comprise : paiements ${[action, ...args].join(" ")}. Utilisez « paiements a-confirmer », « paiements confirmer <id> --motif "…" » ou « paiements rejeter <id> --motif "…" ».`,
  );
}

async function listCommand(rpc: Rpc, args: string[]): Promise<string> {
  const { options, words } = parseOptions(args, ["service"]);
  if (words.length > 0) throw new StaffCommandError(`Mot en trop : ${words.join(" ")}. Utilisation : npm run admin -- paiements a-confirmer [--service <numcli>].`);
  const numcli = options.service === undefined ? undefined : valueOf(cliValues.numcli, options.service);
  const payments = await paymentsToConfirm(rpc, numcli);
  if (payments.length === 0) return numcli ? `Aucun paiement à confirmer pour le service ${numcli}.` : "Aucun paiement à confirmer.";
  const table = formatTable(
    ["Date", "Identifiant", "Service", "Abonné", "Factures", "Montant", "Prestataire", "refdet", "idop", "Pourquoi"],
    payments.map(paymentRow),
    [5],
  );
  return [
    `${payments.length} paiement(s) à confirmer :`,
    "",
    table,
    "",
    "Vérifiez chacun sur le relevé de la DGFiP (refdet, montant, autorisation), puis :",
    '  npm run admin -- paiements confirmer <identifiant> --motif "…"   (le paiement y figure : factures réglées)',
    '  npm run admin -- paiements rejeter <identifiant> --motif "…"     (il n\'y figure pas : factures de nouveau payables)',
  ].join("\n");
}

function paymentRow(p: PaymentToConfirm): string[] {
  const customers = p.customerNumbers.map((n, i) => (p.customerNames[i] ? `${n} ${p.customerNames[i]}` : n)).join(", ");
  return [
    parisDateTime.format(new Date(p.reportedAt ?? p.startedAt)),
    p.attemptId,
    `${p.numcli} ${p.serviceName}`,
    customers,
    p.invoiceNumbers.join(", "),
    formatEuros(p.amountCents),
    providerLabel(p.provider),
    p.refdet,
    p.idop ?? "—",
    p.reasonLabel + (p.reason === "reported" && p.sourceAddress ? ` (depuis ${p.sourceAddress})` : ""),
  ];
}

async function reviewCommand(rpc: Rpc, action: "confirmer" | "rejeter", args: string[]): Promise<string> {
  const { options, words } = parseOptions(args, ["motif", "par"]);
  const usage = `npm run admin -- paiements ${action} <identifiant|refdet> --motif "…" [--par "<nom>"]`;
  if (words.length === 0) throw new StaffCommandError(`Indiquez le paiement : ${usage}.`);
  if (words.length > 1) throw new StaffCommandError(`Un seul paiement à la fois, et le motif après --motif, entre guillemets : ${usage}.`);
  const ref = valueOf(cliValues.paymentRef, words[0]);
  const reason = valueOf(cliValues.reason, options.motif ?? "");
  const by = deciderOf(options.par);
  const attemptId = await attemptIdOf(rpc, ref);
  const decision = action === "confirmer" ? "confirm" : "reject";
  const done = await reviewPayment(rpc, decision, attemptId, by, reason);
  if (done.outcome === "unknown") throw new StaffCommandError(`Paiement ${ref} inconnu : « npm run admin -- paiements a-confirmer » affiche les paiements à confirmer.`);
  if (done.outcome === "not_reported") {
    const decided = done.reviewed_by ? `décision de ${done.reviewed_by}${done.reviewed_at ? ` le ${parisDateTime.format(new Date(done.reviewed_at))}` : ""}` : "";
    if ((decision === "confirm" && done.status === "paid") || (decision === "reject" && done.status === "rejected")) {
      return `Rien à faire : le paiement ${ref} est déjà ${decision === "confirm" ? "réglé" : "rejeté"}${decided ? ` (${decided})` : ""}.`;
    }
    const label = PAYMENT_STATUS_LABELS[done.status as PaymentHistoryStatus] ?? done.status;
    const hint =
      done.status === "pending" || done.status === "abandoned"
        ? " : il attend encore la réponse du prestataire, que le rapprochement automatique demande (npm run payments:reconcile)"
        : " : sa décision est déjà prise, elle ne se change pas ici";
    throw new StaffCommandError(`Le paiement ${ref} n'est pas à confirmer (état : ${label}${decided ? `, ${decided}` : ""})${hint}.`);
  }
  return decision === "confirm"
    ? `Paiement ${attemptId} confirmé par ${by} : ses factures sont réglées ; l'usager reçoit son justificatif par courriel.`
    : `Paiement ${attemptId} rejeté par ${by} : ses factures peuvent de nouveau être payées.`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An identifier as is; a refdet through the list (only a payment to confirm can be named by it). */
async function attemptIdOf(rpc: Rpc, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref.toLowerCase();
  const found = (await paymentsToConfirm(rpc, undefined)).find((p) => p.refdet === ref);
  if (!found) {
    throw new StaffCommandError(
      `Aucun paiement à confirmer n'a la référence ${ref} : « npm run admin -- paiements a-confirmer » les affiche (un paiement déjà confirmé ou rejeté n'y figure plus).`,
    );
  }
  return found.attemptId;
}
