import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { SEED, testDatabase } from "../support/database";

/**
 * The proof's lookup of public.link_contract at scale (docs/performance.md): with 40 000 invoices
 * over 8 000 customer records of one service, the customer is found by its unique
 * (service_id, customer_number) and the invoice by its unique (service_id, number), never by a
 * sequential scan. link_contract is security definer (it looks for a record the caller cannot see
 * yet), so its statement runs as the owner: EXPLAIN of the same statement, as the owner.
 */
const CUSTOMERS = 8_000;
const INVOICES = 40_000;
let db: Database;

// The statement of portal.link_contract_unchecked (supabase/migrations/20261205090100_contract_links.sql).
const LOOKUP = `
  select c.* from portal.customers c
  where c.service_id = $1 and c.customer_number = $2
    and exists (select 1 from portal.invoices i
                where i.service_id = $1 and i.number = $3 and i.customer_id = c.id and i.amount_cents = $4)
  for update of c`;

type Node = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: Node[] };
const flatten = (n: Node): Node[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

beforeAll(async () => {
  db = await testDatabase();
  await db.pg.exec(`
    insert into portal.customers (service_id, customer_number, display_name)
    select '${SEED.serviceId}', 'ECH' || k, 'Client ' || k from generate_series(1, ${CUSTOMERS}) k;
    insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents)
    select c.service_id, c.id, 'ECH-' || c.customer_number || '-' || j, date '2020-01-01', date '2020-01-31', 1000 + j
    from portal.customers c cross join generate_series(1, ${INVOICES / CUSTOMERS}) j
    where c.customer_number like 'ECH%';
    analyze portal.customers; analyze portal.invoices;
  `);
}, 600_000);
afterAll(() => db?.close());

describe(`link_contract's lookup with ${INVOICES} invoices`, () => {
  test("the customer by (service_id, customer_number), the invoice by (service_id, number): index scans only", async () => {
    const { rows } = await db.pg.query<{ "QUERY PLAN": [{ Plan: Node }] }>(`explain (format json) ${LOOKUP}`, [SEED.serviceId, "ECH4242", "ECH-ECH4242-3", 1003]);
    const nodes = flatten(rows[0]!["QUERY PLAN"][0].Plan).filter((n) => n["Relation Name"] === "customers" || n["Relation Name"] === "invoices");
    const found = nodes.map((n) => `${n["Node Type"]} ${n["Relation Name"]} ${n["Index Name"] ?? ""}`.trim());
    console.log("link_contract lookup:", found);
    expect(found.filter((s) => !/^Index (Only )?Scan /.test(s))).toEqual([]);
    expect(found).toContain("Index Scan customers customers_service_id_customer_number_key");
    expect(found.some((s) => s.startsWith("Index Scan invoices invoices_service_id_number_key"))).toBe(true);
    // And the statement finds the right record.
    expect((await db.pg.query(LOOKUP, [SEED.serviceId, "ECH4242", "ECH-ECH4242-3", 1003])).rows).toHaveLength(1);
  });
});
