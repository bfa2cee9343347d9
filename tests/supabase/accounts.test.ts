import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { REMEMBER_COOKIE } from "~/.server/supabase/accounts";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import type { RequestAccounts } from "~/.server/ports/accounts";
import type { Backend } from "~/.server/ports/backend";
import {
  ANON_KEY,
  AUTH_COOKIE,
  cookieLine,
  cookieValueFor,
  fakeAccessToken,
  fakeSession,
  fakeUser,
  gotrueError,
  SERVICE_ROLE_KEY,
  storedSession,
  SUPABASE_URL,
  testEnv,
} from "./msw-supabase";
import { es256Key, jwksHandler, signed } from "./signing-keys";

/**
 * The Supabase AccountsPort against MSW handlers shaped like GoTrue's HTTP API: what the adapter
 * sends (keys, the resident's token, bodies, redirect_to) and how it reads the answers. The
 * project signs its tokens with an asymmetric key (ES256, published at the JWKS path, which
 * `seen` does not list): the adapter verifies them itself (tests/supabase/local-verification.test.ts);
 * `legacy()` is a token of a project on the HS256 secret, which GoTrue checks (GET /user).
 */
const KEY = es256Key();
const server = setupServer(jwksHandler([KEY]));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const USER_ID = "d0000000-0000-4000-8000-000000000001";
const EMAIL = "demo@demo.fr";
const SITE = "https://factures.example.fr";
const AUTH = `${SUPABASE_URL}/auth/v1`;

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  apikey: string | null;
  authorization: string | null;
  body: unknown;
}

let seen: Seen[] = [];
afterEach(() => {
  seen = [];
});

async function record(request: Request): Promise<Seen> {
  const url = new URL(request.url);
  const text = await request.clone().text();
  const entry: Seen = {
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    apikey: request.headers.get("apikey"),
    authorization: request.headers.get("authorization"),
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
  seen.push(entry);
  return entry;
}

/** A session of a project with signing keys (ES256). */
const session = () => signed(fakeSession(USER_ID, EMAIL), KEY);
/** A session of a project still on the legacy HS256 secret. */
const legacy = () => fakeSession(USER_ID, EMAIL);

function sessionExpiringAt(expiresAt: number, refreshToken = "refresh-token-old") {
  return { ...signed(fakeSession(USER_ID, EMAIL, { exp: expiresAt }), KEY), expires_at: expiresAt, refresh_token: refreshToken };
}

function requestWith(path: string, cookies: Record<string, string> = {}): Request {
  const cookie = Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
  return new Request(`${SITE}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

function signedIn(path: string, stored: object = session(), extra: Record<string, string> = {}): Request {
  return requestWith(path, { [AUTH_COOKIE]: cookieValueFor(stored), ...extra });
}

const userHandler = () =>
  http.get(`${AUTH}/user`, async ({ request }) => {
    await record(request);
    return HttpResponse.json(fakeUser(USER_ID, EMAIL));
  });

const logoutHandler = () =>
  http.post(`${AUTH}/logout`, async ({ request }) => {
    await record(request);
    return new HttpResponse(null, { status: 204 });
  });

let backend: Backend;
beforeAll(async () => {
  backend = await createSupabaseBackend(testEnv());
});

const forRequest = (request: Request): RequestAccounts => backend.accounts.forRequest(request);

describe("getUser", () => {
  it("verifies the cookie's access token with the project's signing key: no call to GoTrue", async () => {
    server.use(userHandler());
    const accounts = forRequest(signedIn("/accueil"));

    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: expect.stringMatching(/^5e550000-/) });
    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: expect.stringMatching(/^5e550000-/) });

    expect(seen).toEqual([]);
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("legacy HS256 secret: asks GoTrue (GET /auth/v1/user) with the cookie's access token, once per request", async () => {
    server.use(userHandler());
    const stored = legacy();
    const accounts = forRequest(signedIn("/accueil", stored));

    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: expect.stringMatching(/^5e550000-/) });
    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: expect.stringMatching(/^5e550000-/) });

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "GET", path: "/auth/v1/user", apikey: ANON_KEY, authorization: `Bearer ${stored.access_token}` });
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("is null without a session cookie, without asking GoTrue", async () => {
    const accounts = forRequest(requestWith("/accueil"));
    expect(await accounts.getUser()).toBeNull();
    expect(seen).toEqual([]);
  });

  it("legacy HS256 secret: is null, and clears the cookie, when GoTrue no longer knows the session (403 session_not_found)", async () => {
    server.use(http.get(`${AUTH}/user`, () => gotrueError(403, "session_not_found", "Session from session_id claim in JWT does not exist")));
    const accounts = forRequest(signedIn("/accueil", legacy()));

    expect(await accounts.getUser()).toBeNull();
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/Max-Age=0/);
  });

  it("legacy HS256 secret: throws (error page, not a logout) when GoTrue fails", async () => {
    server.use(http.get(`${AUTH}/user`, () => HttpResponse.json({ message: "upstream" }, { status: 503 })));
    const accounts = forRequest(signedIn("/accueil", legacy()));

    await expect(accounts.getUser()).rejects.toBeInstanceOf(SupabaseAdapterError);
  });
});

describe("signIn", () => {
  const tokenHandler = () =>
    http.post(`${AUTH}/token`, async ({ request }) => {
      await record(request);
      return HttpResponse.json(fakeSession(USER_ID, EMAIL));
    });

  it("posts the credentials to /token?grant_type=password and sets persistent cookies when remembered", async () => {
    server.use(tokenHandler());
    const accounts = forRequest(requestWith("/connexion"));

    await expect(accounts.signIn({ email: " Demo@Demo.fr ", password: "demo-factures", remember: true })).resolves.toEqual({ ok: true });

    expect(seen[0]).toMatchObject({
      method: "POST",
      path: "/auth/v1/token",
      query: { grant_type: "password" },
      apikey: ANON_KEY,
      body: expect.objectContaining({ email: EMAIL, password: "demo-factures" }),
    });
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/; Max-Age=\d{5,}/);
    expect(cookieLine(accounts.headers, REMEMBER_COOKIE)).toBeUndefined();
    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: expect.stringMatching(/^5e550000-/) }); // no GET /user needed
    expect(seen).toHaveLength(1);
  });

  it("writes browser-session cookies and pf_remember=0 when « Se souvenir de moi » is unchecked", async () => {
    server.use(tokenHandler());
    const accounts = forRequest(requestWith("/connexion"));

    await accounts.signIn({ email: EMAIL, password: "demo-factures", remember: false });

    const auth = cookieLine(accounts.headers, AUTH_COOKIE);
    expect(auth).toBeDefined();
    expect(auth).not.toMatch(/Max-Age|Expires/i);
    const remember = cookieLine(accounts.headers, REMEMBER_COOKIE);
    expect(remember).toMatch(/^pf_remember=0; /);
    expect(remember).toMatch(/HttpOnly/);
    expect(remember).toMatch(/SameSite=Lax/);
    expect(remember).toMatch(/Secure/);
    expect(remember).not.toMatch(/Max-Age|Expires/i);
  });

  it("marks pf_remember Secure when the request came over https, whatever SITE_URL says", async () => {
    server.use(tokenHandler());
    const local = await createSupabaseBackend(testEnv({ SITE_URL: "http://localhost:3000" }));
    const accounts = local.accounts.forRequest(new Request("https://localhost:3000/connexion"));

    await accounts.signIn({ email: EMAIL, password: "demo-factures", remember: false });

    expect(cookieLine(accounts.headers, REMEMBER_COOKIE)).toMatch(/; Secure/);
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/; Secure/);
  });

  it("clears an earlier pf_remember=0 when the resident now asks to be remembered", async () => {
    server.use(tokenHandler());
    const accounts = forRequest(requestWith("/connexion", { [REMEMBER_COOKIE]: "0" }));

    await accounts.signIn({ email: EMAIL, password: "demo-factures", remember: true });

    expect(cookieLine(accounts.headers, REMEMBER_COOKIE)).toMatch(/Max-Age=0/);
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/; Max-Age=\d{5,}/);
  });

  it("answers invalid_credentials on GoTrue's 400 invalid_credentials (legacy error body too)", async () => {
    server.use(
      http.post(`${AUTH}/token`, () => HttpResponse.json({ code: 400, error_code: "invalid_credentials", msg: "Invalid login credentials" }, { status: 400 })),
    );
    const accounts = forRequest(requestWith("/connexion"));

    await expect(accounts.signIn({ email: EMAIL, password: "wrong", remember: true })).resolves.toEqual({ ok: false, reason: "invalid_credentials" });
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("throws on a rate limit (429), with the code and status for the logs", async () => {
    server.use(http.post(`${AUTH}/token`, () => gotrueError(429, "over_request_rate_limit", "Request rate limit reached")));
    const accounts = forRequest(requestWith("/connexion"));

    const error = await accounts.signIn({ email: EMAIL, password: "x", remember: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SupabaseAdapterError);
    expect(error).toMatchObject({ details: { operation: "signInWithPassword", code: "over_request_rate_limit", status: 429 } });
    expect((error as Error).message).toMatch(/rate limit/);
  });
});

describe("token refresh on a later request keeps the cookie mode chosen at login", () => {
  function refreshHandler() {
    return http.post(`${AUTH}/token`, async ({ request }) => {
      const entry = await record(request);
      expect(entry.query).toEqual({ grant_type: "refresh_token" });
      expect(entry.body).toMatchObject({ refresh_token: "refresh-token-old" });
      return HttpResponse.json({ ...refreshed, refresh_token: "refresh-token-new" });
    });
  }
  const refreshed = session();
  const expired = () => sessionExpiringAt(Math.floor(Date.now() / 1000) - 60);

  it("pf_remember=0: the refreshed cookies have no Max-Age", async () => {
    server.use(refreshHandler(), userHandler());
    const accounts = forRequest(signedIn("/factures", expired(), { [REMEMBER_COOKIE]: "0" }));

    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: expect.stringMatching(/^5e550000-/) });

    // One refresh, then the new token is verified here (no GET /user).
    expect(seen.map((s) => s.path)).toEqual(["/auth/v1/token"]);
    expect(storedSession(accounts.headers).refresh_token).toBe("refresh-token-new");
    expect(storedSession(accounts.headers).access_token).toBe(refreshed.access_token);
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).not.toMatch(/Max-Age|Expires/i);
  });

  it("without pf_remember: the refreshed cookies keep a Max-Age", async () => {
    server.use(refreshHandler(), userHandler());
    const accounts = forRequest(signedIn("/factures", expired()));

    await accounts.getUser();

    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/; Max-Age=\d{5,}/);
  });
});

describe("signOut", () => {
  it("revokes the session in GoTrue (POST /logout?scope=local with its token) and clears both cookies", async () => {
    server.use(logoutHandler());
    const stored = session();
    const accounts = forRequest(signedIn("/deconnexion", stored, { [REMEMBER_COOKIE]: "0" }));

    await accounts.signOut();

    expect(seen).toEqual([expect.objectContaining({ method: "POST", path: "/auth/v1/logout", query: { scope: "local" }, authorization: `Bearer ${stored.access_token}` })]);
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/Max-Age=0/);
    expect(cookieLine(accounts.headers, REMEMBER_COOKIE)).toMatch(/Max-Age=0/);
    expect(await accounts.getUser()).toBeNull();
  });

  it("still clears the cookie when GoTrue says the session was already gone", async () => {
    server.use(http.post(`${AUTH}/logout`, () => gotrueError(403, "session_not_found", "Session not found")));
    const accounts = forRequest(signedIn("/deconnexion"));

    await expect(accounts.signOut()).resolves.toBeUndefined();
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/Max-Age=0/);
  });
});

describe("sendActivationLink", () => {
  it("invites with the service role (POST /invite, redirect_to /auth/confirm): GoTrue sends the invite template", async () => {
    server.use(
      http.post(`${AUTH}/invite`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ ...fakeUser(USER_ID, EMAIL), email_confirmed_at: null, invited_at: "2026-11-26T10:00:00Z" });
      }),
    );
    const accounts = forRequest(requestWith("/activation"));

    await expect(accounts.sendActivationLink(" Demo@Demo.fr")).resolves.toBe("sent");

    expect(seen).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/auth/v1/invite",
        query: { redirect_to: `${SITE}/auth/confirm` },
        apikey: SERVICE_ROLE_KEY,
        authorization: `Bearer ${SERVICE_ROLE_KEY}`,
        body: expect.objectContaining({ email: EMAIL }),
      }),
    ]);
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("falls back to a recovery e-mail when GoTrue refuses to re-invite a confirmed user (422 email_exists)", async () => {
    server.use(
      http.post(`${AUTH}/invite`, async ({ request }) => {
        await record(request);
        return gotrueError(422, "email_exists", "A user with this email address has already been registered");
      }),
      http.post(`${AUTH}/recover`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({});
      }),
    );
    const accounts = forRequest(requestWith("/activation"));

    await expect(accounts.sendActivationLink(EMAIL)).resolves.toBe("sent");

    expect(seen.map((s) => s.path)).toEqual(["/auth/v1/invite", "/auth/v1/recover"]);
    expect(seen[1]).toMatchObject({ apikey: ANON_KEY, query: { redirect_to: `${SITE}/auth/confirm` }, body: expect.objectContaining({ email: EMAIL }) });
  });

  it("takes redirect_to from SITE_URL, never from the request's host", async () => {
    server.use(
      http.post(`${AUTH}/invite`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ ...fakeUser(USER_ID, EMAIL), email_confirmed_at: null });
      }),
    );
    const forged = new Request("https://attacker.example/activation", { headers: { Host: "attacker.example", "X-Forwarded-Host": "attacker.example" } });

    await forRequest(forged).sendActivationLink(EMAIL);

    expect(seen[0]!.query).toEqual({ redirect_to: `${SITE}/auth/confirm` });
  });

  // Refusals by Auth's e-mail limits: tests/supabase/auth-mail-results.test.ts.
});

describe("sendRecoveryLink", () => {
  it("asks GoTrue to send the recovery template (POST /recover with the anon key, implicit flow)", async () => {
    server.use(
      http.post(`${AUTH}/recover`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({});
      }),
    );
    const accounts = forRequest(requestWith("/mot-de-passe-oublie"));

    await expect(accounts.sendRecoveryLink(EMAIL)).resolves.toBe("sent");

    expect(seen).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/auth/v1/recover",
        query: { redirect_to: `${SITE}/auth/confirm` },
        apikey: ANON_KEY,
        body: expect.objectContaining({ email: EMAIL, code_challenge: null }),
      }),
    ]);
  });

  it("throws when GoTrue fails", async () => {
    server.use(http.post(`${AUTH}/recover`, () => HttpResponse.json({ message: "boom" }, { status: 500 })));
    await expect(forRequest(requestWith("/mot-de-passe-oublie")).sendRecoveryLink(EMAIL)).rejects.toBeInstanceOf(SupabaseAdapterError);
  });
});

describe("verifyLink", () => {
  it.each(["invite", "recovery", "email_change"] as const)("verifies a %s link (POST /verify token_hash) and opens a browser-session", async (type) => {
    server.use(
      http.post(`${AUTH}/verify`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(fakeSession(USER_ID, EMAIL));
      }),
    );
    const accounts = forRequest(requestWith("/auth/confirm"));

    await expect(accounts.verifyLink(type, "hash-from-the-email")).resolves.toEqual({ ok: true, type });

    expect(seen).toEqual([expect.objectContaining({ path: "/auth/v1/verify", apikey: ANON_KEY, body: expect.objectContaining({ type, token_hash: "hash-from-the-email" }) })]);
    const auth = cookieLine(accounts.headers, AUTH_COOKIE);
    expect(auth).toBeDefined();
    expect(auth).not.toMatch(/Max-Age|Expires/i);
    expect(cookieLine(accounts.headers, REMEMBER_COOKIE)).toMatch(/^pf_remember=0;/);
    expect(await accounts.getUser()).toEqual({ id: USER_ID, email: EMAIL, sessionId: expect.stringMatching(/^5e550000-/) });
    expect(seen).toHaveLength(1);
  });

  it.each([
    [403, "otp_expired", "Email link is invalid or has expired"],
    [400, "validation_failed", "Invalid email verification type"],
    [404, "not_found", "User not found"],
  ])("maps %i %s to invalid_or_expired", async (status, code, message) => {
    server.use(http.post(`${AUTH}/verify`, () => gotrueError(status, code, message)));
    const accounts = forRequest(requestWith("/auth/confirm"));

    await expect(accounts.verifyLink("recovery", "old-hash")).resolves.toEqual({ ok: false, reason: "invalid_or_expired" });
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("throws on a rate limit (429)", async () => {
    server.use(http.post(`${AUTH}/verify`, () => gotrueError(429, "over_request_rate_limit", "Request rate limit reached")));
    await expect(forRequest(requestWith("/auth/confirm")).verifyLink("invite", "h")).rejects.toBeInstanceOf(SupabaseAdapterError);
  });
});

describe("setPassword", () => {
  function putUser(answer?: () => Response) {
    return http.put(`${AUTH}/user`, async ({ request }) => {
      await record(request);
      return answer ? answer() : HttpResponse.json(fakeUser(USER_ID, EMAIL));
    });
  }

  const tokenHandler = () =>
    http.post(`${AUTH}/token`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({ ...fakeSession(USER_ID, EMAIL), refresh_token: "refresh-after-password" });
    });

  it("updates the password with the resident's token (PUT /auth/v1/user), then replaces the session and ends the others", async () => {
    server.use(userHandler(), putUser(), tokenHandler(), logoutHandler());
    const stored = session();
    const accounts = forRequest(signedIn("/nouveau-mot-de-passe", stored));

    await accounts.setPassword("nouveau-mdp-2026");

    // The token is verified here; GoTrue checks the session itself at PUT /user.
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["PUT /auth/v1/user", "POST /auth/v1/token", "POST /auth/v1/logout"]);
    expect(seen[0]).toMatchObject({ authorization: `Bearer ${stored.access_token}`, body: expect.objectContaining({ password: "nouveau-mdp-2026" }) });
    expect(seen[1]).toMatchObject({ query: { grant_type: "password" }, body: expect.objectContaining({ email: EMAIL, password: "nouveau-mdp-2026" }) });
    expect(seen[2]).toMatchObject({ query: { scope: "others" } });
    // The browser keeps a session: the fresh one (details: tests/supabase/link-sessions.test.ts).
    expect(storedSession(accounts.headers).refresh_token).toBe("refresh-after-password");
  });

  it("accepts GoTrue's same_password (the password is already the one typed)", async () => {
    server.use(userHandler(), putUser(() => gotrueError(422, "same_password", "New password should be different from the old password.")), tokenHandler(), logoutHandler());
    await expect(forRequest(signedIn("/nouveau-mot-de-passe")).setPassword("demo-factures")).resolves.toBeUndefined();
  });

  it("throws on weak_password, with the code for the route", async () => {
    server.use(
      userHandler(),
      putUser(() =>
        HttpResponse.json(
          { code: "weak_password", message: "Password should be at least 10 characters.", weak_password: { reasons: ["length"] } },
          { status: 422, headers: { "X-Supabase-Api-Version": "2024-01-01" } },
        ),
      ),
    );
    await expect(forRequest(signedIn("/nouveau-mot-de-passe")).setPassword("short-1")).rejects.toMatchObject({ details: { code: "weak_password", status: 422 } });
  });

  it("refuses without a signed-in user", async () => {
    await expect(forRequest(requestWith("/nouveau-mot-de-passe")).setPassword("whatever-1")).rejects.toThrow(/No signed-in user/);
  });
});

describe("changePassword", () => {
  const VERIFIER_TOKEN = fakeAccessToken(USER_ID, EMAIL).replace(/\.[^.]+$/, ".dmVyaWZpZXItc2lnbmF0dXJl");

  it("answers wrong_current_password when GoTrue refuses the current password; nothing else happens", async () => {
    server.use(
      userHandler(),
      http.post(`${AUTH}/token`, async ({ request }) => {
        await record(request);
        return gotrueError(400, "invalid_credentials", "Invalid login credentials");
      }),
    );
    const accounts = forRequest(signedIn("/mes-informations/mot-de-passe"));

    await expect(accounts.changePassword("wrong", "nouveau-mdp-2026")).resolves.toBe("wrong_current_password");

    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /auth/v1/token"]);
    expect(seen[0]).toMatchObject({ query: { grant_type: "password" }, body: expect.objectContaining({ email: EMAIL, password: "wrong" }) });
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("checks the current password on a throwaway client, revokes that check's session, updates, ends other sessions", async () => {
    const stored = session();
    server.use(
      userHandler(),
      http.post(`${AUTH}/token`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ ...fakeSession(USER_ID, EMAIL), access_token: VERIFIER_TOKEN, refresh_token: "verifier-refresh" });
      }),
      http.put(`${AUTH}/user`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(fakeUser(USER_ID, EMAIL));
      }),
      logoutHandler(),
    );
    const accounts = forRequest(signedIn("/mes-informations/mot-de-passe", stored));

    await expect(accounts.changePassword("demo-factures", "nouveau-mdp-2026")).resolves.toBe("changed");

    expect(seen.map((s) => `${s.method} ${s.path}${s.query.scope ? `?scope=${s.query.scope}` : ""}`)).toEqual([
      "POST /auth/v1/token",
      "POST /auth/v1/logout?scope=local",
      "PUT /auth/v1/user",
      "POST /auth/v1/logout?scope=others",
    ]);
    expect(seen[1]!.authorization).toBe(`Bearer ${VERIFIER_TOKEN}`);
    expect(seen[2]).toMatchObject({ authorization: `Bearer ${stored.access_token}`, body: expect.objectContaining({ password: "nouveau-mdp-2026" }) });
    expect(seen[3]!.authorization).toBe(`Bearer ${stored.access_token}`);
    // The request's own session is kept; the verification session never reaches the cookies.
    for (const line of accounts.headers.getSetCookie().filter((c) => c.startsWith(`${AUTH_COOKIE}=`))) {
      expect(line).not.toMatch(/Max-Age=0/);
      expect(decodeURIComponent(line)).not.toContain("verifier");
      const written = JSON.parse(Buffer.from(decodeURIComponent(line.split(";")[0]!.slice(AUTH_COOKIE.length + 1)).replace(/^base64-/, ""), "base64url").toString()) as { refresh_token: string };
      expect(written.refresh_token).toBe(stored.refresh_token);
    }
  });
});

describe("requestEmailChange", () => {
  it("answers same_email without calling GoTrue for the current address", async () => {
    server.use(userHandler());
    await expect(forRequest(signedIn("/mes-informations/adresse-mail")).requestEmailChange(" DEMO@demo.fr ")).resolves.toBe("same_email");
    expect(seen).toEqual([]);
  });

  it("asks GoTrue to send the email_change template to the new address (PUT /user {email}, redirect_to)", async () => {
    const stored = session();
    server.use(
      userHandler(),
      http.put(`${AUTH}/user`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ ...fakeUser(USER_ID, EMAIL), new_email: "nouvelle@demo.fr" });
      }),
    );
    const accounts = forRequest(signedIn("/mes-informations/adresse-mail", stored));

    await expect(accounts.requestEmailChange("Nouvelle@Demo.fr")).resolves.toBe("sent");

    expect(seen[0]).toMatchObject({
      method: "PUT",
      path: "/auth/v1/user",
      query: { redirect_to: `${SITE}/auth/confirm` },
      authorization: `Bearer ${stored.access_token}`,
      body: expect.objectContaining({ email: "nouvelle@demo.fr" }),
    });
  });

  it("answers email_taken on GoTrue's 422 email_exists", async () => {
    server.use(userHandler(), http.put(`${AUTH}/user`, () => gotrueError(422, "email_exists", "A user with this email address has already been registered")));
    await expect(forRequest(signedIn("/mes-informations/adresse-mail")).requestEmailChange("autre@demo.fr")).resolves.toBe("email_taken");
  });

  it("throws on other errors (e.g. 429 within max_frequency)", async () => {
    server.use(
      userHandler(),
      http.put(`${AUTH}/user`, () => gotrueError(429, "over_email_send_rate_limit", "For security purposes, you can only request this once every 60 seconds")),
    );
    await expect(forRequest(signedIn("/mes-informations/adresse-mail")).requestEmailChange("autre@demo.fr")).rejects.toBeInstanceOf(SupabaseAdapterError);
  });
});

describe("residentData", () => {
  it("calls info_page with the resident's token on the request client (RLS decides), not the service role", async () => {
    const stored = session();
    server.use(
      userHandler(),
      http.post(`${SUPABASE_URL}/rest/v1/rpc/info_page`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ frame: { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" }, paper: [], customers: [
          {
            customer_id: "c1",
            customer_number: "004200",
            display_name: "Test SISTEC560",
            email: EMAIL,
            paper_invoices: true,
            service_id: "s1",
            service_name: "Eau et assainissement",
          },
        ] });
      }),
    );
    const accounts = forRequest(signedIn("/accueil", stored));
    const user = (await accounts.getUser())!;

    const { customers } = await backend.residentData(accounts, user).infoPage();

    expect(customers).toEqual([
      {
        customerId: "c1",
        customerNumber: "004200",
        displayName: "Test SISTEC560",
        email: EMAIL,
        paperInvoices: true,
        serviceId: "s1",
        serviceName: "Eau et assainissement",
      },
    ]);
    expect(seen).toEqual([expect.objectContaining({ method: "POST", path: "/rest/v1/rpc/info_page", apikey: ANON_KEY, authorization: `Bearer ${stored.access_token}` })]);
  });

  it("refuses RequestAccounts that another adapter made", () => {
    const foreign = { headers: new Headers() } as unknown as RequestAccounts;
    expect(() => backend.residentData(foreign, { id: USER_ID, email: EMAIL, sessionId: crypto.randomUUID() })).toThrow(/not made by the Supabase accounts adapter/);
  });
});
