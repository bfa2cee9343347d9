/**
 * The certificates' reads at scale (docs/performance.md): with 30 000 invoices over 6 000 customer
 * records, public.certificates_page() and public.payment_certificate() reach the caller's rows
 * through indexes from the caller's identity — customers(account_id) or the record's primary key,
 * then invoices_paid_at_by_customer_idx (a year as a range of paid_at) — never a sequential scan
 * of portal.invoices or portal.customers. As tests/db/resident-reads-plan.test.ts does, the
 * statements run inside each call are reported by auto_explain (log_nested_statements), with the
 * claims of a live session of the demo resident, and their plans walked.
 */
import { PGlite } from "@electric-sql/pglite";
import { auto_explain } from "@electric-sql/pglite/contrib/auto_explain";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { asLiveUser, SEED, testDatabase } from "../support/database";

const INVOICES = 30_000;
const CUSTOMERS = 6_000;
let big: PGlite;
let claims: string;

/** A node of EXPLAIN (format json), with the fields read here. */
type PlanNode = { Plans?: PlanNode[] } & Partial<Record<"Node Type" | "Relation Name" | "Index Name" | "Index Cond", string>>;

/** Every scan of invoices or customers, as "<type> <relation> [<index>]"; unindexed ones marked "NOT INDEXED". */
function scans(node: PlanNode, out: string[] = []): string[] {
  const { "Node Type": type, "Relation Name": relation, "Index Name": index, "Index Cond": cond } = node;
  if (relation === "invoices" || relation === "customers") {
    const indexed = (type === "Index Scan" || type === "Index Only Scan") && cond !== undefined;
    out.push(`${indexed ? "" : "NOT INDEXED "}${type} ${relation}${index ? ` ${index}` : ""}`);
  }
  for (const child of node.Plans ?? []) scans(child, out);
  return out;
}

/** The scans of the statements run inside `sql`, as the demo resident in a live session. */
async function scansOf(sql: string, params: unknown[] = []): Promise<string[]> {
  const notices: string[] = [];
  await big.transaction(async (tx) => {
    await tx.exec("set local role authenticated");
    await tx.query("select set_config('request.jwt.claims', $1, true)", [claims]);
    await tx.query(sql, params, { onNotice: (n) => notices.push(n.message ?? "") });
  });
  return notices
    .filter((m) => m.includes("plan:"))
    .flatMap((m) => scans((JSON.parse(m.slice(m.indexOf("{"))) as { Plan: PlanNode }).Plan));
}

beforeAll(async () => {
  const plain = await testDatabase();
  claims = await asLiveUser(plain, SEED.demoUserId, SEED.demoEmail, async (tx) => (await tx.query<{ c: string }>("select current_setting('request.jwt.claims') as c")).rows[0]!.c);
  big = await PGlite.create("memory://", { extensions: { pgcrypto, auto_explain }, loadDataDir: await plain.pg.dumpDataDir("none") });
  await plain.close();
  await big.exec(`
    insert into portal.customers (service_id, customer_number, display_name)
    select '${SEED.serviceId}', 'PLAN' || n, 'Client ' || n from generate_series(1, ${CUSTOMERS}) n;
    -- Five invoices per record, two in three paid with a date over ten years.
    insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, status, paid_at)
    select c.service_id, c.id, 'PLAN-' || n, d, d + 30, 1000 + n % 9000,
      (case when n % 3 = 0 then 'unpaid' else 'paid' end)::portal.invoice_status,
      case when n % 3 <> 0 then (d + 10)::timestamptz end
    from generate_series(1, ${INVOICES}) n
    cross join lateral (select date '2015-01-01' + (n * 7919) % 3650 as d) x
    join (select id, service_id, row_number() over (order by customer_number) - 1 as k
          from portal.customers where customer_number like 'PLAN%') c on c.k = n % ${CUSTOMERS};
    analyze;
  `);
  // Every statement run inside a call reported with its plan, as a NOTICE in JSON.
  await big.exec("load 'auto_explain'");
  const settings = { log_min_duration: "0", log_nested_statements: "on", log_format: "json", log_level: "notice" };
  for (const [name, value] of Object.entries(settings)) await big.exec(`set auto_explain.${name} = ${value}`);
}, 600_000);

afterAll(() => big?.close());

describe(`certificates with ${INVOICES} invoices`, () => {
  test("certificates_page(): customers by account_id, each record's years from the paid-at index", async () => {
    const found = await scansOf("select public.certificates_page()");
    console.log("certificates_page():", found);
    expect(found.filter((s) => s.startsWith("NOT INDEXED"))).toEqual([]);
    expect(found.some((s) => s.includes("invoices invoices_paid_at_by_customer_idx"))).toBe(true);
  });

  test("payment_certificate(id, year): the record by its key, that year's range of the paid-at index", async () => {
    const found = await scansOf("select public.payment_certificate($1, 2017)", [SEED.demoCustomerId]);
    console.log("payment_certificate():", found);
    expect(found.filter((s) => s.startsWith("NOT INDEXED"))).toEqual([]);
    expect(found).toContain("Index Scan invoices invoices_paid_at_by_customer_idx");
  });
});
