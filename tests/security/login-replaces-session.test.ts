import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as login from "~/routes/connexion/route";
import * as layout from "~/routes/_espace/route";
import type { Database } from "~/.server/embedded/database";
import { Browser, startPortal } from "../accounts/route-harness";

/**
 * A login replaces the session the browser already had: POST /connexion with resident A's cookie
 * and resident B's credentials ends A's session on the server and opens B's. Any login attempt
 * ends the current session, also when it fails: the person at the keyboard is not A, and the page
 * then shows the login error to an anonymous visitor, not an error over A's still-open space.
 */
let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const A = { email: "demo@demo.fr", password: "demo-factures", name: "Test SISTEC560" };
const B = { email: "paiement@demo.fr", password: "paiement-factures", name: "Famille Paiement" };

async function signedInAs(who: { email: string; password: string }) {
  const browser = new Browser();
  const result = await browser.call(login.action, "/connexion", { email: who.email, password: who.password, redirectTo: "/accueil" });
  expect(result.status).toBe(302);
  return { browser, cookie: browser.cookies.get("pf_session")!.value };
}

/** A browser carrying only this session cookie: proves what the server still accepts. */
async function replay(cookie: string) {
  const other = new Browser();
  other.cookies.set("pf_session", { value: cookie, maxAge: null });
  return other.call(layout.loader, "/accueil");
}

async function sessionsOf(email: string): Promise<number> {
  const { rows } = await db.pg.query<{ n: number }>(
    "select count(*)::int as n from auth.sessions s join auth.users u on u.id = s.user_id where u.email = $1",
    [email],
  );
  return rows[0]!.n;
}

describe("a login replaces the previous session", () => {
  it("A's browser that logs in as B ends up as B, and A's session is ended on the server", async () => {
    const { browser, cookie: cookieA } = await signedInAs(A);
    const sessionsA = await sessionsOf(A.email);

    const result = await browser.call(login.action, "/connexion", { email: B.email, password: B.password, redirectTo: "/factures" });
    expect(result.status).toBe(302);
    expect(result.location).toBe("/factures");
    expect(browser.cookies.get("pf_session")!.value).not.toBe(cookieA);
    expect((await browser.call(layout.loader, "/accueil")).data).toMatchObject({ displayName: B.name });

    // A's cookie no longer opens anything: the session row is gone, not only the cookie.
    expect((await replay(cookieA)).location).toBe("/connexion");
    expect(await sessionsOf(A.email)).toBe(sessionsA - 1);
  });

  it("a failed login from A's browser ends A's session too: an anonymous visitor sees the error", async () => {
    const { browser, cookie: cookieA } = await signedInAs(A);
    const result = await browser.call(login.action, "/connexion", { email: B.email, password: "pas-le-bon-1" });
    expect(result.status).toBe(401);
    expect((result.data as { formError: string }).formError).toContain("Adresse mail ou mot de passe incorrect.");
    expect(browser.cookies.has("pf_session")).toBe(false);
    expect((await browser.call(layout.loader, "/accueil")).location).toBe("/connexion");
    expect((await replay(cookieA)).location).toBe("/connexion");
  });

  it("an incomplete login form from A's browser also ends A's session (400, field errors)", async () => {
    const { browser, cookie: cookieA } = await signedInAs(A);
    const result = await browser.call(login.action, "/connexion", { email: B.email, password: "" });
    expect(result.status).toBe(400);
    expect(browser.cookies.has("pf_session")).toBe(false);
    expect((await replay(cookieA)).location).toBe("/connexion");
  });

  it("logging in again as the same resident replaces the session with a fresh one", async () => {
    const { browser, cookie: first } = await signedInAs(A);
    const again = await browser.call(login.action, "/connexion", { email: A.email, password: A.password });
    expect(again.status).toBe(302);
    const second = browser.cookies.get("pf_session")!.value;
    expect(second).not.toBe(first);
    expect((await replay(first)).location).toBe("/connexion");
    expect((await replay(second)).data).toMatchObject({ displayName: A.name });
  });

  it("the login page itself still sends a signed-in resident to /accueil (GET)", async () => {
    const { browser } = await signedInAs(A);
    expect((await browser.call(login.loader, "/connexion")).location).toBe("/accueil");
  });
});
