/**
 * public.my_personal_data() at scale (docs/performance.md): with 50 000 invoices, 12 500
 * customers, 2 500 accounts and tens of thousands of payments, messages and opt-out requests of
 * other accounts, every statement the export runs reaches the caller's rows through an index
 * from the caller's identity: no sequential scan of the tables it reads. Same method as
 * tests/db/resident-reads-plan.test.ts: auto_explain (shipped with PGlite) reports the plan of
 * every statement run inside the call, as the demo resident in a live session, and the test walks
 * those plans. Prints the call's time on the demo database and on the big one (figures, not
 * assertions).
 */
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { auto_explain } from "@electric-sql/pglite/contrib/auto_explain";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { asLiveUser, SEED, testDatabase } from "../support/database";
import { createPersonalDataWorld } from "./world";

const INVOICES = 50_000;
const CUSTOMERS = 12_500;
const ACCOUNTS = 2_500;
const ATTEMPTS = 20_000;
const MESSAGES = 20_000;
const OPTOUTS = 2_000;
const WATCHED = new Set(["invoices", "customers", "payment_attempts", "payment_attempt_invoices", "contact_messages", "paper_optout_requests"]);
const CALL = "select public.my_personal_data()";

let plain: Database;
let big: PGlite;
let claims: string;

function asDemo<T>(pg: PGlite, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return pg.transaction(async (tx) => {
    await tx.exec("set local role authenticated");
    await tx.query("select set_config('request.jwt.claims', $1, true)", [claims]);
    return fn(tx);
  });
}

/** Other accounts' rows in every table the export reads, set-based, as the owner; then ANALYZE. */
async function populate(pg: PGlite): Promise<void> {
  await pg.exec(`
    insert into portal.services (name, numcli)
    select 'Service de charge ' || n, lpad((900000 + n)::text, 6, '0') from generate_series(1, 4) n;

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

    insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, paid_at)
    select c.service_id, c.id, 'P-' || lpad(n::text, 7, '0'), d, d + 30, 1000 + n % 20000, 'Eau potable',
      st, case when st = 'paid' then d + 40 end
    from generate_series(1, ${INVOICES}) n
    cross join lateral (select date '2015-01-01' + (n * 7919) % 2900 as d,
      (case when n % 10 < 7 then 'paid' when n % 10 < 9 then 'unpaid' else 'treasury' end)::portal.invoice_status as st) x
    join (select id, service_id, row_number() over (order by customer_number) - 1 as k
          from portal.customers where customer_number like 'PERF%') c on c.k = n % ${CUSTOMERS};

    -- Payments, messages and opt-out requests of the linked accounts.
    create temporary table linked as
      select row_number() over (order by c.customer_number) - 1 as k, c.id as customer_id, c.service_id, c.account_id, c.email
      from portal.customers c where c.account_id is not null and c.customer_number like 'PERF%';

    insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status, created_at)
    select l.service_id, l.account_id, 'PERFPAY' || n, 1000 + n, s.payment_provider, s.numcli, s.saisie, 'paid', now() - n * interval '1 minute'
    from generate_series(1, ${ATTEMPTS}) n
    join linked l on l.k = n % (select count(*) from linked)
    join portal.services s on s.id = l.service_id;

    insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
    select a.id, i.id, a.amount_cents
    from portal.payment_attempts a
    cross join lateral (select i.id from portal.invoices i join portal.customers c on c.id = i.customer_id
                        where c.account_id = a.account_id limit 1) i
    where a.refdet like 'PERFPAY%';

    insert into portal.contact_messages (account_id, service_id, sender_email, sender_name, subject, body, created_at)
    select l.account_id, l.service_id, l.email, 'Client', 'Objet ' || n, 'Texte ' || n, now() - n * interval '1 minute'
    from generate_series(1, ${MESSAGES}) n
    join linked l on l.k = n % (select count(*) from linked);

    insert into portal.paper_optout_requests (account_id, customer_id)
    select l.account_id, l.customer_id from linked l where l.k < ${OPTOUTS};

    drop table linked;
    analyze;
  `);
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

/** Scans of a watched table that do not start from an index condition. */
function badScans(node: PlanNode, out: string[] = []): string[] {
  const type = node["Node Type"];
  const relation = node["Relation Name"];
  if (relation && WATCHED.has(relation)) {
    const indexed = type === "Bitmap Heap Scan" || ((type === "Index Scan" || type === "Index Only Scan") && node["Index Cond"] !== undefined);
    if (!indexed) out.push(`${type} on ${relation}${node["Index Name"] ? ` (${node["Index Name"]}, no Index Cond)` : ""}`);
  }
  for (const child of node.Plans ?? []) badScans(child, out);
  return out;
}

function relations(node: PlanNode, out = new Set<string>()): Set<string> {
  if (node["Relation Name"]) out.add(node["Relation Name"]);
  for (const child of node.Plans ?? []) relations(child, out);
  return out;
}

/** The plans of every statement the call runs as the demo resident (auto_explain), and their scans without an index. */
async function scanProblems(): Promise<{ plans: { "Query Text": string; Plan: PlanNode }[]; problems: string[] }> {
  await big.exec(`
    load 'auto_explain';
    set auto_explain.log_min_duration = 0;
    set auto_explain.log_nested_statements = on;
    set auto_explain.log_format = json;
    set auto_explain.log_level = notice;
  `);
  const notices: string[] = [];
  try {
    await asDemo(big, (tx) => tx.query(CALL, [], { onNotice: (n) => notices.push(n.message ?? "") }));
  } finally {
    await big.exec("set auto_explain.log_min_duration = -1");
  }
  const plans = notices
    .filter((m) => m.includes("plan:"))
    .map((m) => JSON.parse(m.slice(m.indexOf("{"))) as { "Query Text": string; Plan: PlanNode });
  expect(plans.length).toBeGreaterThan(0);
  const problems = plans.flatMap((p) => badScans(p.Plan).map((scan) => `${scan} in « ${p["Query Text"].replace(/\s+/g, " ").slice(0, 160)} »`));
  return { plans, problems };
}

async function medianMs(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

beforeAll(async () => {
  plain = await testDatabase();
  // The demo resident with payments, messages and an opt-out (and another resident, a moved record).
  await createPersonalDataWorld(plain);
  claims = await asLiveUser(plain, SEED.demoUserId, SEED.demoEmail, async (tx) => {
    const { rows } = await tx.query<{ claims: string }>("select current_setting('request.jwt.claims') as claims");
    return rows[0]!.claims;
  });
  big = await PGlite.create("memory://", { extensions: { pgcrypto, auto_explain }, loadDataDir: await plain.pg.dumpDataDir("none") });
  const started = performance.now();
  await populate(big);
  console.log(`large database generated in ${Math.round(performance.now() - started)} ms`);
}, 600_000);

afterAll(async () => {
  await big?.close();
  await plain?.close();
});

describe("public.my_personal_data() on a large database", () => {
  test("the tables are large and the demo resident's export is unchanged by them", async () => {
    const { rows } = await big.query<Record<string, number>>(
      `select (select count(*)::int from portal.invoices) as invoices, (select count(*)::int from portal.payment_attempts) as attempts,
              (select count(*)::int from portal.payment_attempt_invoices) as lines, (select count(*)::int from portal.contact_messages) as messages,
              (select count(*)::int from portal.paper_optout_requests) as optouts`,
    );
    expect(rows[0]!.invoices).toBeGreaterThanOrEqual(INVOICES);
    expect(rows[0]!.attempts).toBeGreaterThanOrEqual(ATTEMPTS);
    expect(rows[0]!.lines).toBeGreaterThanOrEqual(ATTEMPTS);
    expect(rows[0]!.messages).toBeGreaterThanOrEqual(MESSAGES);
    expect(rows[0]!.optouts).toBeGreaterThanOrEqual(OPTOUTS);
    const strip = (v: Record<string, unknown>) => JSON.stringify({ ...v, generated_at: null });
    const small = await asLiveUser(plain, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query<{ v: Record<string, unknown> }>(`${CALL} as v`));
    const large = await asDemo(big, (tx) => tx.query<{ v: Record<string, unknown> }>(`${CALL} as v`));
    expect(strip(large.rows[0]!.v)).toBe(strip(small.rows[0]!.v));
  });

  test("every statement it runs reaches the caller's rows through an index", async () => {
    const { plans, problems } = await scanProblems();
    // The statements seen cover every table the export reads (not only the outer call).
    const seen = new Set(plans.flatMap((p) => [...relations(p.Plan)]));
    for (const table of WATCHED) expect(seen.has(table), `${table} read`).toBe(true);
    expect(problems).toEqual([]);
  });

  test("the check sees a scan without an index (contact_messages' index dropped for the time of the test)", async () => {
    await big.exec("drop index portal.contact_messages_account_idx; analyze portal.contact_messages");
    try {
      const { problems } = await scanProblems();
      expect(problems.some((p) => p.startsWith("Seq Scan on contact_messages")), problems.join("\n")).toBe(true);
    } finally {
      await big.exec("create index contact_messages_account_idx on portal.contact_messages (account_id, created_at desc); analyze portal.contact_messages");
    }
  });

  test("its time, demo resident: demo database vs large database (printed)", async () => {
    const small = await medianMs(() => asLiveUser(plain, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query(CALL)));
    const large = await medianMs(() => asDemo(big, (tx) => tx.query(CALL)));
    console.log(`my_personal_data() median: ${small.toFixed(2)} ms (demo database), ${large.toFixed(2)} ms (large database)`);
    expect(small).toBeGreaterThan(0);
  });
});
