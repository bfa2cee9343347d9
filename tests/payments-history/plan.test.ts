import { PGlite, type Transaction } from "@electric-sql/pglite";
import { auto_explain } from "@electric-sql/pglite/contrib/auto_explain";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { asLiveUser, SEED, testDatabase } from "../support/database";

/**
 * « Mes paiements » and the receipt reach the caller's rows through indexes from auth.uid()
 * (docs/performance.md), checked as tests/db/resident-reads-plan.test.ts does: auto_explain
 * reports the plan of every statement run inside the call. 40 000 payment attempts of 4 000
 * accounts, 20 of the demo resident's; no sequential scan of them or of their invoice lines.
 */
const ACCOUNTS = 4_000;
const PAID_INVOICE = "1a000000-0000-4000-8000-000000000003"; // the demo resident's, paid
const ATTEMPTS = 40_000;
// The seed's few invoices and customers are read by sequential scan here (too small for an index to
// pay): their plans at scale are tests/db/resident-reads-plan.test.ts's. The attempts are the big ones.
const WATCHED = new Set(["payment_attempts", "payment_attempt_invoices"]);

let big: PGlite;
let claims: string;
let demoAttempt: string;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

function badScans(node: PlanNode, out: string[] = []): string[] {
  const relation = node["Relation Name"];
  if (relation && WATCHED.has(relation)) {
    const type = node["Node Type"];
    const indexed = type === "Bitmap Heap Scan" || ((type === "Index Scan" || type === "Index Only Scan") && node["Index Cond"] !== undefined);
    if (!indexed) out.push(`${type} on ${relation}`);
  }
  for (const child of node.Plans ?? []) badScans(child, out);
  return out;
}

function asDemo<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return big.transaction(async (tx) => {
    await tx.exec("set local role authenticated");
    await tx.query("select set_config('request.jwt.claims', $1, true)", [claims]);
    return fn(tx);
  });
}

beforeAll(async () => {
  const plain = await testDatabase();
  claims = await asLiveUser(plain, SEED.demoUserId, SEED.demoEmail, async (tx) => (await tx.query<{ c: string }>("select current_setting('request.jwt.claims') as c")).rows[0]!.c);
  big = await PGlite.create("memory://", { extensions: { pgcrypto, auto_explain }, loadDataDir: await plain.pg.dumpDataDir("none") });
  await plain.close();
  await big.exec(`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
      confirmation_token, recovery_token, email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
      'payeur' || n || '@exemple.fr', '', now(), '', '', '', '', '{}', '{}', now(), now()
    from generate_series(1, ${ACCOUNTS}) n;
    insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status, created_at)
    select '${SEED.serviceId}', u.id, 'PLAN00' || n, 1000, 'payfip_ws', '004200', 'T',
      (case when n % 3 = 0 then 'paid' when n % 3 = 1 then 'refused' else 'abandoned' end)::portal.payment_status,
      now() - make_interval(mins => n)
    from generate_series(1, ${ATTEMPTS}) n
    join (select id, row_number() over (order by email) - 1 as k from auth.users where email like 'payeur%') u on u.k = n % ${ACCOUNTS};
    -- The others' attempts are on another customer's invoice (the demo invoice keeps its own few).
    insert into portal.invoices (id, service_id, customer_id, number, issued_on, due_on, amount_cents, object)
    values ('1a000000-0000-4000-8000-00000000beef', '${SEED.serviceId}', '${SEED.nouveauCustomerId}', 'PLAN-1', '2024-01-01', '2024-01-31', 1000, 'Eau');
    insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
    select a.id, '1a000000-0000-4000-8000-00000000beef', 1000 from portal.payment_attempts a where a.refdet like 'PLAN%';
    insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status, created_at)
    select '${SEED.serviceId}', '${SEED.demoUserId}', 'DEMO00' || n, 1000, 'payfip_ws', '004200', 'T', 'paid', now() - make_interval(hours => n)
    from generate_series(1, 20) n;
    insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
    select a.id, '${PAID_INVOICE}', 1000 from portal.payment_attempts a where a.refdet like 'DEMO%';
    analyze;
  `);
  demoAttempt = (await big.query<{ id: string }>("select id from portal.payment_attempts where refdet = 'DEMO005'")).rows[0]!.id;
}, 600_000);

afterAll(async () => {
  await big?.close();
});

describe(`« Mes paiements » with ${ATTEMPTS} payment attempts`, () => {
  test("no sequential scan of payment attempts or of their invoice lines; 20 a page", async () => {
    const calls: [string, string, unknown[]][] = [
      ["payments_page()", "select public.payments_page()", []],
      // After the demo resident's 5th newest attempt: the 15 older ones and the seed's 3 (2017).
      ["payments_page(keyset)", "select public.payments_page(a.created_at, a.id) from portal.payment_attempts a where a.id = $1", [demoAttempt]],
      ["payment_receipt(id)", "select public.payment_receipt($1)", [demoAttempt]],
      // A paid invoice: its « Réglée en ligne » line (an unpaid one's payment state is the big test's).
      ["invoice_page(paid id)", "select public.invoice_page($1)", [PAID_INVOICE]],
    ];
    await big.exec(`load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on;
      set auto_explain.log_format = json; set auto_explain.log_level = notice;`);
    const problems: string[] = [];
    const counts: Record<string, number> = {};
    for (const [name, sql, params] of calls) {
      const notices: string[] = [];
      const answer = await asDemo((tx) => tx.query<Record<string, { payments?: unknown[] }>>(sql, params, { onNotice: (n) => notices.push(n.message ?? "") }));
      const plans = notices.filter((m) => m.includes("plan:")).map((m) => JSON.parse(m.slice(m.indexOf("{"))) as { "Query Text": string; Plan: PlanNode });
      expect(plans.length, name).toBeGreaterThan(0);
      for (const plan of plans) for (const scan of badScans(plan.Plan)) problems.push(`${name}: ${scan} in « ${plan["Query Text"].replace(/\s+/g, " ").slice(0, 100)} »`);
      const page = Object.values(answer.rows[0]!)[0]!;
      if (page.payments) counts[name] = page.payments.length;
    }
    await big.exec("set auto_explain.log_min_duration = -1");
    expect(problems).toEqual([]);
    expect(counts).toEqual({ "payments_page()": 20, "payments_page(keyset)": 15 + SEED.demoPaymentAttempts.length });
  });
});
