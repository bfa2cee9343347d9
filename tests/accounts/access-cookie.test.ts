import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_COOKIE, ACCESS_SECONDS, SESSION_COOKIE } from "~/.server/embedded/auth";
import type { RequestAccounts } from "~/.server/ports/accounts";
import type { Backend } from "~/.server/ports/backend";
import type { Database } from "~/.server/embedded/database";
import { Browser, ORIGIN, startPortal } from "../support/route-harness";

/**
 * The embedded access cookie (pf_access, docs/decisions/0015-no-auth-round-trip.md): a page behind
 * login believes a valid one without any query; a missing, expired or forged one falls back to
 * the session cookie's row (one query) and is replaced. Queries are counted by wrapping the real
 * PGlite's query/exec/transaction: the database itself is real.
 */
let db: Database;
let backend: Backend;
beforeAll(async () => {
  ({ db, backend } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const DEMO = { email: "demo@demo.fr", password: "demo-factures" };

/** Runs `fn` and counts the statements it sent to the database. */
async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const queries: string[] = [];
  const pg = db.pg;
  const original = { query: pg.query, exec: pg.exec, transaction: pg.transaction };
  pg.query = ((sql: string, ...rest: unknown[]) => {
    queries.push(sql);
    return (original.query as (...a: unknown[]) => unknown).call(pg, sql, ...rest);
  }) as typeof pg.query;
  pg.exec = ((sql: string, ...rest: unknown[]) => {
    queries.push(sql);
    return (original.exec as (...a: unknown[]) => unknown).call(pg, sql, ...rest);
  }) as typeof pg.exec;
  pg.transaction = ((fn: unknown) => {
    queries.push("transaction");
    return (original.transaction as (f: unknown) => unknown).call(pg, fn);
  }) as typeof pg.transaction;
  try {
    return { result: await fn(), queries };
  } finally {
    Object.assign(pg, original);
  }
}

function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

function accountsWith(cookies: Record<string, string>): RequestAccounts {
  return backend.accounts.forRequest(new Request(`${ORIGIN}/accueil`, { headers: { cookie: cookieHeader(cookies) } }));
}

/** The Set-Cookie line for `name` in `headers`, if any. */
function line(headers: Headers, name: string): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** Signs in as the demo resident; returns the two cookies the browser then holds. */
async function signedIn(remember = false): Promise<{ session: string; access: string; sessionId: string }> {
  const accounts = backend.accounts.forRequest(new Request(`${ORIGIN}/connexion`, { method: "POST" }));
  expect(await accounts.signIn({ ...DEMO, remember })).toEqual({ ok: true });
  const session = line(accounts.headers, SESSION_COOKIE)!.split(";")[0]!.slice(SESSION_COOKIE.length + 1);
  const access = line(accounts.headers, ACCESS_COOKIE)!.split(";")[0]!.slice(ACCESS_COOKIE.length + 1);
  return { session, access, sessionId: session.split(".")[0]! };
}

const b64 = (value: string | Uint8Array) => Buffer.from(value).toString("base64url");

/** An access cookie signed with `key` (the database's own, or another), with these claims. */
async function mint(claims: Record<string, unknown>, key: Uint8Array): Promise<string> {
  const payload = b64(JSON.stringify(claims));
  const hmac = await crypto.subtle.importKey("raw", new Uint8Array(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `${payload}.${b64(new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(payload))))}`;
}

async function databaseKey(): Promise<Uint8Array> {
  const { rows } = await db.pg.query<{ secret: Uint8Array }>("select secret from auth.embedded_signing_keys where name = 'pf_access'");
  return rows[0]!.secret;
}

function claimsOf(access: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(access.split(".")[0]!, "base64url").toString()) as Record<string, unknown>;
}

describe("the access cookie written at login", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, browser-session, and lasts ACCESS_SECONDS", async () => {
    const accounts = backend.accounts.forRequest(new Request(`${ORIGIN}/connexion`, { method: "POST" }));
    await accounts.signIn({ ...DEMO, remember: true });
    const cookie = line(accounts.headers, ACCESS_COOKIE)!;
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toMatch(/Max-Age|Expires|Secure/i);
    const claims = claimsOf(cookie.split(";")[0]!.slice(ACCESS_COOKIE.length + 1));
    const sessionId = line(accounts.headers, SESSION_COOKIE)!.split(";")[0]!.slice(SESSION_COOKIE.length + 1).split(".")[0];
    expect(claims).toMatchObject({ email: DEMO.email, sid: sessionId, sub: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(claims.exp).toBe((claims.iat as number) + ACCESS_SECONDS);
    expect(ACCESS_SECONDS).toBeLessThanOrEqual(5 * 60);
  });

  it("is Secure over HTTPS, like the session cookie", async () => {
    const accounts = backend.accounts.forRequest(new Request("https://localhost:3000/connexion", { method: "POST" }));
    await accounts.signIn({ ...DEMO, remember: false });
    expect(line(accounts.headers, ACCESS_COOKIE)).toMatch(/; Secure/);
    expect(line(accounts.headers, SESSION_COOKIE)).toMatch(/; Secure/);
  });
});

describe("getUser", () => {
  it("with a valid access cookie: the user, and not a single query", async () => {
    const { session, access, sessionId } = await signedIn();
    const accounts = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: access });

    const { result, queries } = await countQueries(() => accounts.getUser());

    expect(result).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: DEMO.email, sessionId });
    expect(queries).toEqual([]);
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("with an expired access cookie: one lookup of the session row, and a fresh access cookie", async () => {
    const { session, access, sessionId } = await signedIn();
    const now = Math.floor(Date.now() / 1000);
    const expired = await mint({ ...claimsOf(access), iat: now - ACCESS_SECONDS - 1, exp: now - 1 }, await databaseKey());
    const accounts = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: expired });

    const { result, queries } = await countQueries(() => accounts.getUser());

    expect(result).toMatchObject({ email: DEMO.email, sessionId });
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/from auth\.sessions/);
    const fresh = line(accounts.headers, ACCESS_COOKIE)!.split(";")[0]!.slice(ACCESS_COOKIE.length + 1);
    expect(claimsOf(fresh)).toMatchObject({ sid: sessionId, email: DEMO.email });
    expect(claimsOf(fresh).exp as number).toBeGreaterThan(now);
    // And that fresh cookie is believed on the next request, without a query.
    const next = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: fresh });
    expect((await countQueries(() => next.getUser())).queries).toEqual([]);
  });

  it("with a forged, foreign or garbage access cookie: the session cookie decides (one lookup), a new access cookie replaces it", async () => {
    const { session, access, sessionId } = await signedIn();
    const claims = claimsOf(access);
    const [payload, mac] = access.split(".");
    const otherUser = "d0000000-0000-4000-8000-0000000000ff";
    const bad = [
      await mint({ ...claims, sub: otherUser }, crypto.getRandomValues(new Uint8Array(32))), // another key
      `${b64(JSON.stringify({ ...claims, sub: otherUser }))}.${mac}`, // claims changed, MAC kept
      `${payload}.${"A".repeat(43)}`, // MAC changed
      await mint({ ...claims, exp: (claims.iat as number) + 24 * 3600 }, await databaseKey()), // longer than allowed
      await mint({ ...claims, sub: "not-a-uuid" }, await databaseKey()),
      "garbage",
      "",
    ];
    for (const value of bad) {
      const accounts = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: value });
      const { result, queries } = await countQueries(() => accounts.getUser());
      expect(result, value).toMatchObject({ id: claims.sub, email: DEMO.email, sessionId });
      expect(queries, value).toHaveLength(1);
      expect(claimsOf(line(accounts.headers, ACCESS_COOKIE)!.split(";")[0]!.slice(ACCESS_COOKIE.length + 1))).toMatchObject({ sub: claims.sub, sid: sessionId });
    }
  });

  it("a valid access cookie of another session than the session cookie's is not believed", async () => {
    const first = await signedIn();
    const second = await signedIn();
    const accounts = accountsWith({ [SESSION_COOKIE]: first.session, [ACCESS_COOKIE]: second.access });
    const { result, queries } = await countQueries(() => accounts.getUser());
    expect(result).toMatchObject({ sessionId: first.sessionId });
    expect(queries).toHaveLength(1);
  });

  it("without the session cookie (a browser-session cookie dropped at browser close): null, and the access cookie is removed", async () => {
    const { access } = await signedIn();
    const accounts = accountsWith({ [ACCESS_COOKIE]: access });
    expect(await accounts.getUser()).toBeNull();
    expect(line(accounts.headers, ACCESS_COOKIE)).toMatch(/Max-Age=0/);
  });

  it("with a forged access cookie and a dead session cookie: null, both cookies removed", async () => {
    const { session, access, sessionId } = await signedIn();
    await db.pg.query("delete from auth.sessions where id = $1", [sessionId]);
    const accounts = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: `${access.split(".")[0]}.${"A".repeat(43)}` });
    expect(await accounts.getUser()).toBeNull();
    expect(line(accounts.headers, SESSION_COOKIE)).toMatch(/Max-Age=0/);
    expect(line(accounts.headers, ACCESS_COOKIE)).toMatch(/Max-Age=0/);
  });

  it("the access cookie of a deleted session still yields its user for its few minutes (the page's SQL check ends it)", async () => {
    const { session, access, sessionId } = await signedIn();
    await db.pg.query("delete from auth.sessions where id = $1", [sessionId]);
    const accounts = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: access });
    // No query to notice it: the user carries the session id the database then checks.
    const { result, queries } = await countQueries(() => accounts.getUser());
    expect(result).toMatchObject({ email: DEMO.email, sessionId });
    expect(queries).toEqual([]);
  });
});

describe("operations on the account itself check the session row", () => {
  it("a password change with the access cookie of a deleted session signs the browser out instead", async () => {
    const { session, access, sessionId } = await signedIn();
    await db.pg.query("delete from auth.sessions where id = $1", [sessionId]);
    const accounts = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: access });

    const thrown = await accounts.changePassword(DEMO.password, "jamais-enregistre-1").catch((e: unknown) => e);

    expect(thrown).toBeInstanceOf(Response);
    expect(thrown).toRedirectTo("/connexion");
    expect(line(accounts.headers, SESSION_COOKIE)).toMatch(/Max-Age=0/);
    expect(line(accounts.headers, ACCESS_COOKIE)).toMatch(/Max-Age=0/);
    const login = backend.accounts.forRequest(new Request(`${ORIGIN}/connexion`, { method: "POST" }));
    expect(await login.signIn({ ...DEMO, remember: false })).toEqual({ ok: true });
  });

  it("linkSession reads the session row (one query) when the access cookie alone made the user", async () => {
    const { session, access } = await signedIn();
    const accounts = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: access });
    const { result, queries } = await countQueries(() => accounts.linkSession());
    expect(result).toBeNull(); // a password login
    expect(queries).toHaveLength(1);
  });
});

describe("logout and a new login keep both cookies consistent", () => {
  it("logout ends the session row and removes both cookies", async () => {
    const { session, access, sessionId } = await signedIn();
    const accounts = accountsWith({ [SESSION_COOKIE]: session, [ACCESS_COOKIE]: access });
    await accounts.signOut();
    expect(line(accounts.headers, SESSION_COOKIE)).toMatch(/Max-Age=0/);
    expect(line(accounts.headers, ACCESS_COOKIE)).toMatch(/Max-Age=0/);
    const { rows } = await db.pg.query("select 1 from auth.sessions where id = $1", [sessionId]);
    expect(rows).toEqual([]);
  });

  it("a new login replaces both cookies, and ends the session the access cookie named", async () => {
    const first = await signedIn();
    const browser = new Browser();
    browser.cookies.set(SESSION_COOKIE, { value: first.session, maxAge: null });
    browser.cookies.set(ACCESS_COOKIE, { value: first.access, maxAge: null });
    const accounts = backend.accounts.forRequest(browser.request("/connexion", { form: {} }));
    await accounts.signIn({ ...DEMO, remember: false });
    browser.absorb(accounts.headers);

    const session = browser.cookies.get(SESSION_COOKIE)!.value;
    const access = browser.cookies.get(ACCESS_COOKIE)!.value;
    expect(session).not.toBe(first.session);
    expect(claimsOf(access).sid).toBe(session.split(".")[0]);
    const { rows } = await db.pg.query("select 1 from auth.sessions where id = $1", [first.sessionId]);
    expect(rows).toEqual([]);
  });
});
