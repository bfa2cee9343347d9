/**
 * The exports' test world (tests/exports/): the seeded PGlite, payments made paid through the
 * portal's own rule (portal.mark_payment_attempt_paid, as every payment path does), paper opt-out
 * requests, and the SQL export functions called as the service role.
 */
import type { Database } from "~/.server/embedded/database";
import { createEmbeddedRpc } from "~/.server/embedded/rpc";
import type { Rpc } from "~/.server/data/rpc";
import type { ExportAnswer } from "../../scripts/export/kinds";
import { testDatabase } from "../support/database";

/** Seed invoices (supabase/seed.sql): unpaid, of Famille Paiement (004200, PayFiP; 004281, classic TIPI). */
export const INVOICES = {
  payfip1: "1a000000-0000-4000-8000-000000000101",
  payfip2: "1a000000-0000-4000-8000-000000000102",
  payfip3: "1a000000-0000-4000-8000-000000000103",
  payfip4: "1a000000-0000-4000-8000-000000000104",
  tipi1: "1a000000-0000-4000-8000-000000000201",
  tipi2: "1a000000-0000-4000-8000-000000000202",
} as const;

/**
 * The seeded database with an empty export ledger: whatever the demo data settles (its own paid
 * attempts, opt-outs) is not part of these tests, which count every line they make.
 */
export async function exportsDatabase(): Promise<Database> {
  const db = await testDatabase();
  await db.pg.exec("delete from portal.payment_export_lines; delete from portal.paper_export_lines;");
  return db;
}

let counter = 0;

/** A pending attempt on `invoiceIds` (one service), as start_payment leaves it; its id. */
export async function startAttempt(db: Database, invoiceIds: string[]): Promise<string> {
  counter++;
  const { rows } = await db.pg.query<{ id: string }>(
    `insert into portal.payment_attempts (service_id, account_id, refdet, idop, amount_cents, provider, numcli, saisie)
     select s.id, 'd0000000-0000-4000-8000-000000000010', 'EXPTEST' || lpad($2::text, 6, '0'),
            case when s.payment_provider = 'payfip_ws' then 'idop-export-' || $2::text end,
            (select sum(i.amount_cents) from portal.invoices i where i.id = any ($1::uuid[])),
            s.payment_provider, s.numcli, s.saisie
     from portal.services s where s.id = (select i.service_id from portal.invoices i where i.id = ($1::uuid[])[1])
     returning id`,
    [invoiceIds, counter],
  );
  const id = rows[0]!.id;
  await db.pg.query(
    `insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
     select $1, i.id, i.amount_cents from portal.invoices i where i.id = any ($2::uuid[])`,
    [id, invoiceIds],
  );
  return id;
}

/** The attempt paid at `at` (DGFiP's time of transaction), as every payment path makes it paid. */
export async function settle(db: Database, attemptId: string, at: string, numauto = `AUTO${attemptId.slice(0, 4)}`): Promise<void> {
  await db.pg.query("select portal.mark_payment_attempt_paid($1, 'P', $2, $3)", [attemptId, numauto, at]);
}

export async function pay(db: Database, invoiceIds: string[], at: string): Promise<string> {
  const id = await startAttempt(db, invoiceIds);
  await settle(db, id, at);
  return id;
}

/** A paper opt-out request of a seed customer at `at`. */
export async function optOut(db: Database, customerId: string, at: string): Promise<void> {
  await db.pg.query("insert into portal.paper_optout_requests (customer_id, requested_at) values ($1, $2)", [customerId, at]);
}

export interface ExportArgs {
  p_kind?: never;
  p_numcli?: string;
  p_from?: string;
  p_to?: string;
  p_dry_run?: boolean;
  p_by?: string;
}

export function serviceRpc(db: Database): Rpc {
  return createEmbeddedRpc(db, { role: "service_role" });
}

export async function exportPayments(db: Database, args: ExportArgs = {}): Promise<ExportAnswer> {
  return (await serviceRpc(db).call("export_for_billing", { p_kind: "payments", ...args })) as unknown as ExportAnswer;
}

export async function exportPaper(db: Database, args: ExportArgs = {}): Promise<ExportAnswer> {
  return (await serviceRpc(db).call("export_for_billing", { p_kind: "paper", ...args })) as unknown as ExportAnswer;
}

export const invoiceNumbers = (answer: ExportAnswer) => (answer.lines ?? []).map((l) => l.invoice_number);
