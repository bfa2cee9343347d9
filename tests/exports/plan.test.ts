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
const WATCHED = ["payment_export_lines", "paper_export_lines", "payment_attempts", "payment_attempt_invoices", "invoices", "customers", "paper_optout_requests"];

let big: PGlite;

/**
 * The scans of a text plan that read a watched table without an index condition: a sequential
 * scan, or an index scan with no `Index Cond` (but the partial indexes of unexported lines, which
 * hold those lines only). The claim's UPDATE and its row locks are not scans.
 */
function unindexedScans(plan: string): string[] {
  const lines = plan.split("\n");
  return lines.flatMap((line, at) => {
    const scan = /(Seq Scan|Index Scan|Index Only Scan)(?: Backward)?(?: using (\S+))? on (\w+)/.exec(line);
    if (!scan || !WATCHED.includes(scan[3]!)) return [];
    if (scan[1] === "Seq Scan") return [line.trim()];
    const depth = line.search(/\S/);
    const own = lines.slice(at + 1).findIndex((next) => next.search(/\S/) <= depth || /->/.test(next));
    const details = lines.slice(at + 1, own === -1 ? undefined : at + 1 + own);
    return details.some((d) => d.includes("Index Cond:")) || /_unexported_idx$/.test(scan[2] ?? "") ? [] : [line.trim()];
  });
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
  const first = performance.now();
  await pg.exec("set role service_role; select public.export_for_billing('payments'); select public.export_for_billing('paper'); reset role;");
  console.log(`first exports (${PAYMENTS} + ${OPTOUTS} lines, one call each): ${Math.round(performance.now() - first)} ms`);
  // The few new ones since that export.
  await pg.exec(`
    update portal.payment_attempts a set status = 'pending' where a.refdet in ('PLAN039999', 'PLAN040000');
    delete from portal.payment_export_lines l using portal.payment_attempts a where a.id = l.attempt_id and a.refdet in ('PLAN039999', 'PLAN040000');
    update portal.payment_attempts a set status = 'paid' where a.refdet in ('PLAN039999', 'PLAN040000');
    analyze;
  `);
}

/** A PGlite with auto_explain, from the migrated and seeded snapshot. */
async function plannerDatabase(): Promise<PGlite> {
  const seeded = await testDatabase();
  try {
    return await PGlite.create("memory://", { extensions: { pgcrypto, auto_explain }, loadDataDir: await seeded.pg.dumpDataDir("none") });
  } finally {
    await seeded.close();
  }
}

beforeAll(async () => {
  big = await plannerDatabase();
  const started = performance.now();
  await populate(big);
  console.log(`${PAYMENTS} settled payments and ${OPTOUTS} opt-outs exported in ${Math.round(performance.now() - started)} ms`);
}, 600_000);

afterAll(async () => {
  await big?.close();
});

/** The plans (text) of every statement run inside `sql`, as the service role, rolled back. */
async function plansInside(sql: string): Promise<string[]> {
  const notices: string[] = [];
  await big.exec(
    ["load 'auto_explain'", "set auto_explain.log_min_duration = 0", "set auto_explain.log_nested_statements = on", "set auto_explain.log_level = notice"].join(";"),
  );
  const started = performance.now();
  try {
    await big.transaction(async (tx) => {
      await tx.exec("set local role service_role");
      await tx.query(sql, [], { onNotice: (n) => notices.push(n.message ?? "") });
      await tx.rollback(); // each call sees the same state
    });
  } finally {
    await big.exec("set auto_explain.log_min_duration = -1");
  }
  console.log(`${sql}: ${Math.round(performance.now() - started)} ms`);
  return notices.filter((m) => m.includes("Query Text:"));
}

test.each([
  ["select public.export_for_billing('payments')", 2],
  ["select public.export_for_billing('payments', p_dry_run => true)", 2],
  ["select public.export_for_billing('payments', p_from => '2026-06-01', p_to => '2026-06-01')", 144],
  ["select public.export_for_billing('paper')", 0],
  ["select public.export_for_billing('paper', p_from => '2026-03-01', p_to => '2026-03-01')", 48],
])("%s reaches its lines through indexes", async (sql, lines) => {
  const plans = await plansInside(sql);
  expect(plans.join("\n")).toMatch(/Index (Only )?Scan using \w+_(unexported|paid_at|requested_at)_idx/);
  expect(plans.flatMap(unindexedScans)).toEqual([]);
  const { rows } = await big.transaction(async (tx) => {
    await tx.exec("set local role service_role");
    const answer = await tx.query<{ r: { lines: unknown[] } }>(`${sql} as r`);
    await tx.rollback();
    return answer;
  });
  expect(rows[0]!.r.lines).toHaveLength(lines);
}, 120_000);
