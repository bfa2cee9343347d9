/**
 * public.my_personal_data() at scale (docs/performance.md): on a database holding 50 000
 * invoices of 12 500 customers, 2 500 accounts, and 20 000 payments, 20 000 messages and 2 000
 * opt-out requests of those accounts, the export reaches the caller's rows through indexes only.
 *
 * The function's body is one SQL statement (supabase/migrations/20261203090200_personal_data_export.sql);
 * the test reads it from the catalog (pg_proc), and EXPLAINs it as the demo resident in a live
 * session, exactly as the function runs it (security invoker: the same role, claims and RLS).
 * Every scan of a table the export reads must start from an index condition. A self-check drops
 * an index and expects the check to see the scan. Prints the call's median time on the demo
 * database and on the large one (figures, not assertions).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { asLiveUser, SEED, testDatabase } from "../support/database";
import { createPersonalDataWorld } from "./world";

const SIZE = { customers: 12_500, accounts: 2_500, invoices: 50_000, payments: 20_000, messages: 20_000, optouts: 2_000 };
const READ = ["customers", "invoices", "payment_attempts", "payment_attempt_invoices", "contact_messages", "paper_optout_requests"];

let small: Database;
let large: Database;
let statement: string;

const asDemo = <T>(db: Database, sql: string) => asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query<T>(sql));

/** Rows of other people in every table the export reads, generated in SQL as the owner. */
async function fill(db: Database): Promise<void> {
  const n = SIZE;
  await db.pg.exec(`
    insert into portal.services (name, numcli) select 'Régie ' || k, (910000 + k)::text from generate_series(1, 3) as k;
    -- Customers first, then the accounts of the first ones: the accounts trigger links them by e-mail.
    insert into portal.customers (service_id, customer_number, display_name, email)
      select (array(select id from portal.services order by numcli))[1 + k % 4], 'GRAND-' || k, 'Habitant ' || k, 'habitant' || k || '@exemple.fr'
      from generate_series(1, ${n.customers}) as k;
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'habitant' || k || '@exemple.fr', '', now(), now()
      from generate_series(1, ${n.accounts}) as k;
    insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, status)
      select c.service_id, c.id, 'G-' || k, date '2016-01-01' + k % 3000, date '2016-02-01' + k % 3000, 500 + k % 9000,
             (array['paid', 'unpaid', 'treasury'])[1 + k % 3]::portal.invoice_status
      from generate_series(1, ${n.invoices}) as k
      join (select id, service_id, row_number() over () as r from portal.customers where customer_number like 'GRAND-%') c on c.r = 1 + k % ${n.customers};
  `);
  await db.pg.exec(`
    create temporary table holders as
      select row_number() over () as r, c.id as customer_id, c.service_id, c.account_id, c.email,
             (select i.id from portal.invoices i where i.customer_id = c.id limit 1) as invoice_id
      from portal.customers c where c.account_id is not null and c.customer_number like 'GRAND-%';
    insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status)
      select h.service_id, h.account_id, 'GRANDPAIEMENT' || k, 700, s.payment_provider, s.numcli, s.saisie, 'refused'
      from generate_series(1, ${n.payments}) as k
      join holders h on h.r = 1 + k % ${n.accounts} join portal.services s on s.id = h.service_id;
    insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
      select a.id, h.invoice_id, 700 from portal.payment_attempts a join holders h on h.account_id = a.account_id
      where a.refdet like 'GRANDPAIEMENT%';
    insert into portal.contact_messages (account_id, service_id, sender_email, body)
      select h.account_id, h.service_id, h.email, 'Question ' || k
      from generate_series(1, ${n.messages}) as k join holders h on h.r = 1 + k % ${n.accounts};
    insert into portal.paper_optout_requests (account_id, customer_id) select account_id, customer_id from holders where r <= ${n.optouts};
    drop table holders;
    analyze;
  `);
}

type Node = { "Node Type": string; "Relation Name"?: string; "Index Cond"?: string; Plans?: Node[] };

/** Every node of a plan, depth first. */
const nodesOf = (node: Node): Node[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The export's statement, EXPLAINed as the demo resident: the tables it reads, and its scans without an index condition. */
async function explain(db: Database): Promise<{ tables: Set<string>; unindexed: string[] }> {
  const { rows } = await asDemo<{ "QUERY PLAN": { Plan: Node }[] }>(db, `explain (format json) ${statement}`);
  const nodes = nodesOf(rows[0]!["QUERY PLAN"][0]!.Plan).filter((node) => READ.includes(node["Relation Name"] ?? ""));
  const viaIndex = (node: Node) => node["Node Type"] === "Bitmap Heap Scan" || (/^Index (Only )?Scan$/.test(node["Node Type"]) && Boolean(node["Index Cond"]));
  return {
    tables: new Set(nodes.map((node) => node["Relation Name"]!)),
    unindexed: nodes.filter((node) => !viaIndex(node)).map((node) => `${node["Node Type"]} on ${node["Relation Name"]}`),
  };
}

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[5]!;
}

beforeAll(async () => {
  small = await testDatabase();
  large = await testDatabase();
  for (const db of [small, large]) await createPersonalDataWorld(db);
  const t0 = performance.now();
  await fill(large);
  console.log(`large database filled in ${Math.round(performance.now() - t0)} ms`);
  // The body's one statement, as plpgsql runs it (its `into` is plpgsql's, not SQL's).
  const { rows } = await large.pg.query<{ src: string }>("select prosrc as src from pg_proc where proname = 'my_personal_data'");
  const body = rows[0]!.src;
  statement = body.slice(body.indexOf("with"), body.lastIndexOf("into v_export"));
}, 600_000);

afterAll(() => Promise.all([small?.close(), large?.close()]));

describe("public.my_personal_data() on a large database", () => {
  test("the tables are large, and the demo resident's export is the same as on the demo database", async () => {
    const count = async (table: string) => (await large.pg.query<{ n: number }>(`select count(*)::int as n from portal.${table}`)).rows[0]!.n;
    expect(await count("invoices")).toBeGreaterThan(SIZE.invoices);
    expect(await count("payment_attempts")).toBeGreaterThan(SIZE.payments);
    expect(await count("payment_attempt_invoices")).toBeGreaterThan(SIZE.payments);
    expect(await count("contact_messages")).toBeGreaterThan(SIZE.messages);
    expect(await count("paper_optout_requests")).toBeGreaterThan(SIZE.optouts);
    const exportOf = async (db: Database) => {
      const { rows } = await asDemo<{ v: Record<string, unknown> }>(db, "select public.my_personal_data() as v");
      return JSON.stringify({ ...rows[0]!.v, generated_at: null });
    };
    expect(await exportOf(large)).toBe(await exportOf(small));
  });

  test("the statement explained is the function's, and reads every table of the export", async () => {
    expect(statement).toMatch(/^with\s+customers as/);
    expect(statement).toContain("portal.paper_optout_requests");
    const { tables } = await explain(large);
    expect([...tables].sort()).toEqual([...READ].sort());
  });

  test("every table is reached through an index from the caller", async () => {
    expect((await explain(large)).unindexed).toEqual([]);
  });

  test("self-check: without contact_messages' index, the scan is seen", async () => {
    await large.pg.exec("drop index portal.contact_messages_account_idx; analyze portal.contact_messages");
    try {
      expect((await explain(large)).unindexed).toContain("Seq Scan on contact_messages");
    } finally {
      await large.pg.exec("create index contact_messages_account_idx on portal.contact_messages (account_id, created_at desc); analyze portal.contact_messages");
    }
  });

  test("the call's time, demo resident (printed)", async () => {
    const call = (db: Database) => () => asDemo(db, "select public.my_personal_data()");
    const [onSmall, onLarge] = [await median(call(small)), await median(call(large))];
    console.log(`my_personal_data(): median ${onSmall.toFixed(1)} ms on the demo database, ${onLarge.toFixed(1)} ms on the large one`);
    expect(onLarge).toBeGreaterThan(0);
  });
});
