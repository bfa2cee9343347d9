import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as login from "~/routes/connexion/route";
import * as forgotten from "~/routes/mot-de-passe-oublie/route";
import { Browser, startPortal } from "../support/route-harness";
import { createAuthUser, SEED } from "../support/database";
import { describeProbe, probe, type Handler, type Probe } from "./matrix-helpers";

/**
 * Account enumeration (tests/security/README.md): what the forgotten-password and login forms
 * answer must not tell whether an address has an account. Same status, same words (apart from
 * the address typed, echoed in the form), same cookies, and no marked difference in time.
 *
 * Other limits (per address, per client) may apply to these forms: every address here is fresh
 * and used at most twice, and every call comes from an address of its own.
 */

let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const SAMPLES = 5;
let clients = 0;

/** A browser from a client address of its own (one call each: no per-client limit is ever near). */
function visitor(): Browser {
  const browser = new Browser();
  browser.ip = `2001:db8:e0::${(++clients).toString(16)}`;
  return browser;
}

/** Known to a service (a customer record carries the address), with or without an account. */
async function customer(email: string) {
  await db.asService((tx) =>
    tx.query(
      `insert into portal.customers (service_id, customer_number, display_name, email) values ($1, $2, 'Usager Énumération', $3)`,
      [SEED.serviceId, `ENUM-${email.split("@")[0]}`, email],
    ),
  );
}

const hashes = new Map<string, Promise<string>>();

/** An active account whose password was set through the portal (bcrypt cost of app/.server/embedded/auth.ts). */
async function activeAccount(email: string, password: string) {
  if (!hashes.has(password)) hashes.set(password, bcrypt.hash(password, 10));
  const userId = await createAuthUser(db, email);
  await db.pg.query("update auth.users set encrypted_password = $2 where id = $1", [userId, await hashes.get(password)!]);
  await customer(email);
}

/** An account invited (activation e-mail sent) whose password was never chosen. */
async function invitedAccount(email: string) {
  await db.pg.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, invited_at, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1, '', now(), now(), now())`,
    [email],
  );
  await customer(email);
}

interface Timed {
  probe: Probe;
  ms: number;
}

async function timed(handler: Handler, path: string, form: Record<string, string>): Promise<Timed> {
  const browser = visitor();
  const start = performance.now();
  const p = await probe(browser, handler, path, { form }, "visitor");
  return { probe: p, ms: performance.now() - start };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What a visitor sees, with the address they typed taken out (it is echoed back in the form). */
function seen(t: Timed, typed: string) {
  const p = t.probe;
  return {
    status: p.status,
    location: p.location,
    body: p.body.split(JSON.stringify(typed).slice(1, -1)).join("<adresse>"),
    headerNames: [...p.headers.keys()].sort(),
    setCookie: p.headers.getSetCookie(),
  };
}

/**
 * Runs `SAMPLES` calls per category, interleaved (so a slow moment of the machine hits every
 * category alike), plus one unmeasured warm-up call per category.
 */
async function measure(
  categories: Record<string, (i: number) => string>,
  call: (email: string) => Promise<Timed>,
): Promise<Record<string, { email: string; result: Timed }[]>> {
  const names = Object.keys(categories);
  for (const name of names) await call(categories[name]!(SAMPLES));
  const results: Record<string, { email: string; result: Timed }[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < SAMPLES; i++) {
    // Rotate the order each round: no category always runs first.
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      const email = categories[name]!(i);
      results[name]!.push({ email, result: await call(email) });
    }
  }
  return results;
}

function medians(results: Record<string, { result: Timed }[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(results).map(([name, rs]) => [name, Math.round(median(rs.map((r) => r.result.ms)))]));
}

describe("Mot de passe oublié: one answer for an active account, an address never activated and an unknown address", () => {
  const active = (i: number) => `oubli-actif-${i}@enumeration.exemple.fr`;
  const neverActivated = (i: number) => `oubli-jamais-active-${i}@enumeration.exemple.fr`;
  const unknown = (i: number) => `oubli-inconnu-${i}@enumeration.exemple.fr`;
  let results: Awaited<ReturnType<typeof measure>>;

  beforeAll(async () => {
    for (let i = 0; i <= SAMPLES; i++) {
      await activeAccount(active(i), "Mot-de-passe-actif-1");
      await customer(neverActivated(i));
    }
    results = await measure({ active, neverActivated, unknown }, (email) => timed(forgotten.action, "/mot-de-passe-oublie", { email }));
  });

  it("gives the same status, words and cookies to all three", () => {
    const reference = seen(results.unknown![0]!.result, results.unknown![0]!.email);
    expect(reference.status).toBe(200);
    expect(reference.body).toContain('"sent":true');
    expect(reference.body).toContain("<adresse>");
    for (const [name, rs] of Object.entries(results)) {
      for (const { email, result } of rs) {
        expect(result.probe.threw, describeProbe(result.probe)).toBeUndefined();
        expect(seen(result, email), `${name} ${email}`).toEqual(reference);
      }
    }
  });

  it("while each case really took its own path (recovery e-mail, activation e-mail, nothing)", async () => {
    const kinds = async (email: string) =>
      (await db.pg.query<{ kind: string }>("select kind from portal.email_outbox where to_address = $1", [email])).rows.map((r) => r.kind);
    expect(await kinds(active(0))).toEqual(["auth_recovery"]);
    expect(await kinds(neverActivated(0))).toEqual(["auth_invite"]);
    expect(await kinds(unknown(0))).toEqual([]);
  });

  it("with no marked difference in time (medians within 150 ms)", () => {
    const m = medians(results);
    const values = Object.values(m);
    expect(Math.max(...values) - Math.min(...values), `median ms per case: ${JSON.stringify(m)}`).toBeLessThan(150);
  });
});

describe("Connexion: one answer for a wrong password and for addresses without a usable account", () => {
  // tests/accounts/login.test.ts compares the message for a wrong password and an unknown
  // address; here: the whole answer, two more cases, and the time taken.
  const PASSWORD = "Le-bon-mot-de-passe-1";
  const wrongPassword = (i: number) => `connexion-actif-${i}@enumeration.exemple.fr`;
  const unknown = (i: number) => `connexion-inconnu-${i}@enumeration.exemple.fr`;
  const neverActivated = (i: number) => `connexion-jamais-active-${i}@enumeration.exemple.fr`;
  const invitedWithoutPassword = (i: number) => `connexion-invite-${i}@enumeration.exemple.fr`;
  let results: Awaited<ReturnType<typeof measure>>;

  beforeAll(async () => {
    for (let i = 0; i <= SAMPLES; i++) {
      await activeAccount(wrongPassword(i), PASSWORD);
      await customer(neverActivated(i));
      await invitedAccount(invitedWithoutPassword(i));
    }
    results = await measure({ wrongPassword, unknown, neverActivated, invitedWithoutPassword }, (email) =>
      timed(login.action, "/connexion", { email, password: "Pas-le-bon-mot-2" }),
    );
  });

  it("gives the same status, words and cookies (no session) to all four", () => {
    const reference = seen(results.wrongPassword![0]!.result, results.wrongPassword![0]!.email);
    expect(reference.status).toBe(401);
    expect(reference.body).toContain("Adresse mail ou mot de passe incorrect.");
    expect(reference.setCookie.filter((c) => c.startsWith("pf_session=") && !/max-age=0/i.test(c))).toEqual([]);
    for (const [name, rs] of Object.entries(results)) {
      for (const { email, result } of rs) {
        expect(result.probe.threw, describeProbe(result.probe)).toBeUndefined();
        expect(seen(result, email), `${name} ${email}`).toEqual(reference);
      }
    }
  });

  it("while the right password does open the active accounts (the refusals above are about the password)", async () => {
    const right = await timed(login.action, "/connexion", { email: wrongPassword(0), password: PASSWORD });
    expect(right.probe.status, describeProbe(right.probe)).toBe(302);
  });

  it("with no marked difference in time: an address without a password costs a password check too (medians within a factor 2)", () => {
    const m = medians(results);
    const values = Object.values(m);
    // A password check (bcrypt, cost 10: hundreds of ms here) dominates every refusal; skipping it
    // for some addresses would make them an order of magnitude faster, while the machine's load
    // slows every case alike (an absolute bound would be noise at this scale).
    expect(Math.max(...values), `median ms per case: ${JSON.stringify(m)}`).toBeLessThan(2 * Math.min(...values));
  });
});
