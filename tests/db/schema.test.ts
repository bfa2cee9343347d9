import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAuthUser, SEED, testDatabase } from "../support/database";
import type { Database } from "~/.server/embedded/database";

let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast", "auth", "extensions", "storage", "supabase_migrations"];

describe("row level security coverage", () => {
  test("every table of public, portal and any other non-system schema has RLS enabled", async () => {
    const { rows } = await db.pg.query<{ name: string }>(
      `select n.nspname || '.' || c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p')
         and n.nspname <> all ($1::text[])
         and n.nspname not like 'pg\\_%'
         and not c.relrowsecurity`,
      [SYSTEM_SCHEMAS],
    );
    expect(rows.map((r) => r.name)).toEqual([]);
    const { rows: tables } = await db.pg.query<{ n: number }>(
      "select count(*)::int as n from pg_tables where schemaname = 'portal'",
    );
    expect(tables[0]!.n).toBe(23); // + portal.payment_receipt_emails (20261204090100_payment_history.sql), + portal.contract_links and portal.contract_link_throttle (20261205090100_contract_links.sql), + export_runs, payment_export_lines, paper_export_lines (20261206090000_exports.sql)
    // + reminder_preferences, invoice_new_notices, invoice_due_reminders (20261205090000_email_reminders.sql)
  });

  test("no table of the portal schema is granted to anon", async () => {
    const { rows } = await db.pg.query<{ t: string }>(
      `select table_name as t from information_schema.role_table_grants
       where table_schema = 'portal' and grantee in ('anon', 'PUBLIC')`,
    );
    expect(rows).toEqual([]);
  });

  test("residents get SELECT only, never a write privilege, on portal tables", async () => {
    const { rows } = await db.pg.query<{ p: string }>(
      `select distinct privilege_type as p from information_schema.role_table_grants
       where table_schema = 'portal' and grantee = 'authenticated'`,
    );
    expect(rows.map((r) => r.p)).toEqual(["SELECT"]);
  });
});

describe("public functions and their grants", () => {
  const intended: Record<string, string[]> = {
    "health_check()": ["postgres", "service_role"],
    "portal_public_info()": ["anon", "authenticated", "postgres", "service_role"],
    "legal_info()": ["anon", "authenticated", "postgres", "service_role"],
    "account_activation_status(p_email text)": ["postgres", "service_role"],
    "login_attempt_check(p_email text, p_client text)": ["postgres", "service_role"],
    "login_attempt_failed(p_email text, p_client text)": ["postgres", "service_role"],
    "login_attempt_succeeded(p_email text, p_client text)": ["postgres", "service_role"],
    "auth_mail_request(p_email text, p_client text)": ["postgres", "service_role"],
    "my_customers()": ["authenticated", "postgres"],
    "portal_home()": ["authenticated", "postgres"],
    "my_invoices(p_status portal.invoice_status, p_limit integer, p_before_date date, p_before_id uuid)": ["authenticated", "postgres"],
    "my_invoice_counts()": ["authenticated", "postgres"],
    "my_invoice(p_id uuid)": ["authenticated", "postgres"],
    "my_invoice_pdf_key(p_id uuid)": ["authenticated", "postgres"],
    "my_invoice_pdf_list(p_status portal.invoice_status, p_limit integer, p_before_date date, p_before_id uuid, p_ids uuid[])": ["authenticated", "postgres"],
    "my_paper_status()": ["authenticated", "postgres"],
    "request_paper_optout()": ["authenticated", "postgres"],
    "my_contact_services()": ["authenticated", "postgres"],
    "send_contact_message(p_service_id uuid, p_subject text, p_body text)": ["authenticated", "postgres"],
    "public_contact_services()": ["anon", "authenticated", "postgres", "service_role"],
    "send_public_contact_message(p_service_id uuid, p_email text, p_name text, p_customer_number text, p_subject text, p_body text, p_client text)":
      ["postgres", "service_role"],
    "outbox_claim(p_limit integer, p_lease_seconds integer, p_broadcast boolean)": ["postgres", "service_role"],
    "outbox_mark_sent(p_id uuid, p_claim_token uuid, p_provider_message_id text)": ["postgres", "service_role"],
    "outbox_mark_retry(p_id uuid, p_claim_token uuid, p_error text)": ["postgres", "service_role"],
    "outbox_mark_failed(p_id uuid, p_claim_token uuid, p_error text)": ["postgres", "service_role"],
    "outbox_requeue(p_id uuid)": ["postgres", "service_role"],
    "purge_expired(p_now timestamp with time zone, p_batch integer, p_dry_run boolean)": ["postgres", "service_role"],
    "my_payable_invoices()": ["authenticated", "postgres"],
    "start_payment(p_invoice_ids uuid[])": ["authenticated", "postgres"],
    "set_payment_idop(p_attempt_id uuid, p_idop text)": ["authenticated", "postgres"],
    "fail_payment_start(p_attempt_id uuid, p_reason text)": ["authenticated", "postgres"],
    "my_payment_attempt(p_attempt_id uuid, p_idop text)": ["authenticated", "postgres"],
    "apply_payment_result(p_source text, p_idop text, p_tipi_token text, p_refdet text, p_numcli text, p_amount_cents bigint, p_resultrans text, p_numauto text, p_transaction_at timestamp with time zone, p_payload jsonb, p_source_verified boolean)":
      ["postgres", "service_role"],
    "expire_payment_attempt(p_attempt_id uuid, p_reason text)": ["postgres", "service_role"],
    "payments_to_reconcile(p_limit integer)": ["postgres", "service_role"],
    "my_invoice_payment(p_invoice_id uuid)": ["authenticated", "postgres"],
    "confirm_reported_payment(p_attempt_id uuid, p_by text, p_reason text)": ["postgres", "service_role"],
    "reject_reported_payment(p_attempt_id uuid, p_by text, p_reason text)": ["postgres", "service_role"],
    "import_services()": ["postgres", "service_role"],
    "import_customers(p_numcli text, p_rows jsonb, p_dry_run boolean)": ["postgres", "service_role"],
    "import_invoices(p_numcli text, p_rows jsonb, p_dry_run boolean)": ["postgres", "service_role"],
    // One function per page (20261126000600_pages.sql).
    "frame_page()": ["authenticated", "postgres"],
    "home_page()": ["authenticated", "postgres"],
    "invoices_page(p_status portal.invoice_status, p_limit integer, p_before_date date, p_before_id uuid)": ["authenticated", "postgres"],
    "invoice_page(p_id uuid)": ["authenticated", "postgres"],
    "info_page()": ["authenticated", "postgres"],
    "contact_page()": ["authenticated", "postgres"],
    "payment_page()": ["authenticated", "postgres"],
    "payment_return_page(p_attempt_id uuid, p_idop text)": ["authenticated", "postgres"],
    // « Fermer mon compte » (20261203090100_account_closure.sql).
    "account_closure_blocker(p_user_id uuid)": ["postgres", "service_role"],
    // « Télécharger mes données » (20261203090200_personal_data_export.sql).
    "my_personal_data()": ["authenticated", "postgres"],
    // « Mes paiements » and the receipt (20261204090100_payment_history.sql).
    "payments_page(p_before_at timestamp with time zone, p_before_id uuid)": ["authenticated", "postgres"],
    "payment_receipt(p_attempt_id uuid)": ["authenticated", "postgres"],
    // « Attestations de paiement » (20261204090200_payment_certificates.sql).
    "certificates_page()": ["authenticated", "postgres"],
    "payment_certificate(p_customer_id uuid, p_year integer)": ["authenticated", "postgres"],
    // Staff: payments to confirm and activity figures (20261206090100_staff_payments_stats.sql).
    "staff_payments_to_confirm(p_numcli text)": ["postgres", "service_role"],
    "staff_monthly_activity(p_month date, p_numcli text)": ["postgres", "service_role"],
    // « Rattacher un contrat » (20261205090100_contract_links.sql).
    "contract_link_page()": ["authenticated", "postgres"],
    "link_contract(p_service_id uuid, p_customer_number text, p_invoice_number text, p_amount_cents bigint)": ["authenticated", "postgres"],
    "staff_unlink_contract(p_link_id uuid, p_reason text, p_by text)": ["postgres", "service_role"],
    // Staff exports for the billing software (20261206090000_exports.sql).
    "export_for_billing(p_kind text, p_numcli text, p_from date, p_to date, p_dry_run boolean, p_by text)": ["postgres", "service_role"],
    // « Me prévenir par e-mail » (20261205090000_email_reminders.sql).
    "reminders_page()": ["authenticated", "postgres"],
    "set_reminder_preferences(p_new_invoices boolean, p_due_soon boolean)": ["authenticated", "postgres"],
    "reminders_unsubscribe(p_account_id uuid)": ["postgres", "service_role"],
    "queue_new_invoice_notices(p_accounts integer)": ["postgres", "service_role"],
    "queue_due_reminders(p_accounts integer, p_dry_run boolean)": ["postgres", "service_role"],
  };

  test("every public function has no EXECUTE for PUBLIC and only the intended grants", async () => {
    const { rows } = await db.pg.query<{ fn: string; grantees: string[] }>(
      `select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as fn,
              array(select distinct case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end
                    from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                    where a.privilege_type = 'EXECUTE' order by 1) as grantees
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public'
       order by 1`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.fn, r.grantees]));
    expect(actual).toEqual(intended);
  });

  test("anon gets the portal name and nothing else from portal_public_info()", async () => {
    const { rows, fields } = await db.asAnon((tx) => tx.query("select * from public.portal_public_info()"));
    expect(fields.map((f) => f.name)).toEqual(["portal_name"]);
    expect(rows).toEqual([{ portal_name: "Le Portail des Factures" }]);
  });

  test("health_check() answers the service role and refuses anon and residents", async () => {
    const { rows } = await db.asService((tx) => tx.query<{ ok: boolean }>("select public.health_check() as ok"));
    expect(rows[0]!.ok).toBe(true);
    await expect(db.asAnon((tx) => tx.query("select public.health_check()"))).rejects.toThrow(/permission denied/);
    await expect(
      db.asUser(SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select public.health_check()")),
    ).rejects.toThrow(/permission denied/);
  });
});

describe("constraints", () => {
  const rejects = (sql: string, params: unknown[] = [], pattern: RegExp = /violates/) =>
    expect(db.asService((tx) => tx.query(sql, params))).rejects.toThrow(pattern);

  test("a negative invoice amount is rejected", async () => {
    await rejects("update portal.invoices set amount_cents = -1 where id = $1", [SEED.invoice2059Id], /amount_cents_check/);
  });

  test("a numcli that is not 6 digits is rejected", async () => {
    for (const numcli of ["4200", "00420A", "0042000", " 004200"]) {
      await rejects("insert into portal.services (name, numcli) values ('X', $1)", [numcli], /numcli_check/);
    }
  });

  test("an invoice number is unique within its service", async () => {
    await rejects(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents)
       values ($1, $2, '2017-020-002059', '2020-01-01', '2020-01-31', 100)`,
      [SEED.serviceId, SEED.demoCustomerId],
      /invoices_service_id_number_key/,
    );
  });

  test("an invoice cannot belong to a customer of another service", async () => {
    const { rows } = await db.asService((tx) =>
      tx.query<{ id: string }>("insert into portal.services (name, numcli) values ('Autre', '009999') returning id"),
    );
    await rejects(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents)
       values ($1, $2, 'X-1', '2020-01-01', '2020-01-31', 100)`,
      [rows[0]!.id, SEED.demoCustomerId],
      /foreign key/,
    );
  });

  test("customer e-mails must be normalised (lower case, trimmed) and well-formed", async () => {
    for (const email of ["Demo@Demo.fr", " demo2@demo.fr", "pas-une-adresse", "a@b"]) {
      await rejects(
        `insert into portal.customers (service_id, customer_number, display_name, email) values ($1, $2, 'X', $3)`,
        [SEED.serviceId, `N-${email}`, email],
        /customers_email_check/,
      );
    }
  });

  test("a refdet must be 6 to 30 alphanumerics, and a payment amount positive", async () => {
    const insert = (refdet: string, amount: number) =>
      db.asService((tx) =>
        tx.query(
          `insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie)
           values ($1, $2, $3, $4, 'payfip_ws', '004200', 'T')`,
          [SEED.serviceId, SEED.demoUserId, refdet, amount],
        ),
      );
    for (const refdet of ["2017-020-002059", "ABC12", "A".repeat(31), "ÉTÉ2017X"]) {
      await expect(insert(refdet, 100)).rejects.toThrow(/refdet_check/);
    }
    await expect(insert("OK2017020002059", 0)).rejects.toThrow(/amount_cents_check/);
    await expect(insert("OK2017020002059", 100)).resolves.toBeDefined();
    await expect(insert("OK2017020002059", 100)).rejects.toThrow(/refdet_key/);
  });

  test("invoice status and payment status accept only their enum values", async () => {
    await rejects("update portal.invoices set status = 'cancelled' where id = $1", [SEED.invoice2059Id], /invalid input value for enum/);
  });

  test("a contact message body must be 1 to 5000 characters", async () => {
    for (const body of ["", "x".repeat(5001)]) {
      await rejects(
        `insert into portal.contact_messages (service_id, sender_email, body) values ($1, 'a@b.fr', $2)`,
        [SEED.serviceId, body],
        /body_check/,
      );
    }
  });

  test("one paper opt-out request per customer", async () => {
    const insert = () =>
      db.asService((tx) =>
        tx.query("insert into portal.paper_optout_requests (account_id, customer_id) values ($1, $2)", [
          SEED.demoUserId,
          SEED.nouveauCustomerId,
        ]),
      );
    await insert();
    await expect(insert()).rejects.toThrow(/customer_id_key/);
  });
});

describe("callers do not leak between transactions", () => {
  test("after a resident's transaction the session is back to the owner with no claims", async () => {
    await db.asUser(SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select 1"));
    const { rows } = await db.pg.query<{ u: string; uid: string | null }>("select current_user as u, auth.uid() as uid");
    expect(rows[0]).toEqual({ u: "postgres", uid: null });
  });

  test("a failed transaction does not leave its role behind", async () => {
    await expect(db.asAnon((tx) => tx.query("select * from portal.invoices"))).rejects.toThrow();
    const id = await createAuthUser(db, "apres.erreur@exemple.fr");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
