import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SEED, testDatabase } from "../support/database";
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

// Login throttling and the limits on account e-mails: tests/security/login-throttle.test.ts and
// tests/security/auth-mail-limits.test.ts (through the routes, on this same engine).
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
      db.asUser(SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select public.login_attempt_succeeded('demo@demo.fr', '203.0.113.1')")),
    ).rejects.toThrow(/permission denied/);
  });
});
