import { createRetention, runPurge, type PurgeSummary } from "../retention";
import { createReminders } from "../data/reminders";
import { runDueReminders, type ReminderRunSummary } from "../reminders";
import type { Database } from "./database";
import { createEmbeddedRpc } from "./rpc";

/**
 * Staff settings of the embedded default (`npm run admin`), where there is no Supabase
 * dashboard: the same columns staff edit in the dashboard with Supabase (docs/staff-settings.md),
 * written as service_role in one transaction each. French messages: staff read them.
 */
export class AdminError extends Error {
  override name = "AdminError";
}

export interface Settings {
  announcement: string | null;
  welcomeMessage: string;
  services: Array<{ numcli: string; name: string; paymentSuspended: boolean }>;
}

export async function readSettings(db: Database): Promise<Settings> {
  return db.asService(async (tx) => {
    const s = await tx.query<{ announcement: string | null; welcome_message: string }>(
      "select announcement, welcome_message from portal.portal_settings where id",
    );
    const services = await tx.query<{ numcli: string; name: string; payment_suspended: boolean }>(
      "select numcli, name, payment_suspended from portal.services order by numcli",
    );
    return {
      announcement: s.rows[0]?.announcement ?? null,
      welcomeMessage: s.rows[0]?.welcome_message ?? "",
      services: services.rows.map((r) => ({ numcli: r.numcli, name: r.name, paymentSuspended: r.payment_suspended })),
    };
  });
}

export async function setAnnouncement(db: Database, text: string | null): Promise<void> {
  const value = text === null || text.trim() === "" ? null : text.trim();
  if (value && value.length > 2000) throw new AdminError(`Annonce trop longue (${value.length} caractères, 2 000 au plus) : raccourcissez-la.`);
  await db.asService((tx) => tx.query("update portal.portal_settings set announcement = $1 where id", [value]));
}

export async function setWelcomeMessage(db: Database, text: string): Promise<void> {
  await db.asService((tx) => tx.query("update portal.portal_settings set welcome_message = $1 where id", [text.trim()]));
}

export async function setPaymentSuspended(db: Database, numcli: string, suspended: boolean): Promise<void> {
  const { rows } = await db.asService((tx) =>
    tx.query("update portal.services set payment_suspended = $2 where numcli = $1 returning numcli", [numcli, suspended]),
  );
  if (rows.length === 0) throw new AdminError(`Service ${numcli} inconnu : « npm run admin -- services » affiche les services existants.`);
}

export async function addService(db: Database, numcli: string, name: string): Promise<"created" | "renamed"> {
  if (!/^\d{6}$/.test(numcli)) throw new AdminError("L'identifiant du service (numcli TIPI/PayFiP) compte 6 chiffres, ex. 004200.");
  if (name.trim() === "" || name.trim().length > 200) throw new AdminError("Indiquez le nom du service (200 caractères au plus).");
  const { rows } = await db.asService((tx) =>
    tx.query<{ created: boolean }>(
      `insert into portal.services (numcli, name) values ($1, $2)
       on conflict (numcli) do update set name = excluded.name
       returning (xmax = 0) as created`,
      [numcli, name.trim()],
    ),
  );
  return rows[0]!.created ? "created" : "renamed";
}

/**
 * Sets (or, with null, clears) a service's postal address, printed under its name on the yearly
 * payment certificates (supabase/migrations/20261204090200_payment_certificates.sql).
 */
export async function setServiceAddress(db: Database, numcli: string, address: string | null): Promise<void> {
  const value = address === null ? null : address.replace(/\r\n?/g, "\n").trim();
  if (value !== null && (value === "" || value.length > 300)) {
    throw new AdminError("Indiquez l'adresse postale du service (300 caractères au plus ; \\n : nouvelle ligne).");
  }
  const { rows } = await db.asService((tx) =>
    tx.query("update portal.services set postal_address = $2 where numcli = $1 returning id", [numcli, value]),
  );
  if (rows.length === 0) throw new AdminError(`Service ${numcli} inconnu : « npm run admin -- services » affiche les services existants.`);
}

/* ------------------------------------------------------------- reported payments to confirm */

/** A payment reported but not verified (portal.staff_payments_to_confirm), for staff to check on DGFiP's statement. */
export interface ReportedPayment {
  attemptId: string;
  reportedAt: Date;
  serviceName: string;
  numcli: string;
  refdet: string;
  amountCents: number;
  numauto: string | null;
  transactionAt: Date | null;
  invoiceNumbers: string[];
  customerNumbers: string[];
  /** The address the "paid" came from (not one of DGFiP's). */
  sourceAddress: string | null;
}

export async function listReportedPayments(db: Database): Promise<ReportedPayment[]> {
  const { rows } = await db.asService((tx) =>
    tx.query<{
      attempt_id: string; reported_at: Date; service_name: string; numcli: string; refdet: string; amount_cents: number | string;
      numauto: string | null; transaction_at: Date | null; invoice_numbers: string[]; customer_numbers: string[]; source_address: string | null;
    }>("select * from portal.staff_payments_to_confirm"),
  );
  return rows.map((r) => ({
    attemptId: r.attempt_id,
    reportedAt: r.reported_at,
    serviceName: r.service_name,
    numcli: r.numcli,
    refdet: r.refdet,
    amountCents: Number(r.amount_cents),
    numauto: r.numauto,
    transactionAt: r.transaction_at,
    invoiceNumbers: r.invoice_numbers,
    customerNumbers: r.customer_numbers,
    sourceAddress: r.source_address,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The attempt named by its id or its refdet (the reference on DGFiP's statement). */
async function attemptIdOf(db: Database, ref: string): Promise<string> {
  const value = ref.trim();
  const { rows } = await db.asService((tx) =>
    tx.query<{ id: string }>(
      UUID.test(value) ? "select id from portal.payment_attempts where id = $1::uuid" : "select id from portal.payment_attempts where refdet = $1",
      [value],
    ),
  );
  if (!rows[0]) throw new AdminError(`Paiement ${value} inconnu : « npm run admin -- paiements a-confirmer » affiche les paiements à confirmer (identifiant ou référence refdet).`);
  return rows[0].id;
}

async function review(db: Database, fn: "confirm" | "reject", ref: string, by: string, reason: string): Promise<string> {
  if (by.trim() === "" || by.trim().length > 200) throw new AdminError("Indiquez qui décide (200 caractères au plus).");
  if (reason.trim() === "" || reason.trim().length > 1000) throw new AdminError("Indiquez la raison de la décision (1 000 caractères au plus), entre guillemets.");
  const id = await attemptIdOf(db, ref);
  const { rows } = await db.asService((tx) =>
    tx.query<{ r: { outcome: string; status?: string } }>(`select public.${fn}_reported_payment($1, $2, $3) as r`, [id, by.trim(), reason.trim()]),
  );
  const outcome = rows[0]!.r;
  if (outcome.outcome === "not_reported") {
    throw new AdminError(`Le paiement ${ref.trim()} n'est pas un paiement signalé à confirmer (état : ${outcome.status}).`);
  }
  if (outcome.outcome !== "confirmed" && outcome.outcome !== "rejected") throw new AdminError(`Paiement ${ref.trim()} inconnu.`);
  return id;
}

/** Staff saw the payment on DGFiP's statement: the attempt and its invoices become paid. Returns the attempt id. */
export function confirmReportedPayment(db: Database, ref: string, by: string, reason: string): Promise<string> {
  return review(db, "confirm", ref, by, reason);
}

/** No such payment on DGFiP's statement: the invoices are payable again. Returns the attempt id. */
export function rejectReportedPayment(db: Database, ref: string, by: string, reason: string): Promise<string> {
  return review(db, "reject", ref, by, reason);
}

/**
 * `npm run admin -- purge [--dry-run]`: the retention purge now, as the server's daily job runs
 * it (app/.server/retention.ts), as the service role. A dry run counts and deletes nothing.
 */
export function purgeNow(db: Database, dryRun: boolean): Promise<PurgeSummary> {
  return runPurge({ retention: createRetention(createEmbeddedRpc(db, { role: "service_role" })) }, { dryRun });
}

/** `npm run admin -- rappels [--dry-run]`: the reminder job once (the portal's timer sends the e-mails). */
export function remindersNow(db: Database, dryRun: boolean): Promise<ReminderRunSummary & { dryRun: boolean }> {
  return runDueReminders({ reminders: createReminders(createEmbeddedRpc(db, { role: "service_role" })) }, { dryRun });
}

/** The purge's categories, in French, for staff (keys of public.purge_expired's "deleted"). */
export const PURGE_CATEGORIES: Record<string, string> = {
  login_throttle: "tentatives de connexion",
  auth_mail_throttle: "limites d'envoi des liens (activation, mot de passe oublié)",
  contact_throttle: "limites du formulaire de contact public",
  auth_links: "liens d'activation et de mot de passe non utilisés",
  sessions: "sessions terminées",
  sent_mails: "courriels envoyés",
  contact_messages: "messages au service",
  paper_optout_requests: "demandes d'arrêt de la facture papier",
  payment_attempts: "paiements (avec leurs lignes et leur journal)",
  unmatched_payment_events: "résultats de paiement sans paiement connu",
};
