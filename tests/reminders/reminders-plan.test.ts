/**
 * The reminder e-mails at scale: with 100 000 invoices, 20 000 customers, 4 000 accounts of which
 * 400 opted in, public.queue_due_reminders() and public.queue_new_invoice_notices()
 * (supabase/migrations/20261205090000_email_reminders.sql) start from the opted-in accounts and
 * reach their invoices through indexes — no sequential scan of invoices, customers or payment
 * lines. Plans read as tests/retention/purge-plan.test.ts reads them (auto_explain with nested
 * statements, JSON notices). Prints the run's time (a figure, not an assertion).
 */
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SEED } from "../support/database";
import { planDatabase, servicePlans } from "../support/plans";

const WATCHED = new Set(["invoices", "customers", "payment_attempt_invoices", "email_outbox", "invoice_due_reminders", "invoice_new_notices"]);

let big: PGlite;

async function populate(pg: PGlite): Promise<void> {
  await pg.exec(`
    insert into portal.customers (service_id, customer_number, display_name, email)
    select '${SEED.serviceId}', 'RPL' || n, 'Client ' || n, case when n <= 4000 then 'rappel' || n || '@exemple.fr' end
    from generate_series(1, 20000) n;
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
           'rappel' || n || '@exemple.fr', '', now(), now() from generate_series(1, 4000) n;
    insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, created_at)
    select c.service_id, c.id, 'RPL-' || c.customer_number || '-' || k, current_date - 40, current_date + ((k * 7 + length(c.customer_number)) % 60) - 10,
           1000 + k, 'Eau', (case when k % 3 = 0 then 'paid' else 'unpaid' end)::portal.invoice_status, now() - interval '1 day'
    from portal.customers c cross join generate_series(1, 5) k where c.customer_number like 'RPL%';
    insert into portal.reminder_preferences (account_id, new_invoices, due_soon, new_invoices_since)
    select u.id, (row_number() over (order by u.email)) % 10 = 0, (row_number() over (order by u.email)) % 10 = 0,
           case when (row_number() over (order by u.email)) % 10 = 0 then now() - interval '2 days' end
    from auth.users u where u.email like 'rappel%';
    -- One settled payment per paid invoice, and a refused one on some unpaid invoices.
    insert into portal.payment_attempts (service_id, refdet, amount_cents, provider, numcli, saisie, status, created_at, expires_at, updated_at)
    select s.id, 'RPL' || lpad(n::text, 6, '0'), 1000, s.payment_provider, s.numcli, s.saisie,
           (case when n % 4 = 0 then 'refused' else 'paid' end)::portal.payment_status, now(), now(), now()
    from portal.services s cross join generate_series(1, 40000) n where s.id = '${SEED.serviceId}';
    insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
    select a.id, i.id, 1000
    from (select id, row_number() over (order by refdet) as r from portal.payment_attempts where refdet like 'RPL%') a
    join (select id, row_number() over (order by number) as r from portal.invoices where number like 'RPL-%') i on i.r = a.r;
    -- Years of reminders already written: the paid invoices were all announced and reminded once.
    insert into portal.email_outbox (kind, to_address, subject, html_body, text_body, status, sent_at)
    select 'contact_message', 'service@exemple.fr', 'Message ' || n, '<p>Bonjour</p>', 'Bonjour', 'sent', now() from generate_series(1, 50000) n;
    insert into portal.invoice_due_reminders (invoice_id) select id from portal.invoices where status = 'paid' and number like 'RPL-%';
    insert into portal.invoice_new_notices (invoice_id) select id from portal.invoices where status = 'paid' and number like 'RPL-%';
    analyze;
  `);
}

const plansOf = (sql: string) => servicePlans<{ emails: number; invoices: number }>(big, "reminders plan", sql, [], WATCHED);

beforeAll(async () => {
  big = await planDatabase("reminders plan", populate);
}, 600_000);

afterAll(async () => {
  await big?.close();
});

describe("reminders with 100 000 invoices", () => {
  test("the tables hold what the test means", async () => {
    const { rows } = await big.query<{ invoices: number; linked: number; opted: number }>(
      `select (select count(*) from portal.invoices)::int as invoices,
              (select count(*) from portal.customers where account_id is not null)::int as linked,
              (select count(*) from portal.reminder_preferences where due_soon)::int as opted`,
    );
    expect(rows[0]!.invoices).toBeGreaterThanOrEqual(100_000);
    expect(rows[0]!.linked).toBeGreaterThanOrEqual(4000);
    expect(rows[0]!.opted).toBe(400);
  });

  test("queue_due_reminders reaches the opted-in accounts' invoices through indexes", async () => {
    const { answer, problems, count } = await plansOf("select public.queue_due_reminders(1000) as r");
    expect(count).toBeGreaterThan(1);
    expect(answer.emails).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  test("queue_new_invoice_notices too", async () => {
    await big.exec("update portal.reminder_preferences set new_invoices_since = now() - interval '2 days' where new_invoices");
    const { answer, problems } = await plansOf("select public.queue_new_invoice_notices(1000) as r");
    expect(answer.emails).toBe(400);
    expect(problems).toEqual([]);
  });
});
