import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import { forgetSigningKeys, JWKS_UNKNOWN_KID_INTERVAL_MS } from "~/.server/supabase/server-client";
import type { RequestAccounts } from "~/.server/ports/accounts";
import type { Backend } from "~/.server/ports/backend";
import { AUTH_COOKIE, cookieLine, cookieValueFor, fakeAccessToken, fakeSession, fakeUser, gotrueError, SESSION_ID, storedSession, SUPABASE_URL, testEnv } from "./msw-supabase";
import { es256Key, jwksHandler, resign, signed } from "./signing-keys";

/**
 * getUser() without an Auth round trip (docs/decisions/0015-no-auth-round-trip.md): with the
 * project's asymmetric signing keys, the access token is verified here (auth.getClaims with the
 * JWKS, fetched once per process); only an expired token costs a call (one refresh). A legacy
 * HS256 token still asks GoTrue (GET /user). Every call to Auth is recorded.
 */
const server = setupServer();
const authCalls: string[] = [];
beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  server.events.on("request:start", ({ request }) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/auth/v1/")) authCalls.push(`${request.method} ${url.pathname}${url.search}`);
  });
});
beforeEach(() => {
  forgetSigningKeys(); // each test starts as a new process would
});
afterEach(() => {
  server.resetHandlers();
  authCalls.length = 0;
  vi.useRealTimers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const USER_ID = "d0000000-0000-4000-8000-000000000001";
const EMAIL = "demo@demo.fr";
const SITE = "https://factures.example.fr";
const AUTH = `${SUPABASE_URL}/auth/v1`;
const JWKS = "GET /auth/v1/.well-known/jwks.json";

const KEY = es256Key();
const STANDBY = es256Key();

let backend: Backend;
beforeAll(async () => {
  backend = await createSupabaseBackend(testEnv());
});
const forRequest = (request: Request): RequestAccounts => backend.accounts.forRequest(request);
const page = (session: object, extra = "") =>
  forRequest(new Request(`${SITE}/factures`, { headers: { Cookie: `${AUTH_COOKIE}=${cookieValueFor(session)}${extra}` } }));

const ME = { id: USER_ID, email: EMAIL, sessionId: SESSION_ID };

describe("a valid token signed with the project's key", () => {
  it("many page loads: the user from the verified claims, and no call to Auth but one JWKS fetch for the whole run", async () => {
    server.use(jwksHandler([KEY, STANDBY]));
    const session = signed(fakeSession(USER_ID, EMAIL), KEY);

    // Concurrent first requests share the one fetch; later ones use the cache.
    const first = await Promise.all(Array.from({ length: 5 }, () => page(session).getUser()));
    const later = [];
    for (let i = 0; i < 20; i++) later.push(await page(session).getUser());

    expect([...first, ...later]).toEqual(Array.from({ length: 25 }, () => ME));
    expect(authCalls).toEqual([JWKS]);
  });

  it("writes no cookie and reads the claims it verified (linkSession reads the same amr)", async () => {
    server.use(jwksHandler([KEY]));
    const accounts = page(signed(fakeSession(USER_ID, EMAIL, { amr: [{ method: "recovery", timestamp: 1_790_000_000 }] }), KEY));
    expect(await accounts.getUser()).toEqual(ME);
    expect(await accounts.linkSession()).toEqual({ type: "recovery", openedAt: new Date(1_790_000_000 * 1000) });
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("a token that is not a resident's (role anon) is no user", async () => {
    server.use(jwksHandler([KEY]));
    const [head, , ] = fakeAccessToken(USER_ID, EMAIL).split(".");
    const payload = Buffer.from(JSON.stringify({ role: "anon", exp: Math.floor(Date.now() / 1000) + 600 })).toString("base64url");
    const anonToken = resign(`${head}.${payload}.x`, KEY);
    expect(await page({ ...fakeSession(USER_ID, EMAIL), access_token: anonToken }).getUser()).toBeNull();
  });
});

describe("an expired token", () => {
  it("is refreshed once (POST /token?grant_type=refresh_token), then the new token is verified here", async () => {
    const refreshed = { ...signed(fakeSession(USER_ID, EMAIL), KEY), refresh_token: "refresh-token-new" };
    server.use(
      jwksHandler([KEY]),
      http.post(`${AUTH}/token`, () => HttpResponse.json(refreshed)),
    );
    const expired = { ...signed(fakeSession(USER_ID, EMAIL, { exp: Math.floor(Date.now() / 1000) - 60 }), KEY), refresh_token: "refresh-token-old" };
    const accounts = page(expired);

    expect(await accounts.getUser()).toEqual(ME);

    expect(authCalls).toEqual(["POST /auth/v1/token?grant_type=refresh_token", JWKS]);
    expect(storedSession(accounts.headers)).toMatchObject({ access_token: refreshed.access_token, refresh_token: "refresh-token-new" });
  });

  it("whose refresh token is spent: signed out, cookies removed", async () => {
    server.use(
      jwksHandler([KEY]),
      http.post(`${AUTH}/token`, ({ request }) => gotrueError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used", request)),
    );
    const accounts = page(signed(fakeSession(USER_ID, EMAIL, { exp: Math.floor(Date.now() / 1000) - 60 }), KEY));
    expect(await accounts.getUser()).toBeNull();
    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/Max-Age=0/);
    expect(authCalls).toEqual(["POST /auth/v1/token?grant_type=refresh_token"]);
  });
});

describe("tokens that fail verification: signed out, the cookies removed, Auth never asked", () => {
  function variants() {
    const good = signed(fakeSession(USER_ID, EMAIL), KEY).access_token;
    const [head, payload, signature] = good.split(".");
    const otherUser = Buffer.from(
      JSON.stringify({ ...(JSON.parse(Buffer.from(payload!, "base64url").toString()) as object), sub: "d0000000-0000-4000-8000-0000000000ff" }),
    ).toString("base64url");
    const imposter = es256Key(KEY.kid); // same kid, another private key
    return {
      "claims changed, signature kept": `${head}.${otherUser}.${signature}`,
      "signed by another key under the project's kid": resign(good, imposter),
      "signed with a key the project does not publish": resign(good, es256Key()),
      "no kid": resign(good, KEY, { kid: undefined }),
      "an algorithm the project does not use (PS256)": resign(good, KEY, { alg: "PS256" }),
      "alg none": `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`,
      "RS256 header on the project's EC key": resign(good, KEY, { alg: "RS256" }),
      "not a JWT": "garbage",
      "JSON that is not base64url JSON": `${head}.${Buffer.from("{not json").toString("base64url")}.${signature}`,
    };
  }

  it.each(Object.keys(variants()))("%s", async (name) => {
    server.use(jwksHandler([KEY]));
    const token = variants()[name as keyof ReturnType<typeof variants>];
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const accounts = page({ ...fakeSession(USER_ID, EMAIL), access_token: token }, "; pf_link=whatever");

    expect(await accounts.getUser()).toBeNull();

    expect(cookieLine(accounts.headers, AUTH_COOKIE)).toMatch(/Max-Age=0/);
    expect(cookieLine(accounts.headers, "pf_link")).toMatch(/Max-Age=0/);
    expect(authCalls.filter((call) => call !== JWKS)).toEqual([]);
    expect(authCalls.filter((call) => call === JWKS).length).toBeLessThanOrEqual(1);
  });

  it("an unknown kid does not ask the JWKS again within a minute; after that, once (a key rotated in is found)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const ROTATED = es256Key();
    const published = [KEY];
    server.use(jwksHandler(published));
    const rotatedSession = signed(fakeSession(USER_ID, EMAIL), ROTATED);

    expect(await page(signed(fakeSession(USER_ID, EMAIL), KEY)).getUser()).toEqual(ME);
    for (let i = 0; i < 10; i++) expect(await page(rotatedSession).getUser()).toBeNull();
    expect(authCalls).toEqual([JWKS]);

    published.push(ROTATED); // the project rotates its key in
    vi.setSystemTime(Date.now() + JWKS_UNKNOWN_KID_INTERVAL_MS + 1);
    expect(await page(rotatedSession).getUser()).toEqual(ME);
    expect(await page(rotatedSession).getUser()).toEqual(ME);
    expect(authCalls).toEqual([JWKS, JWKS]);
  });
});

describe("the JWKS cannot be fetched", () => {
  it("and was never fetched: an error page (not a logout), cookies kept", async () => {
    server.use(http.get(`${AUTH}/.well-known/jwks.json`, () => HttpResponse.json({ message: "upstream" }, { status: 503 })));
    const accounts = page(signed(fakeSession(USER_ID, EMAIL), KEY));
    await expect(accounts.getUser()).rejects.toBeInstanceOf(SupabaseAdapterError);
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("but keys were fetched before: they keep being used (logged)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    server.use(jwksHandler([KEY]));
    const session = signed(fakeSession(USER_ID, EMAIL), KEY);
    expect(await page(session).getUser()).toEqual(ME);

    server.use(http.get(`${AUTH}/.well-known/jwks.json`, () => HttpResponse.error()));
    vi.setSystemTime(Date.now() + 11 * 60 * 1000); // past the cache's lifetime
    expect(await page(session).getUser()).toEqual(ME);
    expect(consoleError).toHaveBeenCalledWith(expect.stringMatching(/jwks\.json failed \(network error\).*previous signing keys/));
  });
});

describe("a project still on the legacy HS256 secret: the slow path", () => {
  it("asks GoTrue (GET /auth/v1/user) about the token on every request, and never the JWKS", async () => {
    server.use(http.get(`${AUTH}/user`, () => HttpResponse.json(fakeUser(USER_ID, EMAIL))));
    const session = fakeSession(USER_ID, EMAIL); // HS256

    expect(await page(session).getUser()).toEqual(ME);
    expect(await page(session).getUser()).toEqual(ME);

    expect(authCalls).toEqual(["GET /auth/v1/user", "GET /auth/v1/user"]);
  });

  it("GoTrue refusing the token (403 bad_jwt): signed out", async () => {
    server.use(http.get(`${AUTH}/user`, ({ request }) => gotrueError(403, "bad_jwt", "invalid JWT: unable to parse or verify signature", request)));
    expect(await page(fakeSession(USER_ID, EMAIL)).getUser()).toBeNull();
  });
});
