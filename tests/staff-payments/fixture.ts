import type { Database } from "~/.server/embedded/database";
import { createAuthUser, SEED } from "../support/database";

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

/**
 * A known activity in September and October 2025 (Paris time), in services 004200 and 004281; the
 * seed's own rows are all of the current month. Expected figures: ACTIVITY_EXPECTED.
 */
export async function activityFixture(db: Database): Promise<void> {
  const user = async (email: string) => (await createAuthUser(db, email)) as string;
  const customer = async (numcli: string, n: string, createdAt: string, link?: { at: string; closed?: boolean }) => {
    const email = `stats-${n.toLowerCase()}@exemple.fr`;
    const account = link && !link.closed ? await user(email) : null;
    const { rows } = await db.pg.query<{ id: string }>(
      `insert into portal.customers (service_id, customer_number, display_name, email, created_at, account_id, linked_at)
       select s.id, $2, 'Famille ' || $2, $3, $4, $5, $6 from portal.services s where s.numcli = $1 returning id`,
      [numcli, `STATS${n}`, email, createdAt, account, link?.at ?? null],
    );
    return rows[0]!.id;
  };
  const a = await customer("004200", "A", "2025-08-15T10:00:00Z", { at: "2025-09-10T10:00:00Z" });
  await customer("004200", "B", "2025-08-15T10:00:00Z", { at: "2025-09-20T10:00:00Z" });
  await customer("004200", "C", "2025-08-15T10:00:00Z", { at: "2025-10-05T10:00:00Z" });
  await customer("004200", "D", "2025-08-15T10:00:00Z");
  // Activated in September, account closed since: activated that month, no longer with an account.
  await customer("004200", "G", "2025-08-15T10:00:00Z", { at: "2025-09-05T10:00:00Z", closed: true });
  // 23:30 in Paris on 31 October (UTC+1): October.
  const e = await customer("004281", "E", "2025-09-01T10:00:00Z", { at: "2025-10-31T22:30:00Z" });
  await customer("004281", "F", "2025-09-01T10:00:00Z");

  await db.pg.query("insert into portal.paper_optout_requests (customer_id, requested_at) values ($1, '2025-09-12T10:00:00Z'), ($2, '2025-10-02T10:00:00Z')", [a, e]);

  const payment = async (numcli: string, status: string, cents: number, at: string) => {
    await db.pg.query(
      `insert into portal.payment_attempts (service_id, refdet, amount_cents, provider, numcli, saisie, status, created_at, transaction_at)
       select s.id, 'STATS' || substr(md5(random()::text), 1, 12), $3, 'payfip_ws', s.numcli, 'T', $2::portal.payment_status, $4::timestamptz - interval '5 minutes', $4
       from portal.services s where s.numcli = $1`,
      [numcli, status, cents, at],
    );
  };
  await payment("004200", "paid", 1000, "2025-09-03T10:00:00Z");
  await payment("004200", "paid", 2500, "2025-09-25T10:00:00Z");
  await payment("004200", "refused", 9900, "2025-09-26T10:00:00Z");
  await payment("004200", "reported", 9900, "2025-09-27T10:00:00Z");
  await payment("004200", "paid", 500, "2025-10-15T10:00:00Z");
  // 01:30 in Paris on 1 October (UTC+2): October.
  await payment("004281", "paid", 4000, "2025-09-30T23:30:00Z");

  const email = async (status: string, createdAt: string, sentAt: string | null) => {
    await db.pg.query(
      `insert into portal.email_outbox (kind, to_address, subject, html_body, text_body, status, created_at, sent_at)
       values ('test', 'x@exemple.fr', 'Objet', '<p>x</p>', 'x', $1::portal.email_status, $2, $3)`,
      [status, createdAt, sentAt],
    );
  };
  for (const day of ["02", "10", "20"]) await email("sent", `2025-09-${day}T10:00:00Z`, `2025-09-${day}T10:01:00Z`);
  await email("failed", "2025-09-21T10:00:00Z", null);
  for (const day of ["03", "04"]) await email("sent", `2025-10-${day}T10:00:00Z`, `2025-10-${day}T10:01:00Z`);
  await email("pending", "2025-10-05T10:00:00Z", null);
}

/** The figures of activityFixture: [month, numcli (null: « Ensemble »), activated, customers, with account, opt-outs, payments, cents, sent, failed]. */
export const ACTIVITY_EXPECTED = [
  ["2025-09-01", "004200", 3, 5, 2, 1, 2, 3500, null, null],
  ["2025-09-01", null, 3, 5, 2, 1, 2, 3500, 3, 1],
  ["2025-10-01", "004200", 1, 5, 3, 0, 1, 500, null, null],
  ["2025-10-01", "004281", 1, 2, 1, 1, 1, 4000, null, null],
  ["2025-10-01", null, 2, 7, 4, 1, 2, 4500, 2, 0],
] as const;
