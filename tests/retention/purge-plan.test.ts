/**
 * The purge at scale: with a few hundred thousand rows in the tables public.purge_expired()
 * cleans (supabase/migrations/20261203090000_retention.sql), every statement it runs reaches its
 * rows through an index — no sequential scan of a purged table. The plans are read as
 * tests/db/resident-reads-plan.test.ts reads them: PostgreSQL's auto_explain (shipped with
 * PGlite) with log_nested_statements reports, as JSON notices, the plan of each statement run
 * inside the call, with its real parameters. Prints the run's time (a figure, not an assertion).
 */
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SEED } from "../support/database";
import { planDatabase, servicePlans } from "../support/plans";

const NOW = "2027-06-15T12:00:00Z";
const WATCHED = new Set([
  "login_throttle",
  "auth_mail_throttle",
  "contact_throttle",
  "email_outbox",
  "contact_messages",
  "paper_optout_requests",
  "payment_attempts",
  "payment_attempt_invoices",
  "payment_events",
  "one_time_tokens",
  "sessions",
]);

let big: PGlite;

/**
 * Rows of every purged kind, spread from NOW back to well past each period (a deployment that
 * never purged), so that a plan that scans shows up as one.
 */
async function populate(pg: PGlite): Promise<void> {
  await pg.exec(`
    insert into portal.login_throttle (key, failures, first_failure_at)
    select 'ip:203.0.' || n, 1, timestamptz '${NOW}' - make_interval(secs => n) from generate_series(1, 100000) n;
    insert into portal.auth_mail_throttle (key, requested_at)
    select 'email:a' || n || '@exemple.fr', array[timestamptz '${NOW}' - make_interval(secs => n)] from generate_series(1, 50000) n;
    insert into portal.contact_throttle (key, hits, window_start)
    select 'ip:198.51.' || n, 1, timestamptz '${NOW}' - make_interval(secs => n) from generate_series(1, 50000) n;

    insert into portal.email_outbox (kind, to_address, subject, html_body, text_body, status, sent_at, created_at)
    select 'contact_message', 'service@exemple.fr', 'Message ' || n, '<p>Bonjour</p>', 'Bonjour', 'sent',
           timestamptz '${NOW}' - make_interval(mins => 2 * n), timestamptz '${NOW}' - make_interval(mins => 2 * n)
    from generate_series(1, 100000) n;
    insert into portal.contact_messages (service_id, sender_email, body, created_at)
    select '${SEED.serviceId}', 'usager' || n || '@exemple.fr', 'Bonjour', timestamptz '${NOW}' - make_interval(mins => 10 * n)
    from generate_series(1, 100000) n;

    insert into portal.customers (service_id, customer_number, display_name)
    select '${SEED.serviceId}', 'PLAN' || n, 'Client ' || n from generate_series(1, 20000) n;
    insert into portal.paper_optout_requests (customer_id, requested_at)
    select c.id, timestamptz '${NOW}' - make_interval(hours => 2 * row_number() over (order by c.customer_number)::int)
    from portal.customers c where c.customer_number like 'PLAN%';

    insert into portal.payment_attempts (service_id, refdet, amount_cents, provider, numcli, saisie, status, created_at, expires_at, updated_at)
    select s.id, 'PLAN' || lpad(n::text, 6, '0'), 1000, s.payment_provider, s.numcli, s.saisie,
           (case when n % 50 = 0 then 'pending' else 'paid' end)::portal.payment_status,
           timestamptz '${NOW}' - make_interval(hours => n), timestamptz '${NOW}', timestamptz '${NOW}' - make_interval(hours => n)
    from portal.services s cross join generate_series(1, 100000) n where s.id = '${SEED.serviceId}';
    insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
    select a.id, '${SEED.invoice2059Id}', 1000 from portal.payment_attempts a where a.refdet like 'PLAN%';
    insert into portal.payment_events (attempt_id, kind, created_at)
    select a.id, 'result', a.updated_at from portal.payment_attempts a where a.refdet like 'PLAN%';
    insert into portal.payment_events (attempt_id, kind, created_at)
    select null, 'unmatched', timestamptz '${NOW}' - make_interval(hours => n) from generate_series(1, 20000) n;

    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
           'compte' || n || '@exemple.fr', '', now(), now() from generate_series(1, 20000) n;
    insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
    select gen_random_uuid(), u.id, 'recovery_token', md5(u.email), u.email,
           (timestamptz '${NOW}' - make_interval(mins => row_number() over (order by u.email)::int)) at time zone 'utc', now()
    from auth.users u where u.email like 'compte%';
    insert into auth.sessions (id, user_id, created_at, updated_at, not_after)
    select gen_random_uuid(), u.id, now(), now(), timestamptz '${NOW}' + make_interval(mins => 10 - row_number() over (order by u.email)::int)
    from auth.users u where u.email like 'compte%';

    analyze;
  `);
}

beforeAll(async () => {
  big = await planDatabase("purge plan", populate);
}, 600_000);

afterAll(async () => {
  await big?.close();
});

describe("public.purge_expired with a few hundred thousand rows", () => {
  test("the tables hold what the test means", async () => {
    const { rows } = await big.query<{ n: number }>(
      `select ((select count(*) from portal.login_throttle) + (select count(*) from portal.email_outbox)
              + (select count(*) from portal.contact_messages) + (select count(*) from portal.payment_attempts)
              + (select count(*) from portal.payment_events))::int as n`,
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(500_000);
  });

  test("every statement of the purge reaches its rows through an index", async () => {
    const { answer, count, problems } = await servicePlans<{ deleted: Record<string, number>; more: boolean }>(
      big,
      "purge plan: one run (batch 1000)",
      "select public.purge_expired($1, 1000) as r",
      [NOW],
      WATCHED,
    );
    expect(count).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    // Each category had rows past its period: the batch was used, and says there is more.
    expect(answer.deleted).toMatchObject({ login_throttle: 1000, sent_mails: 1000, contact_messages: 1000, payment_attempts: 1000 });
    expect(answer.more).toBe(true);
  });
});
