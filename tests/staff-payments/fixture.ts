import type { Database } from "~/.server/embedded/database";
import { SEED } from "../support/database";

/**
 * Payment attempts in every state the staff list must tell apart, written as the database owner
 * (the states the payment functions reach; their paths are tests/db/payments.test.ts's). Each
 * attempt covers an invoice of its own, of the demo resident in service 004200 (PayFiP), else of
 * the service's first customer.
 */
export interface AttemptSpec {
  status: "pending" | "paid" | "refused" | "abandoned" | "expired" | "error" | "reported" | "rejected";
  provider?: "payfip_ws" | "tipi";
  idop?: string | null;
  /** When it started, minutes ago; its window ends 20 (PayFiP) or 30 (TIPI) minutes later. */
  startedMinutesAgo: number;
  /** Events logged on it, `minutesAgo` each. */
  events?: { kind: string; minutesAgo: number }[];
  numcli?: string;
}

let next = 0;

/** Creates the attempt and an unpaid invoice of its own; answers both ids and the refdet. */
export async function attempt(db: Database, spec: AttemptSpec): Promise<{ id: string; invoiceId: string; refdet: string }> {
  next++;
  const provider = spec.provider ?? "payfip_ws";
  const refdet = `STAFF${String(next).padStart(4, "0")}${Math.floor(Math.random() * 1e6)}`;
  const numcli = spec.numcli ?? "004200";
  const { rows: invoice } = await db.pg.query<{ id: string }>(
    `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object)
     select s.id, c.id, $2, date '2026-10-01', date '2026-10-31', 1250, 'Eau potable'
     from portal.services s
     join lateral (select c.id from portal.customers c where c.service_id = s.id order by c.id <> $3, c.id limit 1) c on true
     where s.numcli = $1 returning id`,
    [numcli, `STAFF-${refdet}`, SEED.demoCustomerId],
  );
  const { rows } = await db.pg.query<{ id: string }>(
    `insert into portal.payment_attempts (service_id, account_id, refdet, idop, amount_cents, provider, numcli, saisie, status,
                                          created_at, expires_at, reported_at, numauto, transaction_at)
     select s.id, $2, $3, $4, 1250, $5::portal.payment_provider, s.numcli, 'T', $6::portal.payment_status,
            now() - make_interval(mins => $7), now() - make_interval(mins => $7) + portal.payment_window($5::portal.payment_provider),
            case when $6 = 'reported' then now() - make_interval(mins => $7 - 2) end,
            case when $6 in ('reported', 'paid') then 'N' || $3 end,
            case when $6 in ('reported', 'paid') then now() - make_interval(mins => $7 - 2) end
     from portal.services s where s.numcli = $1 returning id`,
    [numcli, SEED.demoUserId, refdet, provider === "payfip_ws" ? (spec.idop === undefined ? `idop-${refdet}` : spec.idop) : null, provider, spec.status, spec.startedMinutesAgo],
  );
  const id = rows[0]!.id;
  await db.pg.query("insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) values ($1, $2, 1250)", [id, invoice[0]!.id]);
  for (const e of spec.events ?? []) {
    await db.pg.query("insert into portal.payment_events (attempt_id, kind, created_at) values ($1, $2, now() - make_interval(mins => $3))", [id, e.kind, e.minutesAgo]);
  }
  return { id, invoiceId: invoice[0]!.id, refdet };
}

/** Two days, in minutes: well past any window and the day staff wait for PayFiP. */
export const TWO_DAYS = 2 * 24 * 60;
