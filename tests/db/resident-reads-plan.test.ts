/**
 * Resident reads at scale (docs/performance.md): with 100 000 invoices and ~25 000 customers in
 * the database, every resident read must reach the caller's rows through an index from the
 * caller's identity — no sequential scan of portal.invoices or portal.customers, whatever the
 * function.
 *
 * How the plans are inspected: the resident functions are not inlined into the caller's query
 * (they carry `set search_path`, and some are plpgsql or security definer), so
 * `EXPLAIN select * from public.my_invoices(...)` shows a bare "Function Scan". Instead the test
 * loads PostgreSQL's auto_explain module (shipped with PGlite) with `log_nested_statements`: the
 * executor then reports, as a NOTICE in JSON, the plan of every statement it really runs inside
 * the call — the SQL functions' bodies, the dynamic query of my_invoices, the nested
 * portal.invoice_payment_block() — with the real parameters. The test walks those plans.
 *
 * Each call runs exactly as the app runs it (and as PostgREST does): one transaction,
 * `set local role authenticated`, and the very `request.jwt.claims` db.run sets for a resident in
 * a live session (read back from such a transaction, not rewritten here). auto_explain needs its module in the PGlite
 * instance, so the big database is a PGlite opened here on a dump of testDatabase().
 */
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { auto_explain } from "@electric-sql/pglite/contrib/auto_explain";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { asLiveUser, SEED, testDatabase } from "../support/database";

const INVOICES = 100_000;
const CUSTOMERS = 25_000;
/** Imported customers that also have an account (so customers.account_id is not all null). */
const ACCOUNTS = 2_500;
const WATCHED = new Set(["invoices", "customers"]);

let plain: Database;
let big: PGlite;
let claims: string;
let demoAttempt: { id: string; idop: string };

interface Call {
  name: string;
  sql: string;
  params?: unknown[];
  /** A query on a table (not a function call): its own plan is the one to check. */
  direct?: true;
}

/**
 * Every read a resident's pages make: the page functions (app/.server/data/resident.ts, one per
 * page), the PDF key and the storage policy (files.ts), and the reads the page functions reuse.
 */
function calls(): Call[] {
  const invoice = SEED.invoice2059Id;
  return [
    { name: "frame_page()", sql: "select public.frame_page()" },
    { name: "home_page()", sql: "select public.home_page()" },
    ...(["unpaid", "paid", "treasury"] as const).map((status) => ({
      name: `invoices_page('${status}', 21)`,
      sql: "select public.invoices_page($1, 21)",
      params: [status],
    })),
    {
      name: "invoices_page('paid', 21, cursor)",
      sql: "select public.invoices_page('paid', 21, $1, $2)",
      params: ["2017-06-01", "ffffffff-ffff-4fff-8fff-ffffffffffff"],
    },
    { name: "invoice_page(id)", sql: "select public.invoice_page($1)", params: [invoice] },
    { name: "info_page()", sql: "select public.info_page()" },
    { name: "contact_page()", sql: "select public.contact_page()" },
    { name: "payment_page()", sql: "select public.payment_page()" },
    { name: "payment_return_page(id)", sql: "select public.payment_return_page($1)", params: [demoAttempt.id] },
    { name: "payment_return_page(idop)", sql: "select public.payment_return_page(null, $1)", params: [demoAttempt.idop] },
    { name: "my_customers()", sql: "select * from public.my_customers()" },
    { name: "my_invoice_counts()", sql: "select * from public.my_invoice_counts()" },
    ...(["unpaid", "paid", "treasury"] as const).map((status) => ({
      name: `my_invoices('${status}', 20)`,
      sql: "select * from public.my_invoices($1, 20)",
      params: [status],
    })),
    {
      name: "my_invoices('paid', 20, cursor)",
      sql: "select * from public.my_invoices('paid', 20, $1, $2)",
      params: ["2017-06-01", "ffffffff-ffff-4fff-8fff-ffffffffffff"],
    },
    { name: "my_invoice(id)", sql: "select * from public.my_invoice($1)", params: [invoice] },
    { name: "my_invoice_pdf_key(id)", sql: "select * from public.my_invoice_pdf_key($1)", params: [invoice] },
    ...pdfListCalls(invoice),
    { name: "my_invoice_payment(id)", sql: "select * from public.my_invoice_payment($1)", params: [invoice] },
    { name: "my_payable_invoices()", sql: "select * from public.my_payable_invoices()" },
    { name: "my_payment_attempt(id)", sql: "select * from public.my_payment_attempt($1)", params: [demoAttempt.id] },
    {
      name: "my_payment_attempt(idop)",
      sql: "select * from public.my_payment_attempt(null, $1)",
      params: [demoAttempt.idop],
    },
    { name: "my_paper_status()", sql: "select * from public.my_paper_status()" },
    { name: "my_contact_services()", sql: "select * from public.my_contact_services()" },
    { name: "portal_home()", sql: "select * from public.portal_home()" },
    {
      name: "storage: download a PDF",
      sql: "select name from storage.objects where bucket_id = 'invoices' and name = $1",
      params: ["004200/2017-020-002059.pdf"],
      direct: true,
    },
  ];
}

/** « Télécharger les PDF » (app/.server/invoice-zip.ts): each tab's list, and a selection's next archive. */
function pdfListCalls(invoice: string): Call[] {
  const list = (params: unknown[]): Call => ({
    name: `my_invoice_pdf_list(${params.map((p) => JSON.stringify(p)).join(", ")})`,
    sql: `select public.my_invoice_pdf_list(${params.map((_, i) => `$${i + 1}`).join(", ")})`,
    params,
  });
  return [list(["unpaid", 201]), list(["paid", 201]), list(["treasury", 201]), list(["paid", 201, "2017-06-01", "ffffffff-ffff-4fff-8fff-ffffffffffff", [invoice]])];
}

/** A transaction as db.run opens it for the demo resident in a live session (claims read from it). */
function asDemo<T>(pg: PGlite, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return pg.transaction(async (tx) => {
    await tx.exec("set local role authenticated");
    await tx.query("select set_config('request.jwt.claims', $1, true)", [claims]);
    return fn(tx);
  });
}

/** Builds the big database: a few set-based inserts as the owner, then ANALYZE. */
async function populate(pg: PGlite): Promise<void> {
  await pg.exec(`
    insert into portal.services (name, numcli)
    select 'Service de charge ' || n, lpad((900000 + n)::text, 6, '0') from generate_series(1, 4) n;

    -- Customers spread over the demo service and the four new ones (accounts are created after,
    -- so the per-row link trigger looks into a nearly empty auth.users).
    insert into portal.customers (service_id, customer_number, display_name, email)
    select s.id, 'PERF' || n, 'Client ' || n, 'client' || n || '@exemple.fr'
    from generate_series(1, ${CUSTOMERS}) n
    join (select id, row_number() over (order by numcli) - 1 as k
          from portal.services where numcli = '004200' or numcli like '9%') s on s.k = n % 5;

    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
      confirmation_token, recovery_token, email_change_token_new, email_change,
      raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
      'client' || n || '@exemple.fr', '', now(), '', '', '', '',
      '{"provider":"email","providers":["email"]}', '{}', now(), now()
    from generate_series(1, ${ACCOUNTS}) n;

    -- Four invoices per customer, ~70 % paid, 20 % unpaid, 10 % treasury, over eight years.
    insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object,
                                 status, pdf_object_key, paid_at)
    select c.service_id, c.id, 'P-' || lpad(n::text, 7, '0'), d, d + 30, 1000 + n % 20000, 'Eau potable',
      st, 'perf/' || n || '.pdf', case when st = 'paid' then d + 40 end
    from generate_series(1, ${INVOICES}) n
    cross join lateral (select date '2015-01-01' + (n * 7919) % 2900 as d,
      (case when n % 10 < 7 then 'paid' when n % 10 < 9 then 'unpaid' else 'treasury' end)::portal.invoice_status as st) x
    join (select id, service_id, row_number() over (order by customer_number) - 1 as k
          from portal.customers where customer_number like 'PERF%') c on c.k = n % ${CUSTOMERS};

    analyze;
  `);
}

/** A demo payment attempt (with an idop), as start_payment + set_payment_idop would leave it. */
async function addDemoAttempt(pg: PGlite): Promise<{ id: string; idop: string }> {
  const idop = "cc0cb210-1cd4-11ea-8cca-0213ad91a103";
  const { rows } = await pg.query<{ id: string }>(
    `insert into portal.payment_attempts (id, service_id, account_id, refdet, amount_cents, provider, numcli, saisie, idop)
     select 'a7000000-0000-4000-8000-000000000001', s.id, $2, 'PERF2017020002059', 24311, s.payment_provider,
       s.numcli, s.saisie, $3
     from portal.services s where s.id = $1 returning id`,
    [SEED.serviceId, SEED.demoUserId, idop],
  );
  const id = rows[0]!.id;
  await pg.query(`insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) values ($1, $2, 24311)`, [
    id,
    SEED.invoice2059Id,
  ]);
  return { id, idop };
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

/** Scans of portal.invoices / portal.customers that do not start from an index condition. */
function badScans(node: PlanNode, out: string[] = []): string[] {
  const type = node["Node Type"];
  const relation = node["Relation Name"];
  if (relation && WATCHED.has(relation)) {
    const indexed =
      type === "Bitmap Heap Scan" ||
      ((type === "Index Scan" || type === "Index Only Scan") && node["Index Cond"] !== undefined);
    if (!indexed) out.push(`${type} on ${relation}${node["Index Name"] ? ` (${node["Index Name"]}, no Index Cond)` : ""}`);
  }
  for (const child of node.Plans ?? []) badScans(child, out);
  return out;
}

interface Explained {
  text: string;
  plan: PlanNode;
}

/**
 * Runs the call as the demo resident with auto_explain on: the plans of the statements run inside
 * it (auto_explain reports nested statements as notices of the call), plus the call's own plan
 * from EXPLAIN in the same transaction (auto_explain's report of the top-level statement does not
 * come back as a notice of that query).
 */
async function plansOf(call: Call): Promise<{ nested: Explained[]; top: Explained }> {
  const notices: string[] = [];
  return asDemo(big, async (tx) => {
    await tx.query(call.sql, call.params ?? [], { onNotice: (n) => notices.push(n.message ?? "") });
    const { rows } = await tx.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
      `explain (format json) ${call.sql}`,
      call.params ?? [],
    );
    const nested = notices
      .filter((m) => m.includes("plan:"))
      .map((m) => JSON.parse(m.slice(m.indexOf("{"))) as { "Query Text": string; Plan: PlanNode })
      .map((p) => ({ text: p["Query Text"].replace(/\s+/g, " ").trim(), plan: p.Plan }));
    return { nested, top: { text: call.sql, plan: rows[0]!["QUERY PLAN"][0]!.Plan } };
  });
}

/** Runs fn with auto_explain reporting every nested statement's plan as a notice, then turns it off. */
async function withAutoExplain(fn: () => Promise<void>): Promise<void> {
  await big.exec(`
    load 'auto_explain';
    set auto_explain.log_min_duration = 0;
    set auto_explain.log_nested_statements = on;
    set auto_explain.log_format = json;
    set auto_explain.log_level = notice;
  `);
  try {
    await fn();
  } finally {
    await big.exec("set auto_explain.log_min_duration = -1");
  }
}

/** Median wall time of a call (ms), each run in its own resident transaction, after a warm-up. */
async function timeOf(run: (sql: string, params: unknown[]) => Promise<unknown>, call: Call): Promise<number> {
  await run(call.sql, call.params ?? []);
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const start = performance.now();
    await run(call.sql, call.params ?? []);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

beforeAll(async () => {
  plain = await testDatabase();
  // A live session of the demo resident (in the dump below too): the page functions check it.
  claims = await asLiveUser(plain, SEED.demoUserId, SEED.demoEmail, async (tx) => {
    const { rows } = await tx.query<{ role: string; claims: string }>(
      "select current_user as role, current_setting('request.jwt.claims') as claims",
    );
    expect(rows[0]!.role).toBe("authenticated");
    return rows[0]!.claims;
  });
  big = await PGlite.create("memory://", {
    extensions: { pgcrypto, auto_explain },
    loadDataDir: await plain.pg.dumpDataDir("none"),
  });
  const started = performance.now();
  await populate(big);
  demoAttempt = await addDemoAttempt(big);
  await addDemoAttempt(plain.pg);
  console.log(`100 000 invoices generated in ${Math.round(performance.now() - started)} ms`);
  // About 10 s on an idle machine; minutes when others share its 2 cores.
}, 600_000);

afterAll(async () => {
  await big?.close();
  await plain?.close();
});

describe("resident reads with 100 000 invoices", () => {
  test("the generated database has the expected size, the demo resident still 6 invoices", async () => {
    const { rows } = await big.query<{ invoices: number; customers: number; linked: number }>(
      `select (select count(*)::int from portal.invoices) as invoices,
              (select count(*)::int from portal.customers) as customers,
              (select count(*)::int from portal.customers where account_id is not null) as linked`,
    );
    expect(rows[0]!.invoices).toBeGreaterThanOrEqual(INVOICES);
    expect(rows[0]!.customers).toBeGreaterThanOrEqual(CUSTOMERS);
    expect(rows[0]!.linked).toBeGreaterThanOrEqual(ACCOUNTS);
    const counts = await asDemo(big, (tx) =>
      tx.query<{ n: number }>("select sum(invoice_count)::int as n from public.my_invoice_counts()"),
    );
    expect(counts.rows[0]!.n).toBe(6);
  });

  test("no resident read scans portal.invoices or portal.customers without an index", async () => {
    const problems: string[] = [];
    await withAutoExplain(async () => {
      for (const call of calls()) {
        const { nested, top } = await plansOf(call);
        // A function's own statements were seen (not only the outer "Function Scan").
        if (!call.direct) expect(nested.length, call.name).toBeGreaterThan(0);
        for (const { text, plan } of [top, ...nested]) {
          for (const scan of badScans(plan)) problems.push(`${call.name}: ${scan} in « ${text.slice(0, 120)} »`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  test("home_page's « Factures à régler » reads the caller's unpaid and treasury invoices through their partial indexes", async () => {
    const indexes = new Set<string>();
    const walk = (node: PlanNode) => {
      if (node["Relation Name"] === "invoices" && node["Index Name"]) indexes.add(node["Index Name"]);
      for (const child of node.Plans ?? []) walk(child);
    };
    await withAutoExplain(async () => {
      const { nested } = await plansOf({ name: "home_page()", sql: "select public.home_page()" });
      for (const { plan } of nested) walk(plan);
    });
    expect([...indexes]).toEqual(expect.arrayContaining(["invoices_treasury_by_customer_idx", "invoices_unpaid_by_customer_idx"]));
    // And the sums are the demo resident's own: 2 unpaid (330,61 €), 2 in treasury.
    const due = await asDemo(big, async (tx) => (await tx.query<{ v: { due: unknown } }>("select public.home_page() as v")).rows[0]!.v.due);
    expect(due).toEqual({
      services: [expect.objectContaining({ numcli: "004200", invoice_count: 2, total_cents: 33061, next_due_on: "2017-07-21" })],
      treasury_count: 2,
    });
  });

  test("timings of each read, demo resident: plain demo database vs 100 000 invoices", async () => {
    const lines: string[] = [];
    for (const call of calls()) {
      const small = await timeOf((sql, params) => asLiveUser(plain, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query(sql, params)), call);
      const large = await timeOf((sql, params) => asDemo(big, (tx) => tx.query(sql, params)), call);
      lines.push(`${call.name.padEnd(34)} ${small.toFixed(2).padStart(8)} ms ${large.toFixed(2).padStart(8)} ms`);
    }
    console.log(`${"read (demo resident)".padEnd(34)} ${"demo db".padStart(11)} ${"100k inv.".padStart(11)}\n${lines.join("\n")}`);
    expect(lines.length).toBe(calls().length);
  });
});
