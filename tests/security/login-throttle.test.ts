import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as login from "~/routes/connexion/route";
import { retryFrom } from "~/.server/accounts";
import type { Database } from "~/.server/embedded/database";
import { Browser, startPortal, type Outcome } from "../support/route-harness";

/**
 * Login throttling must not let anyone lock a resident out (docs/decisions/0011-auth-throttling.md):
 * failures are throttled per (e-mail, client) and per client; per e-mail they only slow down the
 * clients that failed themselves, so the right password from a client that has not been failing
 * always gets in, and a success lifts that client's own failures.
 */
let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const THROTTLED = /^Trop de tentatives de connexion\. Par sécurité, réessayez à partir (?:de|du \d\d\/\d\d\/\d{4} à) \d\d h \d\d\./;

function from(ip: string): Browser {
  const browser = new Browser();
  browser.ip = ip;
  return browser;
}

const attempt = (ip: string, email: string, password: string) => from(ip).call(login.action, "/connexion", { email, password });
const formError = (outcome: Outcome) => (outcome.data as { formError: string }).formError;
const signedIn = (outcome: Outcome) => outcome.status === 302 && outcome.headers.getSetCookie().some((c) => c.startsWith("pf_session=") && !/Max-Age=0/.test(c));

/** A resident of the seed's demo service with a password, fresh for each test (no shared counters). */
let serial = 0;
async function resident(): Promise<{ email: string; password: string }> {
  const email = `habitant${++serial}@exemple.fr`;
  const password = `Mot-de-passe-${serial}`;
  await db.pg.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1,
       extensions.crypt($2, extensions.gen_salt('bf', 4)), now(), now(), now())`,
    [email, password],
  );
  return { email, password };
}

/** Lets every wait of these keys run out, as if the time had passed. */
async function waitsOver(pattern: string) {
  await db.pg.query("update portal.login_throttle set blocked_until = now() - interval '1 second' where key like $1", [pattern]);
}

describe("nobody can lock a resident out", () => {
  it("5 wrong passwords from one client block that client only: the resident logs in from elsewhere", async () => {
    const { email, password } = await resident();
    const results: Outcome[] = [];
    for (let i = 0; i < 5; i++) results.push(await attempt("203.0.113.66", email, `faux-mot-${i}`));
    expect(results.map((r) => r.status)).toEqual([401, 401, 401, 401, 429]);
    expect(formError(results[4]!)).toMatch(THROTTLED);

    const owner = await attempt("198.51.100.20", email, password);
    expect(owner.status).toBe(302);
    expect(signedIn(owner)).toBe(true);
  });

  it("the attacker's client stays refused, even with the right password (it has been failing itself)", async () => {
    const { email, password } = await resident();
    for (let i = 0; i < 5; i++) await attempt("203.0.113.67", email, `faux-mot-${i}`);
    const right = await attempt("203.0.113.67", email, password);
    expect(right.status).toBe(429);
    expect(formError(right)).toMatch(THROTTLED);
    expect(signedIn(right)).toBe(false);
  });

  it("the 10th failure of one client blocks it 15 minutes; the resident still logs in from elsewhere", async () => {
    const { email, password } = await resident();
    let last: Outcome | undefined;
    for (let i = 0; i < 10; i++) {
      await waitsOver("pair:203.0.113.68 %"); // a patient attacker: each wait has run out
      last = await attempt("203.0.113.68", email, `faux-mot-${i}`);
    }
    const { rows } = await db.pg.query<{ minutes: number }>(
      "select (extract(epoch from blocked_until - now()) / 60)::float8 as minutes from portal.login_throttle where key = $1",
      [`pair:203.0.113.68 ${email}`],
    );
    expect(last!.status).toBe(429);
    expect(rows[0]!.minutes).toBeGreaterThan(14);
    expect((await attempt("198.51.100.21", email, password)).status).toBe(302);
  });

  it("a slow attack from many clients never refuses the right password from a client that has not failed", async () => {
    const { email, password } = await resident();
    for (let i = 0; i < 40; i++) {
      const result = await attempt(`192.0.2.${(i % 20) + 1}`, email, `faux-mot-${i}`);
      expect([401, 429]).toContain(result.status);
    }
    const owner = await attempt("198.51.100.22", email, password);
    expect(owner.status).toBe(302);
  });

  it("per e-mail only a mild slowdown: under attack, a resident who mistyped waits about a minute, told when", async () => {
    const { email, password } = await resident();
    for (let i = 0; i < 12; i++) await attempt(`192.0.2.${100 + i}`, email, `faux-mot-${i}`);
    const before = Date.now();
    const typo = await attempt("198.51.100.23", email, "une-faute-de-frappe");
    expect(typo.status).toBe(429);
    expect(formError(typo)).toMatch(THROTTLED);
    const { rows } = await db.pg.query<{ until: Date }>("select blocked_until as until from portal.login_throttle where key = $1", [
      `pair:198.51.100.23 ${email}`,
    ]);
    const wait = new Date(rows[0]!.until).getTime() - before;
    expect(wait).toBeGreaterThan(30_000);
    expect(wait).toBeLessThanOrEqual(61_000);
    // Until then the same client is told to wait; afterwards the right password gets in.
    expect((await attempt("198.51.100.23", email, password)).status).toBe(429);
    await waitsOver("pair:198.51.100.23 %");
    expect((await attempt("198.51.100.23", email, password)).status).toBe(302);
  });

  it("a success lifts that client's own failures, never the e-mail's nor another client's", async () => {
    const { email, password } = await resident();
    for (let i = 0; i < 4; i++) expect((await attempt("198.51.100.24", email, `faux-mot-${i}`)).status).toBe(401);
    expect((await attempt("198.51.100.24", email, password)).status).toBe(302);
    // Its 5th failure would have made it wait: after the success its count starts again.
    expect((await attempt("198.51.100.24", email, "faux-mot-4")).status).toBe(401);

    for (let i = 0; i < 5; i++) await attempt("203.0.113.69", email, `faux-mot-${i}`);
    expect((await attempt("198.51.100.24", email, password)).status).toBe(302);
    const { rows } = await db.pg.query<{ key: string; failures: number }>(
      "select key, failures from portal.login_throttle where key like $1 order by key",
      [`%${email}`],
    );
    expect(rows).toEqual([
      { key: `email:${email}`, failures: 10 },
      { key: `pair:203.0.113.69 ${email}`, failures: 5 },
    ]);
    expect((await attempt("203.0.113.69", email, password)).status).toBe(429);
  });

  it("one client that tries many e-mails is still blocked for all of them (per client)", async () => {
    let last: Outcome | undefined;
    for (let i = 0; i < 20; i++) last = await attempt("203.0.113.70", `x${i}@exemple.fr`, "faux-mot-1");
    expect(last!.status).toBe(429);
    const { email, password } = await resident();
    expect((await attempt("203.0.113.70", email, password)).status).toBe(429);
    expect((await attempt("203.0.113.71", email, password)).status).toBe(302);
  });
});

describe("the login throttle functions are the server's only", () => {
  it("anonymous visitors and residents cannot call them", async () => {
    for (const sql of [
      "select public.login_attempt_check('demo@demo.fr', '192.0.2.1')",
      "select public.login_attempt_failed('demo@demo.fr', '192.0.2.1')",
      "select public.login_attempt_succeeded('demo@demo.fr', '192.0.2.1')",
    ]) {
      await expect(db.asAnon((tx) => tx.query(sql))).rejects.toThrow(/permission denied/);
      await expect(db.asUser("d0000000-0000-4000-8000-000000000001", "demo@demo.fr", (tx) => tx.query(sql))).rejects.toThrow(/permission denied/);
    }
  });
});

describe("retryFrom", () => {
  it("never names a minute before the retry is allowed (rounds up), in Paris time", () => {
    const now = new Date("2026-11-30T16:41:00Z");
    expect(retryFrom(new Date("2026-11-30T16:42:15Z"), now)).toBe("à partir de 17 h 43");
    expect(retryFrom(new Date("2026-11-30T16:42:00Z"), now)).toBe("à partir de 17 h 42");
    // Another day in Paris (not in UTC): the date, with « du » (never « à partir de le »).
    expect(retryFrom(new Date("2026-11-30T22:59:30Z"), now)).toBe("à partir du 01/12/2026 à 00 h 00");
  });
});
