import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as login from "~/routes/connexion/route";
import * as layout from "~/routes/_espace.accueil/route";
import { useBackend } from "~/.server/backend";
import type { Database } from "~/.server/embedded/database";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { Browser, startPortal } from "../support/route-harness";
import { AUTH_COOKIE, fakeSession, fakeUser, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";
import { es256Key, jwksHandler, signed } from "../supabase/signing-keys";

/**
 * A login replaces the session the browser already had: POST /connexion with resident A's cookie
 * and resident B's credentials ends A's session on the server and opens B's. Any login attempt
 * (a complete form) ends the current session, also when it fails: the person at the keyboard is
 * not A, and the page then shows the login error to an anonymous visitor, not an error over A's
 * still-open space. An incomplete form is no attempt: A is sent to /accueil, as by the page.
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
    expect(result).toRedirectTo("/factures", { status: 302 });
    expect(browser.cookies.get("pf_session")!.value).not.toBe(cookieA);
    expect((await browser.call(layout.loader, "/accueil")).data).toMatchObject({ frame: { displayName: B.name } });

    // A's cookie no longer opens anything: the session row is gone, not only the cookie.
    expect(await replay(cookieA)).toRedirectTo("/connexion");
    expect(await sessionsOf(A.email)).toBe(sessionsA - 1);
  });

  it("a failed login from A's browser ends A's session too: an anonymous visitor sees the error", async () => {
    const { browser, cookie: cookieA } = await signedInAs(A);
    const result = await browser.call(login.action, "/connexion", { email: B.email, password: "pas-le-bon-1" });
    expect(result.status).toBe(401);
    expect(result.data.formError).toContain("Adresse mail ou mot de passe incorrect.");
    expect(browser.cookies.has("pf_session")).toBe(false);
    expect(await browser.call(layout.loader, "/accueil")).toRedirectTo("/connexion");
    expect(await replay(cookieA)).toRedirectTo("/connexion");
  });

  it("an incomplete form is no login attempt: A stays signed in and goes to /accueil, as on the page itself", async () => {
    const { browser, cookie: cookieA } = await signedInAs(A);
    const result = await browser.call(login.action, "/connexion", { email: B.email, password: "" });
    expect(result).toRedirectTo("/accueil", { status: 302 });
    expect(browser.cookies.get("pf_session")!.value).toBe(cookieA);
    expect((await replay(cookieA)).data).toMatchObject({ frame: { displayName: A.name } });
  });

  it("logging in again as the same resident replaces the session with a fresh one", async () => {
    const { browser, cookie: first } = await signedInAs(A);
    const again = await browser.call(login.action, "/connexion", { email: A.email, password: A.password });
    expect(again.status).toBe(302);
    const second = browser.cookies.get("pf_session")!.value;
    expect(second).not.toBe(first);
    expect(await replay(first)).toRedirectTo("/connexion");
    expect((await replay(second)).data).toMatchObject({ frame: { displayName: A.name } });
  });

  it("the login page itself still sends a signed-in resident to /accueil (GET)", async () => {
    const { browser } = await signedInAs(A);
    expect(await browser.call(login.loader, "/connexion")).toRedirectTo("/accueil");
  });
});

describe("a login replaces the previous session, on the Supabase adapter (MSW)", () => {
  // The project signs tokens with an asymmetric key: A's token is verified here, without GET /user.
  const KEY = es256Key();
  const server = setupServer(jwksHandler([KEY]));
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const A_ID = "d0000000-0000-4000-8000-000000000001";
  const B_ID = "d0000000-0000-4000-8000-000000000010";
  const AUTH = `${SUPABASE_URL}/auth/v1`;
  const cookieValueFor = (session: object) => `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
  const sessionIn = (value: string) =>
    JSON.parse(Buffer.from(decodeURIComponent(value).replace(/^base64-/, ""), "base64url").toString()) as { access_token: string };

  /** GoTrue and PostgREST as the login sees them; records what the adapter asked, in order. */
  function handlers(seen: string[], login: "ok" | "wrong") {
    const sessionA = { ...signed(fakeSession(A_ID, A.email), KEY), refresh_token: "refresh-a" };
    const sessionB = { ...signed(fakeSession(B_ID, B.email), KEY), refresh_token: "refresh-b" };
    server.use(
      http.get(`${AUTH}/user`, ({ request }) => {
        seen.push(`GET /user ${request.headers.get("authorization") === `Bearer ${sessionA.access_token}` ? "A" : "?"}`);
        return HttpResponse.json(fakeUser(A_ID, A.email));
      }),
      http.post(`${AUTH}/logout`, ({ request }) => {
        seen.push(`POST /logout ${request.headers.get("authorization") === `Bearer ${sessionA.access_token}` ? "A" : "?"}`);
        return new HttpResponse(null, { status: 204 });
      }),
      http.post(`${AUTH}/token`, () => {
        seen.push("POST /token");
        return login === "ok"
          ? HttpResponse.json(sessionB)
          : HttpResponse.json(
              { code: "invalid_credentials", message: "Invalid login credentials" },
              { status: 400, headers: { "X-Supabase-Api-Version": "2024-01-01" } },
            );
      }),
      http.post(`${SUPABASE_URL}/rest/v1/rpc/:name`, ({ params }) => {
        seen.push(`rpc ${String(params.name)}`);
        return params.name === "login_attempt_succeeded" ? new HttpResponse(null, { status: 204 }) : HttpResponse.json(null);
      }),
    );
    return { sessionA, sessionB };
  }

  it("ends A's session in GoTrue before signing B in; the cookies written last are B's", async () => {
    useBackend(await createSupabaseBackend(testEnv()));
    const seen: string[] = [];
    const { sessionA, sessionB } = handlers(seen, "ok");
    const browser = new Browser();
    browser.cookies.set(AUTH_COOKIE, { value: cookieValueFor(sessionA), maxAge: null });

    const result = await browser.call(login.action, "/connexion", { email: B.email, password: B.password, redirectTo: "/accueil" });
    expect(result.status).toBe(302);
    expect(seen).toEqual(["POST /logout A", "rpc login_attempt_check", "POST /token", "rpc login_attempt_succeeded"]);
    expect(sessionIn(browser.cookies.get(AUTH_COOKIE)!.value).access_token).toBe(sessionB.access_token);
  });

  it("a failed attempt from A's browser ends A's session and leaves no session cookie", async () => {
    useBackend(await createSupabaseBackend(testEnv()));
    const seen: string[] = [];
    const { sessionA } = handlers(seen, "wrong");
    const browser = new Browser();
    browser.cookies.set(AUTH_COOKIE, { value: cookieValueFor(sessionA), maxAge: null });

    const result = await browser.call(login.action, "/connexion", { email: B.email, password: "pas-le-bon-1" });
    expect(result.status).toBe(401);
    expect(seen).toEqual(["POST /logout A", "rpc login_attempt_check", "POST /token", "rpc login_attempt_failed"]);
    expect(browser.cookies.has(AUTH_COOKIE)).toBe(false);
  });
});
