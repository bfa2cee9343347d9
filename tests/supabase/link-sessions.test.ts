import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { passwordLinkSession } from "~/.server/accounts";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import type { RequestAccounts } from "~/.server/ports/accounts";
import type { Backend } from "~/.server/ports/backend";
import {
  ANON_KEY,
  AUTH_COOKIE,
  cookieLine,
  cookieValueFor,
  fakeSession,
  fakeUser,
  gotrueError,
  GOTRUE_MESSAGES,
  nextCookieHeader,
  storedSession,
  SUPABASE_URL,
  testEnv,
} from "./msw-supabase";
import { es256Key, jwksHandler, signed } from "./signing-keys";

/**
 * linkSession() and the "once" rule of setPassword on the Supabase adapter, against MSW answers
 * shaped like GoTrue's. What GoTrue really does (docs/decisions/0005-supabase-accounts-adapter.md):
 * - POST /verify with a token_hash opens the session with the authentication method "otp",
 *   whatever the link type: invite, recovery, magic link, e-mail change. Only the PKCE redirect
 *   flow (GET /verify then /token?grant_type=pkce) records "invite" / "recovery".
 * - The access token's `amr` lists the session's claims, `[{method, timestamp}]`, newest first;
 *   a refresh keeps them.
 * - PUT /user {password} keeps the session and its amr; it deletes the user's other sessions.
 * So the link type of an "otp" session comes from the portal (a cookie MACed with a server secret
 * and bound to the session id), and setPassword must replace the session to spend it.
 * The project signs its tokens with an asymmetric key (ES256): the adapter verifies them itself,
 * so a page load makes no call to GoTrue (tests/supabase/local-verification.test.ts).
 */
const KEY = es256Key();
const server = setupServer(jwksHandler([KEY]));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  seen = [];
});
afterAll(() => server.close());

const USER_ID = "d0000000-0000-4000-8000-000000000001";
const EMAIL = "demo@demo.fr";
const SITE = "https://factures.example.fr";
const AUTH = `${SUPABASE_URL}/auth/v1`;
const LINK_COOKIE = "pf_link";
const LINK_SESSION = "5e550000-0000-4000-8000-00000000a001";
const PASSWORD_SESSION = "5e550000-0000-4000-8000-00000000b002";
const NEW_SESSION = "5e550000-0000-4000-8000-00000000c003";

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  apikey: string | null;
  authorization: string | null;
  body: unknown;
}
let seen: Seen[] = [];

async function record(request: Request) {
  const url = new URL(request.url);
  const text = await request.clone().text();
  seen.push({
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    apikey: request.headers.get("apikey"),
    authorization: request.headers.get("authorization"),
    body: text ? (JSON.parse(text) as unknown) : undefined,
  });
}

const calls = () => seen.map((s) => `${s.method} ${s.path}${s.query.grant_type ? `?grant_type=${s.query.grant_type}` : ""}${s.query.scope ? `?scope=${s.query.scope}` : ""}`);

let backend: Backend;
beforeAll(async () => {
  backend = await createSupabaseBackend(testEnv());
});
const forRequest = (request: Request): RequestAccounts => backend.accounts.forRequest(request);

function requestWithCookie(path: string, cookie: string): Request {
  return new Request(`${SITE}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

/** A link verified a few minutes ago: GoTrue's answer to POST /verify (amr "otp"). */
const openedAt = Math.floor(Date.now() / 1000) - 120;
const LINK = signed(fakeSession(USER_ID, EMAIL, { sessionId: LINK_SESSION, amr: [{ method: "otp", timestamp: openedAt }], refreshToken: "link-refresh" }), KEY);

const verifyHandler = () =>
  http.post(`${AUTH}/verify`, async ({ request }) => {
    await record(request);
    return HttpResponse.json(LINK);
  });

/** GET /user answers for the token it is given, as GoTrue does once it checked the signature (never asked for ES256 tokens). */
const userHandler = () =>
  http.get(`${AUTH}/user`, async ({ request }) => {
    await record(request);
    return HttpResponse.json(fakeUser(USER_ID, EMAIL));
  });

/** Follows a link in one request; returns the Cookie header the browser sends next. */
async function followLink(type: "invite" | "recovery" | "email_change"): Promise<string> {
  server.use(verifyHandler());
  const accounts = forRequest(requestWithCookie("/auth/confirm", ""));
  expect(await accounts.verifyLink(type, "hash-from-the-email")).toEqual({ ok: true, type });
  const next = nextCookieHeader(accounts.headers);
  seen = [];
  return next;
}

describe("linkSession", () => {
  it.each(["invite", "recovery"] as const)("a session opened by a %s link: its type and when GoTrue opened it (amr otp), from the token verified here", async (type) => {
    const cookie = await followLink(type);
    server.use(userHandler());
    const accounts = forRequest(requestWithCookie("/nouveau-mot-de-passe", cookie));

    await expect(accounts.linkSession()).resolves.toEqual({ type, openedAt: new Date(openedAt * 1000) });
    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: LINK_SESSION });

    // The token's signature was checked with the project's key: no call to GoTrue.
    expect(calls()).toEqual([]);
    // The shared rule (15 minutes) accepts it.
    await expect(passwordLinkSession(accounts)).resolves.toEqual({ type, openedAt: new Date(openedAt * 1000) });
  });

  it("in the request that followed the link, from GoTrue's own /verify answer", async () => {
    server.use(verifyHandler());
    const accounts = forRequest(requestWithCookie("/auth/confirm", ""));
    await accounts.verifyLink("recovery", "hash-from-the-email");

    await expect(accounts.linkSession()).resolves.toEqual({ type: "recovery", openedAt: new Date(openedAt * 1000) });
    expect(calls()).toEqual(["POST /auth/v1/verify"]);
  });

  it("is null for a session opened by an e-mail-change link (GoTrue also says amr otp)", async () => {
    const cookie = await followLink("email_change");
    expect(cookie).not.toContain(`${LINK_COOKIE}=`);
    server.use(userHandler());

    await expect(forRequest(requestWithCookie("/accueil", cookie)).linkSession()).resolves.toBeNull();
  });

  it("is null for a password login, even with a link cookie copied from a link session", async () => {
    const linkCookie = /pf_link=[^;]+/.exec(await followLink("recovery"))![0];
    server.use(userHandler());
    const password = signed(fakeSession(USER_ID, EMAIL, { sessionId: PASSWORD_SESSION, amr: [{ method: "password", timestamp: openedAt }] }), KEY);
    const accounts = forRequest(requestWithCookie("/accueil", `${AUTH_COOKIE}=${cookieValueFor(password)}; ${linkCookie}`));

    await expect(accounts.linkSession()).resolves.toBeNull();
  });

  it("is null when the link cookie was tampered with (type changed, or another session's)", async () => {
    const cookie = await followLink("invite");
    server.use(userHandler());
    const [, value] = /pf_link=([^;]+)/.exec(cookie)!;
    const forged = [
      value!.replace(/^invite\./, "recovery."),
      value!.replace(LINK_SESSION, PASSWORD_SESSION),
      `recovery.${LINK_SESSION}.${"A".repeat(43)}`,
      "recovery",
    ];
    for (const bad of forged) {
      const tampered = cookie.replace(/pf_link=[^;]+/, `pf_link=${bad}`);
      await expect(forRequest(requestWithCookie("/nouveau-mot-de-passe", tampered)).linkSession(), bad).resolves.toBeNull();
    }
  });

  it("legacy HS256 secret: is null, from the cookie alone, when GoTrue does not accept the token (403 session_not_found)", async () => {
    server.use(
      http.post(`${AUTH}/verify`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(fakeSession(USER_ID, EMAIL, { sessionId: LINK_SESSION, amr: [{ method: "otp", timestamp: openedAt }] }));
      }),
    );
    const followed = forRequest(requestWithCookie("/auth/confirm", ""));
    await followed.verifyLink("recovery", "hash-from-the-email");
    const cookie = nextCookieHeader(followed.headers);
    seen = [];
    server.use(
      http.get(`${AUTH}/user`, async ({ request }) => {
        await record(request);
        return gotrueError(403, "session_not_found", "Session from session_id claim in JWT does not exist", request);
      }),
    );

    await expect(forRequest(requestWithCookie("/nouveau-mot-de-passe", cookie)).linkSession()).resolves.toBeNull();
    expect(calls()).toEqual(["GET /auth/v1/user"]);
  });

  it("reads the link type from amr when GoTrue recorded it (PKCE redirect flow: amr recovery)", async () => {
    server.use(userHandler());
    const pkce = signed(fakeSession(USER_ID, EMAIL, { sessionId: LINK_SESSION, amr: [{ method: "recovery", timestamp: openedAt }] }), KEY);

    await expect(forRequest(requestWithCookie("/nouveau-mot-de-passe", `${AUTH_COOKIE}=${cookieValueFor(pkce)}`)).linkSession()).resolves.toEqual({
      type: "recovery",
      openedAt: new Date(openedAt * 1000),
    });
  });

  it("is null without a session, without asking GoTrue", async () => {
    await expect(forRequest(requestWithCookie("/nouveau-mot-de-passe", "")).linkSession()).resolves.toBeNull();
    expect(seen).toEqual([]);
  });
});

describe("setPassword spends the link privilege", () => {
  const FRESH = signed(
    fakeSession(USER_ID, EMAIL, { sessionId: NEW_SESSION, amr: [{ method: "password", timestamp: Math.floor(Date.now() / 1000) }], refreshToken: "password-refresh" }),
    KEY,
  );

  function passwordChangeHandlers(token: () => Response = () => HttpResponse.json(FRESH)) {
    return [
      userHandler(),
      http.put(`${AUTH}/user`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(fakeUser(USER_ID, EMAIL));
      }),
      http.post(`${AUTH}/token`, async ({ request }) => {
        await record(request);
        return token();
      }),
      http.post(`${AUTH}/logout`, async ({ request }) => {
        await record(request);
        return new HttpResponse(null, { status: 204 });
      }),
    ];
  }

  it("sets the password, opens a fresh password session and ends every other one, the link session included", async () => {
    const cookie = await followLink("recovery");
    server.use(...passwordChangeHandlers());
    const accounts = forRequest(requestWithCookie("/nouveau-mot-de-passe", cookie));
    expect(await accounts.linkSession()).not.toBeNull();

    await accounts.setPassword("nouveau-mdp-2026");

    expect(calls()).toEqual(["PUT /auth/v1/user", "POST /auth/v1/token?grant_type=password", "POST /auth/v1/logout?scope=others"]);
    expect(seen[0]).toMatchObject({ authorization: `Bearer ${LINK.access_token}`, body: expect.objectContaining({ password: "nouveau-mdp-2026" }) });
    expect(seen[1]).toMatchObject({ apikey: ANON_KEY, body: expect.objectContaining({ email: EMAIL, password: "nouveau-mdp-2026" }) });
    expect(seen[2]!.authorization).toBe(`Bearer ${FRESH.access_token}`);

    // The browser now holds the password session, as a browser-session cookie; the link cookie is gone.
    expect(storedSession(accounts.headers).refresh_token).toBe("password-refresh");
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).not.toMatch(/Max-Age|Expires/i);
    expect(cookieLine(accounts.headers, LINK_COOKIE)).toMatch(/Max-Age=0/);
    await expect(accounts.linkSession()).resolves.toBeNull();
    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: NEW_SESSION });

    // Next request: the password session, even with the old link cookie replayed, has no privilege.
    seen = [];
    const after = nextCookieHeader(accounts.headers, Object.fromEntries(cookie.split("; ").map((c) => [c.slice(0, c.indexOf("=")), c.slice(c.indexOf("=") + 1)])));
    const replayed = `${after}; ${/pf_link=[^;]+/.exec(cookie)![0]}`;
    await expect(forRequest(requestWithCookie("/mes-informations/mot-de-passe", replayed)).linkSession()).resolves.toBeNull();
  });

  it("ends the link session when the fresh sign-in fails, so the privilege never outlives the change", async () => {
    const cookie = await followLink("invite");
    server.use(...passwordChangeHandlers(() => gotrueError(429, "over_request_rate_limit", GOTRUE_MESSAGES.requestRate)));
    const accounts = forRequest(requestWithCookie("/nouveau-mot-de-passe", cookie));

    await expect(accounts.setPassword("nouveau-mdp-2026")).rejects.toMatchObject({ details: { status: 429 } });

    expect(calls()).toEqual(["PUT /auth/v1/user", "POST /auth/v1/token?grant_type=password", "POST /auth/v1/logout?scope=local"]);
    expect(seen[2]!.authorization).toBe(`Bearer ${LINK.access_token}`);
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/Max-Age=0/);
    expect(cookieLine(accounts.headers, LINK_COOKIE)).toMatch(/Max-Age=0/);
  });

  it("a link session revoked meanwhile: its token still verifies here, but GoTrue refuses the change (PUT /user checks the session)", async () => {
    const cookie = await followLink("recovery");
    server.use(
      http.put(`${AUTH}/user`, async ({ request }) => {
        await record(request);
        return gotrueError(403, "session_not_found", "Session from session_id claim in JWT does not exist", request);
      }),
    );
    const accounts = forRequest(requestWithCookie("/nouveau-mot-de-passe", cookie));
    expect(await accounts.linkSession()).not.toBeNull();

    await expect(accounts.setPassword("nouveau-mdp-2026")).rejects.toMatchObject({ details: { operation: "updateUser(password)" }, message: expect.stringMatching(/session/i) });
    expect(calls()).toEqual(["PUT /auth/v1/user"]);
  });
});
