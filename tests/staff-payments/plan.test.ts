import { PGlite } from "@electric-sql/pglite";
import { auto_explain } from "@electric-sql/pglite/contrib/auto_explain";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SEED, testDatabase } from "../support/database";

/**
 * The staff's reads at scale, checked as tests/payments-history/plan.test.ts does (auto_explain
 * reports the plan of every statement run inside the call, the function's EXECUTE included):
 * 100 000 payment attempts, 100 000 invoices, 20 000 customers, 10 000 paper opt-out requests and
 * 50 000 e-mails over two years. With a month, public.staff_monthly_activity reaches that month's
 * rows through the indexes of supabase/migrations/20261206090100_staff_payments_stats.sql, never
 * the whole history; the payments to confirm reach the few reported and pending attempts only.
 * Customers are counted per service (the share with an account): read through the service's
 * index, not by linked_at. The figures printed are for information (no timed assertion).
 */
const ATTEMPTS = 100_000;
const INVOICES = 100_000;
const CUSTOMERS = 20_000;
const OPTOUTS = 10_000;
const EMAILS = 50_000;
const HISTORY = new Set(["payment_attempts", "payment_attempt_invoices", "payment_events", "paper_optout_requests", "email_outbox", "invoices"]);

let big: PGlite;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** Scans of the history not reached through an index; customers read by linked_at without one. */
function badScans(plan: PlanNode): string[] {
  return nodesOf(plan).flatMap((node) => {
    const relation = node["Relation Name"] ?? "";
    const type = node["Node Type"];
    const throughIndex = type === "Bitmap Heap Scan" || (type.startsWith("Index") && node["Index Cond"] !== undefined);
    const bad = (HISTORY.has(relation) && !throughIndex) || (relation === "customers" && type === "Seq Scan" && (node.Filter ?? "").includes("linked_at"));
    return bad ? [`${type} on ${relation}`] : [];
  });
}

beforeAll(async () => {
  const plain = await testDatabase();
  big = await PGlite.create("memory://", { extensions: { pgcrypto, auto_explain }, loadDataDir: await plain.pg.dumpDataDir("none") });
  await plain.close();
  // Two years back from now, spread evenly; a few attempts reported or pending (the list's).
  await big.exec(`
    insert into portal.customers (id, service_id, customer_number, display_name, email, created_at, account_id, linked_at)
    select gen_random_uuid(), s.id, 'PLAN' || n, 'Famille ' || n, 'plan' || n || '@exemple.fr', now() - interval '800 days',
           case when n % 2 = 0 then '${SEED.demoUserId}'::uuid end,
           case when n % 2 = 0 then now() - make_interval(mins => n * 35) end
    from generate_series(1, ${CUSTOMERS}) n, portal.services s where s.numcli = case when n % 4 = 0 then '004281' else '004200' end;
    insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, status)
    select c.service_id, c.id, 'PLAN-' || n, (now() - make_interval(days => n % 700))::date, (now() - make_interval(days => n % 700 - 15))::date, 1000 + n % 5000, 'Eau',
           (case when n % 3 = 0 then 'paid' else 'unpaid' end)::portal.invoice_status
    from generate_series(1, ${INVOICES}) n
    join (select id, service_id, row_number() over (order by customer_number) - 1 as k from portal.customers where customer_number like 'PLAN%') c on c.k = n % ${CUSTOMERS};
    insert into portal.payment_attempts (service_id, refdet, idop, amount_cents, provider, numcli, saisie, status, created_at, expires_at, transaction_at, reported_at)
    select s.id, 'PLANA' || n, 'plan-idop-' || n, 1000 + n % 5000, 'payfip_ws', s.numcli, 'T',
           (case when n % 5000 = 0 then 'reported' when n % 5000 = 1 then 'pending'
                 when n % 3 = 0 then 'paid' when n % 3 = 1 then 'refused' else 'expired' end)::portal.payment_status,
           now() - make_interval(mins => n * 10), now() - make_interval(mins => n * 10 - 20),
           now() - make_interval(mins => n * 10 - 3), case when n % 5000 = 0 then now() - make_interval(mins => n * 10 - 3) end
    from generate_series(1, ${ATTEMPTS}) n, portal.services s where s.numcli = case when n % 4 = 0 then '004281' else '004200' end;
    insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
    select a.id, i.id, 1000 from portal.payment_attempts a join portal.invoices i on i.number = 'PLAN-' || substr(a.refdet, 6)
    where a.refdet like 'PLANA%';
    insert into portal.payment_events (attempt_id, kind, created_at)
    select a.id, 'result_refused', a.created_at + interval '3 minutes' from portal.payment_attempts a where a.refdet like 'PLANA%';
    insert into portal.paper_optout_requests (customer_id, requested_at)
    select c.id, now() - make_interval(mins => (k * 100)::int) from (select id, row_number() over (order by customer_number) as k from portal.customers where customer_number like 'PLAN%') c
    where c.k <= ${OPTOUTS};
    insert into portal.email_outbox (kind, to_address, subject, html_body, text_body, status, created_at, sent_at)
    select 'test', 'plan' || n || '@exemple.fr', 'Objet', '<p>x</p>', 'x', (case when n % 50 = 0 then 'failed' else 'sent' end)::portal.email_status,
           now() - make_interval(mins => n * 20), case when n % 50 <> 0 then now() - make_interval(mins => n * 20 - 1) end
    from generate_series(1, ${EMAILS}) n;
    analyze;
  `);
}, 600_000);

afterAll(async () => {
  await big?.close();
});

async function plansOf(sql: string, params: unknown[]): Promise<{ problems: string[]; rows: number; ms: number }> {
  const notices: string[] = [];
  const started = performance.now();
  const answer = await big.transaction(async (tx) => {
    await tx.exec("set local role service_role");
    return tx.query(sql, params, { onNotice: (n) => notices.push(n.message ?? "") });
  });
  const ms = performance.now() - started;
  const plans = notices.filter((m) => m.includes("plan:")).map((m) => JSON.parse(m.slice(m.indexOf("{"))) as { "Query Text": string; Plan: PlanNode });
  expect(plans.length, sql).toBeGreaterThan(0);
  const problems = plans.flatMap((plan) => badScans(plan.Plan).map((scan) => `${scan} in « ${plan["Query Text"].replace(/\s+/g, " ").slice(0, 120)} »`));
  return { problems, rows: answer.rows.length, ms };
}

describe(`staff reads over ${ATTEMPTS} payment attempts and ${INVOICES} invoices`, () => {
  test("a month's figures and the payments to confirm: no sequential scan of the history", async () => {
    await big.exec(`load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on;
      set auto_explain.log_format = json; set auto_explain.log_level = notice;`);
    const month = (await big.query<{ m: string }>("select to_char(now() - interval '3 months', 'YYYY-MM-01') as m")).rows[0]!.m;
    const calls: [string, string, unknown[]][] = [
      ["staff_monthly_activity(month)", "select * from public.staff_monthly_activity($1::date, null)", [month]],
      ["staff_monthly_activity(month, numcli)", "select * from public.staff_monthly_activity($1::date, '004281')", [month]],
      ["staff_payments_to_confirm()", "select * from public.staff_payments_to_confirm()", []],
    ];
    const problems: string[] = [];
    const figures: Record<string, string> = {};
    for (const [name, sql, params] of calls) {
      const result = await plansOf(sql, params);
      problems.push(...result.problems.map((p) => `${name}: ${p}`));
      figures[name] = `${result.rows} rows, ${result.ms.toFixed(0)} ms`;
    }
    await big.exec("set auto_explain.log_min_duration = -1");
    console.log("staff reads at scale:", figures);
    expect(problems).toEqual([]);
    // The list: the 20 reported, and the 19 pending ones past their window by more than a day (the 20th is within it).
    const listed = await big.transaction(async (tx) => {
      await tx.exec("set local role service_role");
      return (await tx.query<{ reason: string; n: number }>("select reason, count(*)::int as n from public.staff_payments_to_confirm() group by 1 order by 1")).rows;
    });
    expect(listed).toEqual([
      { reason: "payfip_no_answer", n: 19 },
      { reason: "reported", n: 20 },
    ]);
  });

  test("the whole history (the view) is there too, for the dashboard: one row per service and month", async () => {
    const { rows } = await big.transaction(async (tx) => {
      await tx.exec("set local role service_role");
      return tx.query<{ n: number; paid: number }>("select count(*)::int as n, sum(payments_count)::int as paid from portal.staff_monthly_activity where numcli is not null");
    });
    // Paid attempts: every third of the 100 000 (the reported and pending ones excepted).
    const paid = (await big.query<{ n: number }>("select count(*)::int as n from portal.payment_attempts where status = 'paid'")).rows[0]!.n;
    expect(rows[0]!.paid).toBe(paid);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2 * 22);
  });
});
