/**
 * The exports at scale: with 40 000 invoices settled online and 30 000 paper opt-out requests
 * already exported, the next export (« dernier ») and a one-day period reach their lines through
 * indexes — no sequential scan of the ledgers or of the tables they join — whatever the size of
 * the history. The plans are read with auto_explain (PostgreSQL's module, shipped with PGlite),
 * which reports every statement run inside the SQL functions, as tests/db/resident-reads-plan.test.ts
 * explains. Prints the calls' times (no timed assertion).
 */
import { PGlite } from "@electric-sql/pglite";
import { auto_explain } from "@electric-sql/pglite/contrib/auto_explain";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { testDatabase } from "../support/database";

const PAYMENTS = 40_000;
const OPTOUTS = 30_000;
const WATCHED = new Set([
  "payment_export_lines",
  "paper_export_lines",
  "payment_attempts",
  "payment_attempt_invoices",
  "invoices",
  "customers",
  "paper_optout_requests",
]);

let big: PGlite;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

function badScans(node: PlanNode, out: string[] = []): string[] {
  const relation = node["Relation Name"];
  if (relation && WATCHED.has(relation)) {
    const type = node["Node Type"];
    // The claim's UPDATE and its row locks are not scans; a scan of a partial index of the
    // unexported lines reads those lines only (no condition needed).
    const indexed =
      type === "ModifyTable" ||
      type === "LockRows" ||
      type === "Bitmap Heap Scan" ||
      ((type === "Index Scan" || type === "Index Only Scan") && (node["Index Cond"] !== undefined || /_unexported_idx$/.test(node["Index Name"] ?? "")));
    if (!indexed) out.push(`${type} on ${relation}`);
  }
  for (const child of node.Plans ?? []) badScans(child, out);
  return out;
}

async function populate(pg: PGlite): Promise<void> {
  await pg.exec(`
    insert into portal.customers (service_id, customer_number, display_name, paper_invoices)
    select '5e000000-0000-4000-8000-000000004200', 'PLAN' || lpad(n::text, 6, '0'), 'Client ' || n, true from generate_series(1, ${PAYMENTS}) n;
    insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, pdf_object_key)
    select c.service_id, c.id, 'P-' || substr(c.customer_number, 5), date '2026-01-01', date '2026-02-01', 1000, 'Eau', 'x.pdf'
    from portal.customers c where c.customer_number like 'PLAN%';
    insert into portal.payment_attempts (service_id, refdet, amount_cents, provider, numcli, saisie, created_at)
    select i.service_id, 'PLAN' || substr(i.number, 3), 1000, 'payfip_ws', '004200', 'T',
           timestamptz '2026-01-01' + (substr(i.number, 3)::int * interval '10 minutes')
    from portal.invoices i where i.number like 'P-%';
    insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
    select a.id, i.id, 1000 from portal.payment_attempts a join portal.invoices i on i.number = 'P-' || substr(a.refdet, 5)
    where a.refdet like 'PLAN%';
    update portal.payment_attempts set status = 'paid', transaction_at = created_at where refdet like 'PLAN%';
    insert into portal.paper_optout_requests (customer_id, requested_at)
    select c.id, timestamptz '2026-01-01' + (substr(c.customer_number, 5)::int * interval '30 minutes')
    from portal.customers c where c.customer_number like 'PLAN%' and substr(c.customer_number, 5)::int <= ${OPTOUTS};
  `);
  await pg.exec("set role service_role; select public.export_online_payments(); select public.export_paper_optouts(); reset role;");
  // The few new ones since that export.
  await pg.exec(`
    update portal.payment_attempts a set status = 'pending' where a.refdet in ('PLAN039999', 'PLAN040000');
    delete from portal.payment_export_lines l using portal.payment_attempts a where a.id = l.attempt_id and a.refdet in ('PLAN039999', 'PLAN040000');
    update portal.payment_attempts a set status = 'paid' where a.refdet in ('PLAN039999', 'PLAN040000');
    analyze;
  `);
}

beforeAll(async () => {
  const plain = await testDatabase();
  big = await PGlite.create("memory://", { extensions: { pgcrypto, auto_explain }, loadDataDir: await plain.pg.dumpDataDir("none") });
  await plain.close();
  const started = performance.now();
  await populate(big);
  console.log(`${PAYMENTS} settled payments and ${OPTOUTS} opt-outs exported in ${Math.round(performance.now() - started)} ms`);
}, 600_000);

afterAll(async () => {
  await big?.close();
});

async function nestedPlans(sql: string): Promise<{ text: string; plan: PlanNode }[]> {
  const notices: string[] = [];
  await big.exec("load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_format = json; set auto_explain.log_level = notice;");
  try {
    const started = performance.now();
    await big.transaction(async (tx) => {
      await tx.exec("set local role service_role");
      await tx.query(sql, [], { onNotice: (n) => notices.push(n.message ?? "") });
      // Nothing kept: each call sees the same state.
      await tx.rollback();
    });
    console.log(`${sql}: ${Math.round(performance.now() - started)} ms`);
  } finally {
    await big.exec("set auto_explain.log_min_duration = -1");
  }
  return notices
    .filter((m) => m.includes("plan:"))
    .map((m) => JSON.parse(m.slice(m.indexOf("{"))) as { "Query Text": string; Plan: PlanNode })
    .map((p) => ({ text: p["Query Text"].replace(/\s+/g, " ").trim(), plan: p.Plan }));
}

test.each([
  ["select public.export_online_payments()", 2],
  ["select public.export_online_payments(p_dry_run => true)", 2],
  ["select public.export_online_payments(p_from => '2026-06-01', p_to => '2026-06-01')", 144],
  ["select public.export_paper_optouts()", 0],
  ["select public.export_paper_optouts(p_from => '2026-03-01', p_to => '2026-03-01')", 48],
])("%s reaches its lines through indexes", async (sql, lines) => {
  const plans = await nestedPlans(sql);
  expect(plans.length).toBeGreaterThan(0);
  const bad = plans.flatMap((p) => badScans(p.plan).map((scan) => `${scan} in: ${p.text.slice(0, 160)}`));
  expect(bad).toEqual([]);
  const { rows } = await big.transaction(async (tx) => {
    await tx.exec("set local role service_role");
    const answer = await tx.query<{ r: { lines: unknown[] } }>(`${sql} as r`);
    await tx.rollback();
    return answer;
  });
  expect(rows[0]!.r.lines).toHaveLength(lines);
}, 120_000);
