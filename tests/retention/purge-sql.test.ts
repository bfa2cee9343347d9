import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import type { PurgeJson } from "~/.server/retention";
import { SEED, testDatabase } from "../support/database";

/**
 * public.purge_expired (supabase/migrations/20261203090000_retention.sql) on a real PGlite: each
 * category purged exactly at its period's boundary (a row one second inside stays, one second
 * outside goes), time moved with p_now, never a pending payment, null periods, bounded batches,
 * only the service role may call it.
 */
const NOW = new Date("2027-06-15T12:00:00Z");
const SECOND = 1000;
const DAY = 86_400 * SECOND;

/** The cut-off of a period at NOW: NOW minus so many days, or calendar months (as SQL's interval). */
function cut(amount: number, unit: "days" | "months"): Date {
  if (unit === "days") return new Date(NOW.getTime() - amount * DAY);
  const d = new Date(NOW);
  d.setUTCMonth(d.getUTCMonth() - amount);
  return d;
}
const inside = (at: Date) => new Date(at.getTime() + SECOND);
const outside = (at: Date) => new Date(at.getTime() - SECOND);

/** The seed's periods (supabase/seed.sql): what the demo deployment states. */
const PERIODS = { login: 1, links: 1, mails: 90, messages: 12, optout: 36, payments: 120 };

let db: Database;

type PurgeAnswer = PurgeJson;

async function purge(options: { now?: Date; batch?: number; dryRun?: boolean } = {}): Promise<PurgeAnswer> {
  return db.asService(async (tx) => {
    const { rows } = await tx.query<{ r: PurgeAnswer }>("select public.purge_expired($1, $2, $3) as r", [
      options.now ?? NOW,
      options.batch ?? 1000,
      options.dryRun ?? false,
    ]);
    return rows[0]!.r;
  });
}

async function keys(sql: string, params: unknown[] = []): Promise<string[]> {
  const { rows } = await db.pg.query<{ k: string }>(sql, params);
  return rows.map((r) => r.k).sort();
}

async function setPeriods(values: Partial<Record<string, number | null>>): Promise<void> {
  for (const [column, value] of Object.entries(values)) {
    await db.pg.query(`update portal.legal_identity set ${column} = $1 where id`, [value]);
  }
}

/** A customer of the demo service of its own (paper opt-out requests are one per customer). */
async function customer(n: string): Promise<string> {
  const { rows } = await db.pg.query<{ id: string }>(
    `insert into portal.customers (service_id, customer_number, display_name) values ($1, $2, 'Client test') returning id`,
    [SEED.serviceId, `RET${n}`],
  );
  return rows[0]!.id;
}

/** A settled (or not) payment attempt of the demo service last changed at `at`. */
async function attempt(refdet: string, status: string, at: Date): Promise<string> {
  const { rows } = await db.pg.query<{ id: string }>(
    `insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status,
                                          created_at, expires_at, updated_at)
     select s.id, $2, $3, 1000, s.payment_provider, s.numcli, s.saisie, $4::portal.payment_status, $5, $5::timestamptz + interval '20 minutes', $5
     from portal.services s where s.id = $1 returning id`,
    [SEED.serviceId, SEED.demoUserId, refdet, status, at],
  );
  return rows[0]!.id;
}

beforeAll(async () => {
  db = await testDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe("each category at its boundary", () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const login = cut(PERIODS.login, "days");
    await db.pg.query(
      `insert into portal.login_throttle (key, failures, first_failure_at, blocked_until) values
         ('ip:inside', 1, $1, null), ('ip:outside', 1, $2, null), ('ip:blocking', 10, $2, $3), ('ip:was-blocked', 10, $2, $4)`,
      [inside(login), outside(login), new Date(NOW.getTime() + 60 * SECOND), outside(login)],
    );
    await db.pg.query(
      `insert into portal.auth_mail_throttle (key, requested_at) values
         ('ip:inside', array[$1::timestamptz - interval '30 days', $2::timestamptz]), ('ip:outside', array[$1::timestamptz]),
         ('ip:empty', '{}')`,
      [outside(login), inside(login)],
    );
    await db.pg.query(
      `insert into portal.contact_throttle (key, hits, window_start) values ('ip:inside', 1, $1), ('ip:outside', 1, $2)`,
      [inside(login), outside(login)],
    );

    const links = cut(PERIODS.links, "days");
    // Two users: one_time_tokens holds one row per user and kind.
    for (const [name, at] of [["inside", inside(links)], ["outside", outside(links)]] as const) {
      const { rows } = await db.pg.query<{ id: string }>(
        `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
         values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1, '', now(), now())
         returning id`,
        [`lien-${name}@exemple.fr`],
      );
      ids[`user-${name}`] = rows[0]!.id;
      await db.pg.query(
        `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
         values (gen_random_uuid(), $1, 'recovery_token', $2, $3, $4::timestamptz at time zone 'utc', $4::timestamptz at time zone 'utc')`,
        [rows[0]!.id, `hash-${name}`, `lien-${name}@exemple.fr`, at],
      );
      await db.pg.query(
        "insert into auth.sessions (id, user_id, created_at, updated_at, not_after, tag) values (gen_random_uuid(), $1, now(), now(), $2, 'link:recovery')",
        [rows[0]!.id, at],
      );
    }

    const mails = cut(PERIODS.mails, "days");
    const mail = async (name: string, status: string, sentAt: Date | null, createdAt: Date) =>
      (ids[`mail-${name}`] = (
        await db.pg.query<{ id: string }>(
          `insert into portal.email_outbox (kind, to_address, subject, html_body, text_body, status, sent_at, created_at)
           values ('contact_message', 'service@exemple.fr', $1, '<p>corps</p>', 'corps', $2::portal.email_status, $3, $4) returning id`,
          [`courriel ${name}`, status, sentAt, createdAt],
        )
      ).rows[0]!.id);
    await mail("inside", "sent", inside(mails), inside(mails));
    await mail("outside", "sent", outside(mails), outside(mails));
    await mail("pending", "pending", null, outside(mails));
    await mail("failed", "failed", null, outside(mails));

    const messages = cut(PERIODS.messages, "months");
    for (const [name, at] of [["inside", inside(messages)], ["outside", outside(messages)]] as const) {
      await db.pg.query(
        `insert into portal.contact_messages (service_id, sender_email, body, created_at, email_outbox_id) values ($1, $2, 'Bonjour', $3, $4)`,
        [SEED.serviceId, `message-${name}@exemple.fr`, at, ids["mail-outside"]],
      );
    }

    const optout = cut(PERIODS.optout, "months");
    for (const [name, at] of [["inside", inside(optout)], ["outside", outside(optout)]] as const) {
      const id = await customer(name);
      ids[`customer-${name}`] = id;
      await db.pg.query("update portal.customers set paper_invoices = false where id = $1", [id]);
      await db.pg.query("insert into portal.paper_optout_requests (customer_id, requested_at) values ($1, $2)", [id, at]);
    }

    const payments = cut(PERIODS.payments, "months");
    ids["paid-inside"] = await attempt("RETPAIDIN", "paid", inside(payments));
    ids["paid-outside"] = await attempt("RETPAIDOUT", "paid", outside(payments));
    ids["refused-outside"] = await attempt("RETREFUSEDOUT", "refused", outside(payments));
    ids["pending-outside"] = await attempt("RETPENDINGOUT", "pending", outside(payments));
    ids["reported-outside"] = await attempt("RETREPORTEDOUT", "reported", outside(payments));
    await db.pg.query(
      "insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) values ($1, $2, 1000), ($3, $2, 1000)",
      [ids["paid-outside"], SEED.invoice2059Id, ids["paid-inside"]],
    );
    await db.pg.query(
      `insert into portal.payment_events (attempt_id, kind, created_at) values ($1, 'result', $3), ($2, 'result', $3),
         (null, 'unmatched-inside', $4), (null, 'unmatched-outside', $3)`,
      [ids["paid-outside"], ids["paid-inside"], outside(payments), inside(payments)],
    );
  });

  it("a dry run counts what would go and deletes nothing", async () => {
    const before = await keys("select key as k from portal.login_throttle");
    const answer = await purge({ dryRun: true });
    expect(answer.dry_run).toBe(true);
    expect(answer.deleted).toMatchObject({ login_throttle: 2, contact_messages: 1, paper_optout_requests: 1, payment_attempts: 2 });
    expect(await keys("select key as k from portal.login_throttle")).toEqual(before);
  });

  it("deletes the rows past their period and keeps those just inside", async () => {
    const answer = await purge();
    expect(answer.unset).toEqual([]);
    expect(answer.more).toBe(false);
    expect(answer.periods).toEqual({
      login_throttle_days: 1,
      auth_links_days: 1,
      sent_mail_bodies_days: 90,
      contact_messages_months: 12,
      paper_optout_months: 36,
      payment_records_months: 120,
    });
    expect(answer.deleted).toEqual({
      login_throttle: 2,
      auth_mail_throttle: 2,
      contact_throttle: 1,
      auth_links: 1,
      sessions: 1,
      sent_mails: 1,
      contact_messages: 1,
      paper_optout_requests: 1,
      payment_attempts: 2,
      unmatched_payment_events: 1,
    });

    // Throttles: the row still blocking stays, whatever its age.
    expect(await keys("select key as k from portal.login_throttle")).toEqual(["ip:blocking", "ip:inside"]);
    expect(await keys("select key as k from portal.auth_mail_throttle")).toEqual(["ip:inside"]);
    expect(await keys("select key as k from portal.contact_throttle")).toEqual(["ip:inside"]);
    // Links and sessions of the embedded auth.
    expect(await keys("select relates_to as k from auth.one_time_tokens where relates_to like 'lien-%'")).toEqual(["lien-inside@exemple.fr"]);
    expect(await keys("select user_id::text as k from auth.sessions where tag = 'link:recovery'")).toEqual([ids["user-inside"]]);
    // Sent e-mails: only the one sent too long ago; pending and failed ones stay.
    expect(await keys("select subject as k from portal.email_outbox")).toEqual(["courriel failed", "courriel inside", "courriel pending"]);
    // Contact messages: the one kept lost its link to the deleted e-mail, nothing else.
    expect(await keys("select sender_email || ' ' || coalesce(email_outbox_id::text, '-') as k from portal.contact_messages")).toEqual([
      "message-inside@exemple.fr -",
    ]);
    // Opt-out requests: the request goes, the customer's paper flag stays as the service set it.
    expect(await keys("select customer_id::text as k from portal.paper_optout_requests")).toEqual([ids["customer-inside"]]);
    expect(await keys("select paper_invoices::text as k from portal.customers where id = $1", [ids["customer-outside"]])).toEqual(["false"]);
    // Payments: settled and too old go, with their lines and events; pending and reported never.
    expect(await keys("select refdet as k from portal.payment_attempts where refdet like 'RET%'")).toEqual([
      "RETPAIDIN",
      "RETPENDINGOUT",
      "RETREPORTEDOUT",
    ]);
    expect(await keys("select attempt_id::text as k from portal.payment_attempt_invoices where attempt_id in ($1, $2)", [ids["paid-inside"], ids["paid-outside"]])).toEqual([
      ids["paid-inside"],
    ]);
    expect(await keys("select coalesce(attempt_id::text, kind) as k from portal.payment_events where kind <> 'notification'")).toEqual(
      [ids["paid-inside"], "unmatched-inside"].sort(),
    );
  });

  it("a second run at the same time deletes nothing more; a later one takes the next rows", async () => {
    expect(Object.values((await purge()).deleted).every((n) => n === 0)).toBe(true);
    const later = await purge({ now: new Date(NOW.getTime() + 2 * SECOND) });
    expect(later.deleted).toMatchObject({
      login_throttle: 1,
      contact_throttle: 1,
      auth_links: 1,
      sent_mails: 1,
      contact_messages: 1,
      paper_optout_requests: 1,
      payment_attempts: 1,
    });
  });

  it("never deletes a pending or reported payment, however old", async () => {
    // The only settled attempts left are the seed's (supabase/seed.sql): they go, these stay.
    const settled = await keys("select id::text as k from portal.payment_attempts where status::text not in ('pending', 'reported')");
    expect(settled).toEqual(SEED.demoPaymentAttempts.map((a) => a.id).sort());
    const answer = await purge({ now: new Date("2100-01-01T00:00:00Z") });
    expect(answer.deleted.payment_attempts).toBe(settled.length);
    expect(await keys("select refdet as k from portal.payment_attempts where refdet like 'RET%'")).toEqual(["RETPENDINGOUT", "RETREPORTEDOUT"]);
  });
});

describe("periods left unset", () => {
  it("purge nothing in their category and are reported, the others go on", async () => {
    await db.pg.query("insert into portal.contact_throttle (key, hits, window_start) values ('ip:unset-test', 1, $1)", [new Date("2000-01-01Z")]);
    await db.pg.query(
      "insert into portal.contact_messages (service_id, sender_email, body, created_at) values ($1, 'ancien@exemple.fr', 'Bonjour', $2)",
      [SEED.serviceId, new Date("2000-01-01Z")],
    );
    await setPeriods({ login_throttle_days: null, contact_messages_months: null });
    try {
      const answer = await purge({ now: new Date("2100-01-01T00:00:00Z") });
      expect(answer.unset).toEqual(["login_throttle_days", "contact_messages_months"]);
      expect(answer.periods.login_throttle_days).toBeNull();
      expect(answer.deleted).not.toHaveProperty("contact_throttle");
      expect(answer.deleted).not.toHaveProperty("contact_messages");
      expect(answer.deleted).toHaveProperty("paper_optout_requests");
      expect(await keys("select key as k from portal.contact_throttle where key = 'ip:unset-test'")).toEqual(["ip:unset-test"]);
      expect(await keys("select sender_email as k from portal.contact_messages where sender_email = 'ancien@exemple.fr'")).toHaveLength(1);
    } finally {
      await setPeriods({ login_throttle_days: PERIODS.login, contact_messages_months: PERIODS.messages });
    }
  });

  it("a missing legal identity row means every period unset", async () => {
    const answer = await db.pg.transaction(async (tx) => {
      await tx.query("delete from portal.legal_identity");
      const { rows } = await tx.query<{ r: PurgeAnswer }>("select public.purge_expired($1) as r", [NOW]);
      await tx.rollback();
      return rows[0]!.r;
    });
    expect(answer.unset).toHaveLength(6);
    expect(answer.deleted).toEqual({});
  });
});

describe("batches", () => {
  it("delete at most the batch per category, oldest first, and say there is more", async () => {
    await db.pg.query(
      `insert into portal.login_throttle (key, failures, first_failure_at)
       select 'ip:batch-' || lpad(n::text, 2, '0'), 1, $1::timestamptz - make_interval(mins => n) from generate_series(1, 25) n`,
      [cut(PERIODS.login, "days")],
    );
    const first = await purge({ batch: 10 });
    expect(first.batch).toBe(10);
    expect(first.deleted.login_throttle).toBe(10);
    expect(first.more).toBe(true);
    // The oldest went first: the 10 largest offsets.
    expect(await keys("select key as k from portal.login_throttle where key like 'ip:batch-%'")).toEqual(
      Array.from({ length: 15 }, (_, i) => `ip:batch-${String(i + 1).padStart(2, "0")}`),
    );
    expect((await purge({ batch: 10 })).deleted.login_throttle).toBe(10);
    const last = await purge({ batch: 10 });
    expect(last.deleted.login_throttle).toBe(5);
    expect(last.more).toBe(false);
  });

  it("bounds the batch between 1 and 10 000", async () => {
    expect((await purge({ batch: 0 })).batch).toBe(1);
    expect((await purge({ batch: 1_000_000 })).batch).toBe(10_000);
  });
});

describe("who may call it", () => {
  it.each(["anon", "authenticated"] as const)("%s is refused", async (role) => {
    const call = role === "anon" ? db.asAnon : (fn: Parameters<Database["asAnon"]>[0]) => db.asUser(SEED.demoUserId, SEED.demoEmail, fn);
    await expect(call((tx) => tx.query("select public.purge_expired()"))).rejects.toThrow(/permission denied/);
  });

  it("the service role may, with the defaults (now, 1000 rows, for real)", async () => {
    const { rows } = await db.asService((tx) => tx.query<{ r: PurgeAnswer }>("select public.purge_expired() as r"));
    expect(rows[0]!.r).toMatchObject({ batch: 1000, dry_run: false, unset: [] });
  });
});
