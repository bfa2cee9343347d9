/**
 * `npm run admin -- rattachements | rattachements annuler <id> --motif "<raison>" [--par "<nom>"]`:
 * the manual contract links of « Rattacher un contrat » on the embedded default, listed from
 * portal.staff_contract_links and undone with public.staff_unlink_contract as service_role
 * (supabase/migrations/20261205090100_contract_links.sql; with Supabase, the SQL of
 * docs/staff-settings.md). French messages: staff read them.
 */
import { AdminError } from "../app/.server/embedded/admin";
import type { Database } from "../app/.server/embedded/database";

export interface ContractLinkRow {
  linkId: string;
  linkedAt: Date;
  serviceName: string;
  numcli: string;
  customerNumber: string;
  customerName: string;
  accountEmail: string;
  undone: boolean;
  undoneAt: Date | null;
  undoneBy: string | null;
  undoReason: string | null;
  current: boolean;
}

/** Every manual link, newest first. */
export async function listContractLinks(db: Database): Promise<ContractLinkRow[]> {
  const { rows } = await db.asService((tx) =>
    tx.query<{
      link_id: string; linked_at: Date; service_name: string; numcli: string; customer_number: string; customer_name: string;
      account_email: string; undone: boolean; undone_at: Date | null; undone_by: string | null; undo_reason: string | null; current: boolean;
    }>("select * from portal.staff_contract_links"),
  );
  return rows.map((r) => ({
    linkId: r.link_id,
    linkedAt: r.linked_at,
    serviceName: r.service_name,
    numcli: r.numcli,
    customerNumber: r.customer_number,
    customerName: r.customer_name,
    accountEmail: r.account_email,
    undone: r.undone,
    undoneAt: r.undone_at,
    undoneBy: r.undone_by,
    undoReason: r.undo_reason,
    current: r.current,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const OUTCOMES: Record<string, string | null> = {
  undone: null,
  unknown: "Rattachement inconnu : « npm run admin -- rattachements » affiche leurs identifiants.",
  already_undone: "Ce rattachement est déjà annulé.",
  email_match:
    "Ce rattachement n'est pas annulé : le compte porte l'adresse mail du contrat, qui lui serait aussitôt rattaché de nouveau. Corrigez l'adresse mail du contrat dans le logiciel de facturation, puis importez-la.",
};

/** Undoes a manual link, recording who and why; the customer record goes back to the automatic e-mail rule. */
export async function undoContractLink(db: Database, id: string, by: string, reason: string): Promise<void> {
  if (!UUID.test(id.trim())) throw new AdminError(`Identifiant de rattachement illisible (${id}) : « npm run admin -- rattachements » les affiche.`);
  if (by.trim() === "" || by.trim().length > 200) throw new AdminError("Indiquez qui annule (200 caractères au plus).");
  if (reason.trim() === "" || reason.trim().length > 1000) throw new AdminError('Indiquez le motif de l\'annulation (1 000 caractères au plus) : --motif "…".');
  const { rows } = await db.asService((tx) =>
    tx.query<{ r: { outcome: string } }>("select public.staff_unlink_contract($1::uuid, $2, $3) as r", [id.trim(), reason.trim(), by.trim()]),
  );
  const problem = OUTCOMES[rows[0]!.r.outcome];
  if (problem !== null) throw new AdminError(problem ?? `Réponse inattendue : ${rows[0]!.r.outcome}.`);
}

const paris = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "short" });

/** The list as staff read it. */
export function formatContractLinks(rows: ContractLinkRow[]): string {
  if (rows.length === 0) return "Aucun contrat rattaché à la main.";
  return rows
    .map((r) =>
      [
        `${r.linkId}  rattaché le ${paris.format(r.linkedAt)}${r.undone ? `  — ANNULÉ le ${paris.format(r.undoneAt!)} par ${r.undoneBy} (${r.undoReason})` : r.current ? "" : "  — le contrat n'est plus rattaché à ce compte"}`,
        `  service ${r.numcli} (${r.serviceName}), contrat n° ${r.customerNumber} (${r.customerName}), compte ${r.accountEmail}`,
      ].join("\n"),
    )
    .join("\n");
}

/** `rattachements [annuler <id> --motif "…"]`; `by`: who runs it (--par, else the system user). Returns the exit code. */
export async function contractLinksCommand(db: Database, args: string[], by: string): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined) {
    const rows = await listContractLinks(db);
    console.log(formatContractLinks(rows));
    if (rows.some((r) => r.current)) console.log('\nPour en annuler un : npm run admin -- rattachements annuler <id> --motif "raison"');
    return 0;
  }
  const at = rest.indexOf("--motif");
  // `annuler <id> --motif "…"` or `annuler --motif "…" <id>`.
  if (action === "annuler" && rest.length === 3 && (at === 0 || at === 1)) {
    const reason = rest[at + 1] ?? "";
    const id = rest.find((_, i) => i !== at && i !== at + 1) ?? "";
    await undoContractLink(db, id, by, reason);
    console.log(`Rattachement ${id} annulé par ${by} : le compte ne voit plus les factures de ce contrat.`);
    return 0;
  }
  console.error('Commande non comprise. Utilisation : npm run admin -- rattachements   ou   npm run admin -- rattachements annuler <id> --motif "raison"');
  return 2;
}
