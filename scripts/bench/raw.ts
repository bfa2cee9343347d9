/**
 * Section a) of `npm run bench`: the raw ceiling. Each page's reads (scripts/bench/pages.ts)
 * straight on PGlite, in one transaction as the demo resident in a live session (Database.run, the way the
 * embedded adapter and PostgREST run a request), one call after the other for a bounded time.
 * No HTTP, no rendering: what the database alone allows for that page on this machine.
 */
import type { Database } from "../../app/.server/embedded/database";
import { rawPages, type RawContext } from "./pages";
import { quantile } from "./stats";

export interface DemoResident extends RawContext {
  userId: string;
  email: string;
  /** A live Auth session of the demo resident: SQL checks it in every page's call (decision 0014). */
  sessionId: string;
}

export const DEMO_EMAIL = "demo@demo.fr";
export const DEMO_PASSWORD = "demo-factures";
export const DEMO_INVOICE_NUMBER = "2017-020-002059";

/** The demo resident of supabase/seed.sql and their unpaid invoice with a PDF, read as the owner. */
export async function demoResident(db: Database): Promise<DemoResident> {
  const { rows } = await db.pg.query<{ user_id: string; invoice_id: string }>(
    `select u.id as user_id, i.id as invoice_id
       from auth.users u
       join portal.customers c on c.account_id = u.id
       join portal.invoices i on i.customer_id = c.id
      where u.email = $1 and i.number = $2`,
    [DEMO_EMAIL, DEMO_INVOICE_NUMBER],
  );
  const row = rows[0];
  if (!row) throw new Error(`the benchmark database has no ${DEMO_EMAIL} with invoice ${DEMO_INVOICE_NUMBER} (supabase/seed.sql)`);
  // A session as GoTrue or the embedded login writes it (the page functions require a live one).
  const session = await db.pg.query<{ id: string }>(
    "insert into auth.sessions (id, user_id, created_at, updated_at) values (gen_random_uuid(), $1, now(), now()) returning id",
    [row.user_id],
  );
  return { userId: row.user_id, email: DEMO_EMAIL, invoiceId: row.invoice_id, sessionId: session.rows[0]!.id };
}

export interface RawResult {
  page: string;
  reads: number;
  /** Rows the page's reads returned (sum), to see they found the resident's data. */
  rows: number;
  calls: number;
  perSecond: number;
  p50: number;
  p95: number;
}

export async function runRaw(db: Database, demo: DemoResident, seconds: number): Promise<RawResult[]> {
  const results: RawResult[] = [];
  for (const page of rawPages(demo)) {
    const once = () =>
      db.run({ role: "authenticated", userId: demo.userId, email: demo.email, sessionId: demo.sessionId }, async (tx) => {
        let rows = 0;
        for (const r of page.reads) rows += (await tx.query(r.sql, r.params)).rows.length;
        return rows;
      });
    let rows = 0;
    for (let i = 0; i < 3; i++) rows = await once(); // warm-up (plans, caches)
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + seconds * 1000;
    let now = started;
    while (now < until) {
      const t = performance.now();
      await once();
      now = performance.now();
      latencies.push(now - t);
    }
    const elapsed = (now - started) / 1000;
    results.push({
      page: page.page,
      reads: page.reads.length,
      rows,
      calls: latencies.length,
      perSecond: latencies.length / elapsed,
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
    });
  }
  return results;
}
