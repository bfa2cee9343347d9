import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRequestClient } from "~/.server/supabase/server-client";
import { supabaseSettings } from "~/.server/supabase/settings";
import { ANON_KEY, AUTH_COOKIE, fakeSession, fakeUser, SUPABASE_URL, testEnv } from "./msw-supabase";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const USER_ID = "d0000000-0000-4000-8000-000000000001";
const EMAIL = "demo@demo.fr";
const settings = supabaseSettings(testEnv());

/** The value @supabase/ssr stores: "base64-" + base64url(JSON of the session). */
function cookieValueFor(session: object): string {
  return `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
}

function setCookies(headers: Headers): string[] {
  return headers.getSetCookie();
}

function authCookie(headers: Headers): string | undefined {
  return setCookies(headers).find((c) => c.startsWith(`${AUTH_COOKIE}=`));
}

function verifyHandler(seen: { body?: unknown; apikey?: string | null }) {
  return http.post(`${SUPABASE_URL}/auth/v1/verify`, async ({ request }) => {
    seen.body = await request.json();
    seen.apikey = request.headers.get("apikey");
    return HttpResponse.json(fakeSession(USER_ID, EMAIL));
  });
}

describe("createRequestClient (per-request @supabase/ssr client)", () => {
  it("puts the session opened by a link (verifyOtp) in Set-Cookie headers for the response", async () => {
    const seen: { body?: unknown; apikey?: string | null } = {};
    server.use(verifyHandler(seen));
    const { client, headers } = await createRequestClient(new Request("https://factures.example.fr/auth/confirm"), settings);

    const { error } = await client.auth.verifyOtp({ type: "invite", token_hash: "hash-from-the-email" });

    expect(error).toBeNull();
    expect(seen).toEqual({ body: expect.objectContaining({ type: "invite", token_hash: "hash-from-the-email" }), apikey: ANON_KEY });
    const cookie = authCookie(headers);
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; Max-Age=\d+/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/); // SITE_URL is https
    expect(cookie).toMatch(/; SameSite=Lax/);
    const value = decodeURIComponent(cookie!.split(";")[0]!.slice(AUTH_COOKIE.length + 1));
    const stored = JSON.parse(Buffer.from(value.replace(/^base64-/, ""), "base64url").toString()) as { access_token: string; refresh_token: string };
    expect(stored.refresh_token).toBe("refresh-token-1");
    // Responses that set auth cookies must not be cached (headers passed by @supabase/ssr to setAll).
    expect(headers.get("Cache-Control")).toMatch(/no-store/);
  });

  it("writes cookies without Max-Age/Expires in browser-session mode (« Se souvenir de moi » unchecked)", async () => {
    server.use(verifyHandler({}));
    const { client, headers } = await createRequestClient(new Request("https://factures.example.fr/auth/confirm"), settings, {
      sessionCookies: "browser-session",
    });

    await client.auth.verifyOtp({ type: "recovery", token_hash: "hash" });

    const cookie = authCookie(headers);
    expect(cookie).toBeDefined();
    expect(cookie).not.toMatch(/Max-Age/i);
    expect(cookie).not.toMatch(/Expires/i);
  });

  it("reads the session from the request's Cookie header and sends its access token to Auth", async () => {
    const session = fakeSession(USER_ID, EMAIL);
    let authorization: string | null = null;
    server.use(
      http.get(`${SUPABASE_URL}/auth/v1/user`, ({ request }) => {
        authorization = request.headers.get("authorization");
        return HttpResponse.json(fakeUser(USER_ID, EMAIL));
      }),
    );
    const request = new Request("https://factures.example.fr/factures", {
      headers: { Cookie: `other=1; ${AUTH_COOKIE}=${cookieValueFor(session)}` },
    });
    const { client, headers } = await createRequestClient(request, settings);

    const { data, error } = await client.auth.getUser();

    expect(error).toBeNull();
    expect(data.user?.email).toBe(EMAIL);
    expect(authorization).toBe(`Bearer ${session.access_token}`);
    expect(setCookies(headers)).toEqual([]); // nothing changed, nothing to write
  });

  it("clears the session cookie on sign-out, also in browser-session mode", async () => {
    const session = fakeSession(USER_ID, EMAIL);
    server.use(http.post(`${SUPABASE_URL}/auth/v1/logout`, () => new HttpResponse(null, { status: 204 })));
    const request = new Request("https://factures.example.fr/deconnexion", {
      headers: { Cookie: `${AUTH_COOKIE}=${cookieValueFor(session)}` },
    });
    const { client, headers } = await createRequestClient(request, settings, { sessionCookies: "browser-session" });

    await client.auth.signOut();

    const cookie = authCookie(headers);
    expect(cookie).toMatch(new RegExp(`^${AUTH_COOKIE}=;`));
    expect(cookie).toMatch(/; Max-Age=0/);
  });

  it("marks cookies Secure when the request arrived over https, even with an http SITE_URL", async () => {
    server.use(verifyHandler({}));
    const local = supabaseSettings(testEnv({ SITE_URL: "http://localhost:3000" }));
    const { client, headers } = await createRequestClient(new Request("https://localhost:3000/auth/confirm"), local);

    await client.auth.verifyOtp({ type: "invite", token_hash: "hash" });

    expect(authCookie(headers)).toMatch(/; Secure/);
  });

  it("marks cookies Secure when SITE_URL is https, even if the request reached the server as http (TLS ended at the proxy)", async () => {
    server.use(verifyHandler({}));
    const { client, headers } = await createRequestClient(new Request("http://10.0.0.5:3000/auth/confirm"), settings);

    await client.auth.verifyOtp({ type: "invite", token_hash: "hash" });

    expect(authCookie(headers)).toMatch(/; Secure/);
  });

  it("does not mark cookies Secure when the portal runs on plain http (local development)", async () => {
    server.use(verifyHandler({}));
    const local = supabaseSettings(testEnv({ SITE_URL: "http://localhost:3000" }));
    const { client, headers } = await createRequestClient(new Request("http://localhost:3000/auth/confirm"), local);

    await client.auth.verifyOtp({ type: "invite", token_hash: "hash" });

    expect(authCookie(headers)).not.toMatch(/Secure/);
  });
});
