import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { RouteErrorPage } from "~/components/error-page";
import { useBackend } from "~/.server/backend";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import type { RequestAccounts } from "~/.server/ports/accounts";
import type { Backend } from "~/.server/ports/backend";
import { loader as espaceLoader } from "~/routes/_espace.accueil/route";
import {
  AUTH_COOKIE,
  cookieValueFor,
  fakeSession,
  fakeUser,
  gotrueError,
  GOTRUE_MESSAGES,
  SUPABASE_URL,
  testEnv,
} from "./msw-supabase";
import { es256Key, jwksHandler, signed } from "./signing-keys";

/**
 * Supabase Auth's per-IP limits (docs/supabase.md, "Rate limits"): every
 * call the portal makes for a resident reaches Auth from the portal's server, so the resident's
 * address goes in `Sb-Forwarded-For` (honoured when
 * GOTRUE_SECURITY_SB_FORWARDED_FOR_ENABLED is on), and a 429 while refreshing the access token
 * keeps the session and shows "try again" instead of logging the resident out.
 * The project signs its tokens with an asymmetric key (ES256): a page load with a valid token
 * makes no call to Auth; an expired one makes one, the refresh.
 */
const KEY = es256Key();
const server = setupServer(jwksHandler([KEY]));
const headersSeen: { path: string; sbff: string | null; version: string | null }[] = [];
beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  server.events.on("request:start", ({ request }) => {
    const url = new URL(request.url);
    // The project's public keys (fetched once per process, for no resident in particular) are not listed.
    if (url.pathname.startsWith("/auth/v1/") && !url.pathname.startsWith("/auth/v1/.well-known/")) {
      headersSeen.push({ path: `${request.method} ${url.pathname}`, sbff: request.headers.get("sb-forwarded-for"), version: request.headers.get("x-supabase-api-version") });
    }
  });
});
afterEach(() => {
  server.resetHandlers();
  headersSeen.length = 0;
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const USER_ID = "d0000000-0000-4000-8000-000000000001";
const EMAIL = "demo@demo.fr";
const SITE = "https://factures.example.fr";
const AUTH = `${SUPABASE_URL}/auth/v1`;
const RESIDENT_IP = "203.0.113.7";

let backend: Backend;
beforeAll(async () => {
  backend = await createSupabaseBackend(testEnv());
});
const forRequest = (request: Request): RequestAccounts => backend.accounts.forRequest(request);

function request(path: string, { cookie = "", ip = RESIDENT_IP as string | null } = {}): Request {
  const headers = new Headers();
  if (cookie) headers.set("Cookie", cookie);
  if (ip !== null) headers.set("x-client-ip", ip);
  return new Request(`${SITE}${path}`, { headers });
}

const expired = () => ({ ...signed(fakeSession(USER_ID, EMAIL, { exp: Math.floor(Date.now() / 1000) - 60 }), KEY), refresh_token: "refresh-token-old" });
const signedInCookie = (session: object = signed(fakeSession(USER_ID, EMAIL), KEY)) => `${AUTH_COOKIE}=${cookieValueFor(session)}`;
/** A session of a project still on the legacy HS256 secret: GoTrue checks every token (GET /user). */
const legacyCookie = () => signedInCookie(fakeSession(USER_ID, EMAIL));

const ok = {
  user: () => http.get(`${AUTH}/user`, () => HttpResponse.json(fakeUser(USER_ID, EMAIL))),
  token: () => http.post(`${AUTH}/token`, () => HttpResponse.json({ ...signed(fakeSession(USER_ID, EMAIL), KEY), refresh_token: "refresh-token-new" })),
  verify: () => http.post(`${AUTH}/verify`, () => HttpResponse.json(fakeSession(USER_ID, EMAIL, { amr: [{ method: "otp", timestamp: Math.floor(Date.now() / 1000) }] }))),
  recover: () => http.post(`${AUTH}/recover`, () => HttpResponse.json({})),
  putUser: () => http.put(`${AUTH}/user`, () => HttpResponse.json(fakeUser(USER_ID, EMAIL))),
  logout: () => http.post(`${AUTH}/logout`, () => new HttpResponse(null, { status: 204 })),
};

describe("Sb-Forwarded-For: the resident's address on every Auth call made for them", () => {
  it("page load with an expired access token: the refresh (the new token is verified here)", async () => {
    server.use(ok.token(), ok.user());
    await forRequest(request("/factures", { cookie: signedInCookie(expired()) })).getUser();

    expect(headersSeen).toEqual([{ path: "POST /auth/v1/token", sbff: RESIDENT_IP, version: "2024-01-01" }]);
  });

  it("page load with a valid token: no call to Auth at all; on the legacy HS256 secret, the user check", async () => {
    server.use(ok.user());
    await forRequest(request("/factures", { cookie: signedInCookie() })).getUser();
    expect(headersSeen).toEqual([]);

    await forRequest(request("/factures", { cookie: legacyCookie() })).getUser();
    expect(headersSeen).toEqual([{ path: "GET /auth/v1/user", sbff: RESIDENT_IP, version: "2024-01-01" }]);
  });

  it("login, link, recovery e-mail, password change (its check included), logout", async () => {
    server.use(ok.token(), ok.user(), ok.verify(), ok.recover(), ok.putUser(), ok.logout());

    await forRequest(request("/connexion")).signIn({ email: EMAIL, password: "demo-factures", remember: true });
    await forRequest(request("/auth/confirm")).verifyLink("email_change", "hash");
    await forRequest(request("/mot-de-passe-oublie")).sendRecoveryLink(EMAIL);
    await forRequest(request("/mes-informations/mot-de-passe", { cookie: signedInCookie() })).changePassword("demo-factures", "nouveau-mdp-2026");
    await forRequest(request("/deconnexion", { cookie: signedInCookie() })).signOut();

    expect(headersSeen.map((h) => h.path)).toEqual([
      "POST /auth/v1/token",
      "POST /auth/v1/verify",
      "POST /auth/v1/recover",
      "POST /auth/v1/token",
      "POST /auth/v1/logout",
      "PUT /auth/v1/user",
      "POST /auth/v1/logout",
      "POST /auth/v1/logout",
    ]);
    expect(headersSeen.filter((h) => h.sbff !== RESIDENT_IP)).toEqual([]);
  });

  it("IPv6 addresses are forwarded as recorded", async () => {
    server.use(ok.token());
    await forRequest(request("/factures", { cookie: signedInCookie(expired()), ip: "2001:db8::7" })).getUser();
    expect(headersSeen[0]!.sbff).toBe("2001:db8::7");
  });

  it("nothing is forwarded when the server recorded no address, or something that is not one", async () => {
    server.use(ok.token());
    await forRequest(request("/factures", { cookie: signedInCookie(expired()), ip: null })).getUser();
    await forRequest(request("/factures", { cookie: signedInCookie(expired()), ip: "unknown" })).getUser();
    await forRequest(request("/factures", { cookie: signedInCookie(expired()), ip: "198.51.100.1, 10.0.0.1" })).getUser();
    expect(headersSeen.map((h) => h.sbff)).toEqual([null, null, null]);
  });
});

/** A thrown Remix `data()` value: what a loader throws, before Remix turns it into the response. */
interface ThrownData {
  type: string;
  data: unknown;
  init: { status?: number; headers?: Record<string, string> } | null;
}

describe("Auth answers 429 while a page loads", () => {
  // supabase-js prints the refused refresh itself; the adapter logs one line for staff.
  let consoleError: MockInstance;
  beforeEach(() => {
    consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
  });
  const staffLog = () => consoleError.mock.calls.map((args) => String(args[0])).filter((line) => line.startsWith("Supabase Auth "));

  const refresh429 = () => http.post(`${AUTH}/token`, ({ request }) => gotrueError(429, "over_request_rate_limit", GOTRUE_MESSAGES.requestRate, request));

  it("the token refresh is refused: 503 with Retry-After, and the session cookies stay", async () => {
    server.use(refresh429());
    const accounts = forRequest(request("/factures", { cookie: signedInCookie(expired()) }));

    const thrown = (await accounts.getUser().catch((e: unknown) => e)) as ThrownData;

    expect(thrown).toMatchObject({ type: "DataWithResponseInit", init: { status: 503, headers: { "Retry-After": expect.stringMatching(/^\d+$/) } } });
    // supabase-js removed the session (a 429 is not a "retryable" error for it): none of that
    // reaches the browser, which keeps its cookies and retries later.
    expect(accounts.headers.getSetCookie()).toEqual([]);
    expect(staffLog()).toEqual([expect.stringMatching(/refreshSession refused by a rate limit \(HTTP 429 over_request_rate_limit.*token_refresh/)]);
  });

  it("legacy HS256 secret: GET /user refused by a rate limit: the same page, nothing deleted", async () => {
    server.use(http.get(`${AUTH}/user`, ({ request }) => gotrueError(429, "over_request_rate_limit", GOTRUE_MESSAGES.requestRate, request)));
    const accounts = forRequest(request("/factures", { cookie: legacyCookie() }));

    await expect(accounts.getUser()).rejects.toMatchObject({ init: { status: 503 } });
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("the resident space's loader throws it (no redirect to the login page, no Set-Cookie)", async () => {
    server.use(refresh429());
    useBackend(backend);

    const thrown = (await espaceLoader({ request: request("/accueil", { cookie: signedInCookie(expired()) }), params: {}, context: {} }).catch(
      (e: unknown) => e,
    )) as ThrownData;

    expect(thrown).toMatchObject({ type: "DataWithResponseInit", init: { status: 503 } });
    expect(new Headers(thrown.init?.headers).getSetCookie()).toEqual([]);
    expect(new Headers(thrown.init?.headers).get("Retry-After")).toMatch(/^\d+$/);
  });

  it("the root error boundary shows the French « try again » page for it", async () => {
    server.use(refresh429());
    const thrown = (await forRequest(request("/factures", { cookie: signedInCookie(expired()) }))
      .getUser()
      .catch((e: unknown) => e)) as ThrownData;
    // What useRouteError() gives the boundary for a thrown data(): an ErrorResponse.
    const routeError = { status: thrown.init!.status!, statusText: "Service Unavailable", internal: false, data: thrown.data };

    const html = renderToStaticMarkup(createElement(RouteErrorPage, { error: routeError }));

    expect(html).toContain("Le portail est très sollicité");
    expect(html).toContain("Réessayez dans un instant : vous restez connecté.");
    expect(html).toContain("503");
  });

  it("other 503 answers keep the generic error page (the sentence is only true for this case)", () => {
    const html = renderToStaticMarkup(createElement(RouteErrorPage, { error: { status: 503, statusText: "", internal: false, data: "réessayer plus tard" } }));
    expect(html).not.toContain("vous restez connecté");
  });
});
