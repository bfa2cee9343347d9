import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cronRouteGet, requireCronSecret } from "~/.server/cron";
import { every, startJobs } from "~/.server/jobs";
import { outboxIdle } from "~/.server/outbox";
import type { Backend } from "~/.server/ports/backend";
import type { PurgeBatch, PurgeOptions } from "~/.server/ports/retention";
import { ANON_KEY, SERVICE_ROLE_KEY, SUPABASE_URL } from "../supabase/msw-supabase";

/**
 * The background jobs (app/.server/jobs.ts): opening the backend schedules nothing, only
 * startJobs does (the servers' start-up path); the scheduler never overlaps runs and stops; the
 * cron routes' shared secret check (app/.server/cron.ts).
 */
beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** A promise with its resolve, to hold a run under way. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets the pending promise callbacks (not the timers) run. */
async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("opening the backend", () => {
  function supabaseEnv(jobs: { outbox?: string; reconcile?: string } = {}) {
    vi.stubEnv("NODE_ENV", "test");
    vi.stubEnv("SUPABASE_URL", SUPABASE_URL);
    vi.stubEnv("SUPABASE_ANON_KEY", ANON_KEY);
    vi.stubEnv("SUPABASE_SERVICE_ROLE_KEY", SERVICE_ROLE_KEY);
    vi.stubEnv("SITE_URL", "https://factures.example.fr");
    vi.stubEnv("OUTBOX_POLL_SECONDS", jobs.outbox);
    vi.stubEnv("PAYMENTS_RECONCILE_SECONDS", jobs.reconcile);
  }

  it("getBackend() chooses and opens the adapters, and starts no timer", async () => {
    // Both jobs switched on, so that opening would show if it scheduled them.
    supabaseEnv({ outbox: "5", reconcile: "7" });
    vi.resetModules();
    const { getBackend } = await import("~/.server/backend");
    const backend = await getBackend();
    expect(backend.outbox).toBeDefined();
    await vi.dynamicImportSettled();
    await settle();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("startBackend() (the servers' start-up path) is what starts the configured jobs", async () => {
    supabaseEnv({ outbox: "0", reconcile: "7" });
    vi.resetModules();
    const { startBackend } = await import("~/.server/backend");
    expect(await startBackend()).toEqual({ kind: "supabase" });
    await vi.dynamicImportSettled();
    await settle();
    await vi.dynamicImportSettled();
    expect(vi.getTimerCount()).toBe(1); // the reconciliation; the outbox timer is off (0)
    const jobs = await import("~/.server/jobs");
    jobs.startJobs({} as Backend, { backend: "supabase" }).stop(); // the same, single schedule
    expect(vi.getTimerCount()).toBe(0);
  });

  it("with Supabase and no job configured, startBackend() schedules nothing", async () => {
    supabaseEnv();
    vi.resetModules();
    const { startBackend } = await import("~/.server/backend");
    await startBackend();
    await vi.dynamicImportSettled();
    await settle();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("every(seconds, fn)", () => {
  it("runs on schedule, never overlaps a slow run, and stops", async () => {
    let calls = 0;
    let current = deferred();
    const job = every(10, () => {
      calls++;
      return current.promise;
    });
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(50_000); // five ticks while the first run is under way
    expect(calls).toBe(1);
    current.resolve();
    current = deferred();
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(2);
    current.resolve();
    await settle();
    job.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2);
  });

  it("goes on after a failed run", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    let calls = 0;
    const job = every(1, () => {
      calls++;
      if (calls === 1) throw new Error("boom");
      return Promise.reject(new Error("rejected"));
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(3);
    expect(error).toHaveBeenCalledTimes(3);
    job.stop();
    error.mockRestore();
  });

  it("0 seconds: never scheduled", () => {
    every(0, () => undefined).stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("startJobs(backend, settings)", () => {
  function outboxStub() {
    const claims: number[] = [];
    const purges: PurgeOptions[] = [];
    const backend = {
      outbox: { claim: async (n: number) => (claims.push(n), []) },
      mailTransport: { name: "stub", send: async () => ({ status: "accepted" }) },
      retention: {
        purgeExpired: async (options: PurgeOptions = {}): Promise<PurgeBatch> => {
          purges.push(options);
          return { now: new Date(0), batch: 1000, dryRun: false, periods: {} as PurgeBatch["periods"], deleted: { login_throttle: 0 }, unset: [], more: false };
        },
      },
    } as unknown as Backend;
    return { backend, claims, purges };
  }

  it("embedded defaults: the outbox is sent at once and then on its timer, the reconciliation on its own", async () => {
    const { backend, claims } = outboxStub();
    const jobs = startJobs(backend, { backend: "embedded" });
    await outboxIdle();
    expect(claims).toHaveLength(1); // what a previous process left behind
    expect(vi.getTimerCount()).toBe(4); // outbox, reconciliation, retention purge, reminders (app/.server/reminders.ts)
    await vi.advanceTimersByTimeAsync(30_000);
    await outboxIdle();
    expect(claims).toHaveLength(2);
    expect(startJobs(backend, { backend: "embedded" })).toBe(jobs); // once per process
    jobs.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    ["embedded default: at start, then daily", { backend: "embedded", OUTBOX_POLL_SECONDS: 0, PAYMENTS_RECONCILE_SECONDS: 0, REMINDER_JOB_SECONDS: 0 }, 86_400],
    ["Supabase with RETENTION_PURGE_SECONDS=3600: at start, then hourly", { backend: "supabase", RETENTION_PURGE_SECONDS: 3600 }, 3600],
  ] as const)("the retention purge, %s", async (_label, settings, seconds) => {
    const { backend, purges } = outboxStub();
    const jobs = startJobs(backend, settings);
    await settle();
    expect([purges.length, vi.getTimerCount()]).toEqual([1, 1]); // the run at start, one timer
    await vi.advanceTimersByTimeAsync(seconds * 1000 - 1);
    expect(purges).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(purges).toHaveLength(2);
    jobs.stop();
  });

  it("RETENTION_PURGE_SECONDS=0 turns the purge off", async () => {
    const { backend, purges } = outboxStub();
    startJobs(backend, { backend: "embedded", OUTBOX_POLL_SECONDS: 0, PAYMENTS_RECONCILE_SECONDS: 0, RETENTION_PURGE_SECONDS: 0, REMINDER_JOB_SECONDS: 0 }).stop();
    await settle();
    expect([purges.length, vi.getTimerCount()]).toEqual([0, 0]);
  });

  it("Supabase defaults: nothing (a cron calls the /taches/* routes)", async () => {
    const { backend, claims } = outboxStub();
    startJobs(backend, { backend: "supabase" }).stop();
    await outboxIdle();
    expect(claims).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("requireCronSecret(request, secret)", () => {
  const SECRET = "un-secret-de-cron-de-32-caracteres-au-moins";
  const post = (authorization?: string) =>
    new Request("https://factures.example.fr/taches/envoi-courriels", {
      method: "POST",
      headers: authorization === undefined ? {} : { Authorization: authorization },
    });

  it("accepts the right secret", async () => {
    expect(await requireCronSecret(post(`Bearer ${SECRET}`), SECRET)).toBeUndefined();
    expect(await requireCronSecret(post(`bearer   ${SECRET} `), SECRET)).toBeUndefined();
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["without the scheme", SECRET],
    ["wrong", "Bearer pas-le-bon-secret"],
    ["a prefix of it", `Bearer ${SECRET.slice(0, -1)}`],
    ["longer", `Bearer ${SECRET}x`],
  ])("refuses a %s secret with 401", async (_label, header) => {
    const refused = await requireCronSecret(post(header), SECRET);
    expect(refused?.status).toBe(401);
    expect(refused?.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(await refused?.json()).toEqual({ error: "unauthorized" });
  });

  it("without a configured secret the endpoint does not exist (404), GET answers 405 or 404", async () => {
    const thrown = await requireCronSecret(post(`Bearer ${SECRET}`), undefined).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
    const get = (secret?: string) => {
      try {
        cronRouteGet(secret);
      } catch (e) {
        return e as Response;
      }
      throw new Error("cronRouteGet returned");
    };
    expect(get(SECRET).status).toBe(405);
    expect(get(SECRET).headers.get("Allow")).toBe("POST");
    expect(get(undefined).status).toBe(404);
  });
});

describe("the cron routes use it", () => {
  it.each([
    ["envoi-courriels", "OUTBOX_CRON_SECRET"],
    ["rapprochement-paiements", "PAYMENTS_CRON_SECRET"],
    ["purge", "RETENTION_CRON_SECRET"],
  ])("POST /taches/%s with a wrong secret: 401, nothing run", async (name, variable) => {
    vi.stubEnv(variable, "le-bon-secret-de-cron-de-32-caracteres-au-moins");
    vi.resetModules();
    const route = (await import(`~/routes/taches.${name}/route.ts`)) as typeof import("~/routes/taches.envoi-courriels/route");
    const request = new Request(`https://factures.example.fr/taches/${name}`, { method: "POST", headers: { Authorization: "Bearer non" } });
    const response = await route.action({ request, params: {}, context: {} });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized" });
  });
});
