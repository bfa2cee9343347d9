import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAuthUser, SEED, testDatabase } from "./helpers";
import type { Database } from "~/.server/embedded/database";

let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

const status = async (email: string) =>
  (await db.asService((tx) => tx.query<{ s: string }>("select public.account_activation_status($1) as s", [email]))).rows[0]!.s;

describe("public.account_activation_status", () => {
  test("unknown e-mail, active account, eligible customer — whatever the case and spaces", async () => {
    expect(await status("personne@exemple.fr")).toBe("unknown_email");
    expect(await status("  DEMO@demo.fr ")).toBe("already_active");
    expect(await status("nouveau@demo.fr")).toBe("eligible");
  });

  test("an invited account without a password is still eligible (a new link may be sent)", async () => {
    await db.pg.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'nouveau@demo.fr', '', now(), now())`,
    );
    expect(await status("nouveau@demo.fr")).toBe("eligible");
  });

  test("is for the server only: residents and anonymous visitors cannot call it", async () => {
    await expect(db.asAnon((tx) => tx.query("select public.account_activation_status('demo@demo.fr')"))).rejects.toThrow(/permission denied/);
    await expect(
      db.asUser(SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select public.login_throttle_clear('demo@demo.fr')")),
    ).rejects.toThrow(/permission denied/);
  });
});

describe("login throttling", () => {
  const fail = async (email: string, client: string) =>
    (await db.asService((tx) => tx.query<{ t: Date | null }>("select public.login_throttle_record_failure($1, $2) as t", [email, client]))).rows[0]!.t;
  const check = async (email: string, client: string) =>
    (await db.asService((tx) => tx.query<{ t: Date | null }>("select public.login_throttle_check($1, $2) as t", [email, client]))).rows[0]!.t;

  test("per e-mail: free for 4 failures, then growing waits, then a 15-minute block at the 10th", async () => {
    const waits: (number | null)[] = [];
    for (let i = 1; i <= 10; i++) {
      const until = await fail("cible@exemple.fr", `198.51.100.${i}`);
      waits.push(until ? Math.round((new Date(until).getTime() - Date.now()) / 1000) : null);
    }
    expect(waits.slice(0, 4)).toEqual([null, null, null, null]);
    const [w5, w6, w7, , , w10] = waits.slice(4) as number[];
    expect(w5).toBeGreaterThanOrEqual(13);
    expect(w5).toBeLessThanOrEqual(15);
    expect(w6).toBeGreaterThan(w5!);
    expect(w7).toBeGreaterThan(w6!);
    expect(w10).toBeGreaterThan(14 * 60);
    expect(await check("CIBLE@exemple.fr", "192.0.2.200")).not.toBeNull();
  });

  test("a failure older than 15 minutes starts a new count", async () => {
    for (let i = 0; i < 6; i++) await fail("vieux@exemple.fr", "192.0.2.1");
    await db.pg.query(
      "update portal.login_throttle set first_failure_at = now() - interval '16 minutes', blocked_until = null where key = 'email:vieux@exemple.fr'",
    );
    expect(await fail("vieux@exemple.fr", "192.0.2.2")).toBeNull();
    const { rows } = await db.pg.query<{ failures: number }>("select failures from portal.login_throttle where key = 'email:vieux@exemple.fr'");
    expect(rows[0]!.failures).toBe(1);
  });

  test("clearing after a success resets the e-mail, never the client", async () => {
    await createAuthUser(db, "clair@exemple.fr");
    for (let i = 0; i < 3; i++) await fail("clair@exemple.fr", "192.0.2.50");
    await db.asService((tx) => tx.query("select public.login_throttle_clear('clair@exemple.fr')"));
    const { rows } = await db.pg.query<{ key: string }>("select key from portal.login_throttle where key in ('email:clair@exemple.fr', 'ip:192.0.2.50')");
    expect(rows.map((r) => r.key)).toEqual(["ip:192.0.2.50"]);
  });
});
