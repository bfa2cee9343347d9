import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createEmbeddedBackendFor, type EmbeddedBackend } from "~/.server/embedded/backend";
import type { Database } from "~/.server/embedded/database";
import { parseEnv } from "~/.server/env";
import { purgeJob, runPurge } from "~/.server/retention";
import { testDatabase } from "../support/database";

/**
 * The purge as the server runs it (app/.server/retention.ts) on the embedded backend: batch after
 * batch until nothing is left, bounded by maxBatches, one moment for the whole run; the daily
 * job's warning for unset periods; POST /taches/purge (app/routes/taches.purge/route.ts).
 */
const NOW = new Date("2027-06-15T12:00:00Z");
const SECRET = "le-secret-de-la-purge-de-32-caracteres-au-moins";

let db: Database;
let backend: EmbeddedBackend;

/** `n` login-throttle rows two days old (period: one day in the seed). */
async function oldThrottleRows(prefix: string, n: number): Promise<void> {
  await db.pg.query(
    `insert into portal.login_throttle (key, failures, first_failure_at)
     select $1 || n, 1, $2::timestamptz - interval '2 days' - make_interval(secs => n) from generate_series(1, $3::int) n`,
    [`ip:${prefix}-`, NOW, n],
  );
}

async function count(prefix: string): Promise<number> {
  const { rows } = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.login_throttle where key like $1", [`ip:${prefix}-%`]);
  return rows[0]!.n;
}

beforeAll(async () => {
  db = await testDatabase();
  backend = createEmbeddedBackendFor(db, parseEnv({ NODE_ENV: "test" }));
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

afterAll(async () => {
  await db?.close();
});

describe("runPurge(backend)", () => {
  it("calls batch after batch until nothing past its period is left", async () => {
    await oldThrottleRows("run", 25);
    const summary = await runPurge(backend, { now: NOW, batch: 10 });
    expect(summary).toMatchObject({ batches: 3, more: false, dryRun: false, unset: [] });
    expect(summary.deleted.login_throttle).toBe(25);
    expect(await count("run")).toBe(0);
  });

  it("stops at maxBatches and says there is more; the next run goes on", async () => {
    await oldThrottleRows("max", 25);
    const first = await runPurge(backend, { now: NOW, batch: 10, maxBatches: 2 });
    expect(first).toMatchObject({ batches: 2, more: true });
    expect(await count("max")).toBe(5);
    expect((await runPurge(backend, { now: NOW, batch: 10 })).deleted.login_throttle).toBe(5);
  });

  it("a dry run is one call that counts everything and deletes nothing", async () => {
    await oldThrottleRows("dry", 25);
    const summary = await runPurge(backend, { now: NOW, batch: 10, dryRun: true });
    expect(summary).toMatchObject({ batches: 1, dryRun: true, more: false });
    expect(summary.deleted.login_throttle).toBe(25);
    expect(await count("dry")).toBe(25);
    await runPurge(backend, { now: NOW });
  });

  it("without a moment, counts back from the database's now() (rows of the last day stay)", async () => {
    await db.pg.query("insert into portal.login_throttle (key, failures, first_failure_at) values ('ip:today-1', 1, now() - interval '1 hour')");
    await runPurge(backend);
    expect(await count("today")).toBe(1);
  });
});

describe("the daily job", () => {
  it("warns in the server's log about each period left unset", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await db.pg.query("update portal.legal_identity set sent_mail_bodies_days = null where id");
    try {
      const summary = await purgeJob(backend);
      expect(summary.unset).toEqual(["sent_mail_bodies_days"]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("sent_mail_bodies_days");
    } finally {
      await db.pg.query("update portal.legal_identity set sent_mail_bodies_days = 90 where id");
    }
    warn.mockClear();
    await purgeJob(backend);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("POST /taches/purge", () => {
  /** The route as the server loads it, reaching this backend through app/.server/backend.ts. */
  async function route() {
    vi.resetModules();
    const { useBackend: use } = await import("~/.server/backend");
    use(backend);
    return import("~/routes/taches.purge/route");
  }
  const post = (authorization?: string) =>
    new Request("https://factures.example.fr/taches/purge", { method: "POST", headers: authorization ? { Authorization: authorization } : {} });

  it("does not exist without RETENTION_CRON_SECRET (404), GET answers 404", async () => {
    const { action, loader } = await route();
    const refused = await action({ request: post(`Bearer ${SECRET}`), params: {}, context: {} }).catch((e: unknown) => e);
    expect((refused as Response).status).toBe(404);
    const get = await Promise.resolve(loader({ request: new Request("https://factures.example.fr/taches/purge"), params: {}, context: {} })).catch((e: unknown) => e);
    expect((get as Response).status).toBe(404);
  });

  it("with its secret: 401 without it or with a wrong one, nothing purged; the right one runs the purge", async () => {
    vi.stubEnv("RETENTION_CRON_SECRET", SECRET);
    await db.pg.query(
      "insert into portal.login_throttle (key, failures, first_failure_at) values ('ip:cron-1', 1, now() - interval '3 days')",
    );
    const { action, loader } = await route();
    for (const header of [undefined, "Bearer non", `Bearer ${SECRET}x`]) {
      const refused = await action({ request: post(header), params: {}, context: {} });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("WWW-Authenticate")).toBe("Bearer");
    }
    expect(await count("cron")).toBe(1);
    const get = await Promise.resolve(loader({ request: new Request("https://factures.example.fr/taches/purge"), params: {}, context: {} })).catch((e: unknown) => e);
    expect((get as Response).status).toBe(405);

    const run = await action({ request: post(`Bearer ${SECRET}`), params: {}, context: {} });
    expect(run.status).toBe(200);
    expect(run.headers.get("Cache-Control")).toBe("no-store");
    const body = (await run.json()) as { deleted: Record<string, number>; more: boolean; unset: string[] };
    expect(body.deleted.login_throttle).toBeGreaterThanOrEqual(1);
    expect(body).toMatchObject({ more: false, unset: [] });
    expect(await count("cron")).toBe(0);
  });
});
