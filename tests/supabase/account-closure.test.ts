import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { closeAccount } from "~/.server/accounts";
import { useBackend } from "~/.server/backend";
import type { Backend } from "~/.server/ports/backend";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import * as sb from "./msw-supabase";
import { es256Key, jwksHandler, signed } from "./signing-keys";

/**
 * « Fermer mon compte » on the Supabase adapters, against MSW handlers shaped like GoTrue's and
 * PostgREST's HTTP API (docs/decisions/0032-account-closure.md): the current password checked by
 * a throwaway sign-in whose session is revoked at once, GoTrue's admin delete (DELETE
 * /auth/v1/admin/users/{id}, a hard delete, with the service-role key, never the resident's
 * token), the browser's session cookies removed, and the SQL rules reached through PostgREST as
 * the service role, in the order closeAccount (app/.server/accounts.ts) composes them.
 */
const KEY = es256Key();
const server = setupServer(jwksHandler([KEY]));
let backend: Backend;
let seen: Seen[] = [];
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  backend = await createSupabaseBackend(sb.testEnv());
  useBackend(backend);
});
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
  seen = [];
});
afterAll(() => server.close());

/** The seed's fermeture@demo.fr, as GoTrue would know it. */
const USER = { id: "d0000000-0000-4000-8000-000000000030", email: "fermeture@demo.fr" };
const AUTH = `${sb.SUPABASE_URL}/auth/v1`;
const VERIFIER_TOKEN = sb.fakeAccessToken(USER.id, USER.email).replace(/\.[^.]+$/, ".dmVyaWZpZXItc2lnbmF0dXJl");

interface Seen {
  call: string;
  apikey: string | null;
  authorization: string | null;
  body: unknown;
}
async function record(request: Request) {
  const url = new URL(request.url);
  const text = await request.clone().text();
  const query = [...url.searchParams].map(([k, v]) => `${k}=${v}`).join("&");
  seen.push({
    call: `${request.method} ${url.pathname}${query ? `?${query}` : ""}`,
    apikey: request.headers.get("apikey"),
    authorization: request.headers.get("authorization"),
    body: text ? (JSON.parse(text) as unknown) : undefined,
  });
}

const stored = signed(sb.fakeSession(USER.id, USER.email), KEY);
const signedIn = () =>
  new Request("https://factures.example.fr/mes-informations/fermer-mon-compte", {
    method: "POST",
    headers: { Cookie: `${sb.AUTH_COOKIE}=${sb.cookieValueFor(stored)}`, "x-client-ip": "203.0.113.30" },
  });

const handlers = {
  passwordOk: () =>
    http.post(`${AUTH}/token`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({ ...sb.fakeSession(USER.id, USER.email), access_token: VERIFIER_TOKEN, refresh_token: "verifier-refresh" });
    }),
  passwordWrong: () =>
    http.post(`${AUTH}/token`, async ({ request }) => {
      await record(request);
      return sb.gotrueError(400, "invalid_credentials", "Invalid login credentials", request);
    }),
  /** POST /logout: the verifier's session is revoked (204); after the deletion GoTrue no longer knows the user (403 user_not_found). */
  logout: () =>
    http.post(`${AUTH}/logout`, async ({ request }) => {
      await record(request);
      if (request.headers.get("authorization") === `Bearer ${VERIFIER_TOKEN}`) return new HttpResponse(null, { status: 204 });
      return sb.gotrueError(403, "user_not_found", "User from sub claim in JWT does not exist", request);
    }),
  adminUser: () =>
    http.get(`${AUTH}/admin/users/:id`, async ({ request }) => {
      await record(request);
      return HttpResponse.json(sb.fakeUser(USER.id, USER.email));
    }),
  adminDelete: (answer: () => Response = () => HttpResponse.json({})) =>
    http.delete(`${AUTH}/admin/users/:id`, async ({ request }) => {
      await record(request);
      return answer();
    }),
  rpc: (name: string, answer: unknown) =>
    http.post(`${sb.SUPABASE_URL}/rest/v1/rpc/${name}`, async ({ request }) => {
      await record(request);
      return answer === undefined ? new HttpResponse(null, { status: 204 }) : HttpResponse.json(answer);
    }),
};

describe("verifyPassword", () => {
  it("a wrong password: one sign-in on a throwaway client (anon key), false, the request's cookies untouched", async () => {
    server.use(handlers.passwordWrong());
    const accounts = backend.accounts.forRequest(signedIn());
    await expect(accounts.verifyPassword("pas-le-bon")).resolves.toBe(false);
    expect(seen.map((s) => s.call)).toEqual(["POST /auth/v1/token?grant_type=password"]);
    expect(seen[0]).toMatchObject({ apikey: sb.ANON_KEY, body: expect.objectContaining({ email: USER.email, password: "pas-le-bon" }) });
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });

  it("the right password: true, and the check's own session is revoked at once", async () => {
    server.use(handlers.passwordOk(), handlers.logout());
    const accounts = backend.accounts.forRequest(signedIn());
    await expect(accounts.verifyPassword("Fermeture-2026")).resolves.toBe(true);
    expect(seen.map((s) => s.call)).toEqual(["POST /auth/v1/token?grant_type=password", "POST /auth/v1/logout?scope=local"]);
    expect(seen[1]!.authorization).toBe(`Bearer ${VERIFIER_TOKEN}`);
    expect(accounts.headers.getSetCookie()).toEqual([]);
  });
});

describe("deleteAccount", () => {
  it("GoTrue's admin delete with the service-role key (hard delete), then the browser's Auth cookies are removed", async () => {
    server.use(handlers.adminUser(), handlers.adminDelete(), handlers.logout());
    const accounts = backend.accounts.forRequest(signedIn());
    await accounts.deleteAccount();

    expect(seen.map((s) => s.call)).toEqual([
      `GET /auth/v1/admin/users/${USER.id}`,
      `DELETE /auth/v1/admin/users/${USER.id}`,
      "POST /auth/v1/logout?scope=local",
    ]);
    for (const admin of seen.slice(0, 2)) {
      expect(admin).toMatchObject({ apikey: sb.SERVICE_ROLE_KEY, authorization: `Bearer ${sb.SERVICE_ROLE_KEY}` });
    }
    expect(seen[1]!.body).toEqual({ should_soft_delete: false });
    // The resident's own token only asks GoTrue to forget the session (already gone with the user).
    expect(seen[2]!.authorization).toBe(`Bearer ${stored.access_token}`);
    expect(sb.cookieLine(accounts.headers, sb.AUTH_COOKIE)).toMatch(/Max-Age=0/);
    await expect(accounts.getUser()).resolves.toBeNull();
  });

  it("GoTrue failing to delete: an adapter error, the session and its cookies kept", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    server.use(handlers.adminUser(), handlers.adminDelete(() => sb.gotrueError(500, "unexpected_failure", "Database error deleting user")));
    const accounts = backend.accounts.forRequest(signedIn());
    await expect(accounts.deleteAccount()).rejects.toBeInstanceOf(SupabaseAdapterError);
    expect(seen.map((s) => s.call)).toEqual([`GET /auth/v1/admin/users/${USER.id}`, `DELETE /auth/v1/admin/users/${USER.id}`]);
    expect(sb.cookieLine(accounts.headers, sb.AUTH_COOKIE)).toBeUndefined();
  });
});

describe("closureBlocker", () => {
  it("calls account_closure_blocker(p_user_id) as the service role; refuses an answer it does not know", async () => {
    server.use(handlers.rpc("account_closure_blocker", "payment_pending"));
    await expect(backend.accountRules.closureBlocker(USER.id)).resolves.toBe("payment_pending");
    expect(seen).toEqual([
      { call: "POST /rest/v1/rpc/account_closure_blocker", apikey: sb.SERVICE_ROLE_KEY, authorization: `Bearer ${sb.SERVICE_ROLE_KEY}`, body: { p_user_id: USER.id } },
    ]);
    server.use(handlers.rpc("account_closure_blocker", null));
    await expect(backend.accountRules.closureBlocker(USER.id)).resolves.toBeNull();
    server.use(handlers.rpc("account_closure_blocker", "maybe"));
    await expect(backend.accountRules.closureBlocker(USER.id)).rejects.toBeInstanceOf(SupabaseAdapterError);
  });
});

describe("closeAccount (app/.server/accounts.ts) on the Supabase adapters", () => {
  const rules = (blocker: string | null) => [
    handlers.rpc("login_attempt_check", null),
    handlers.rpc("login_attempt_succeeded", undefined),
    handlers.rpc("login_attempt_failed", null),
    handlers.rpc("account_closure_blocker", blocker),
  ];
  const user = { id: USER.id, email: USER.email, sessionId: "5e550000-0000-4000-8000-000000000001" };
  /** closeAccount for the signed-in resident from 203.0.113.30: its outcome, GoTrue's and PostgREST's calls, the cookies written. */
  async function close(password: string) {
    const accounts = backend.accounts.forRequest(signedIn());
    const outcome = await closeAccount(accounts, user, { password, client: "203.0.113.30" });
    return { outcome, calls: seen.map((s) => s.call), authCookie: sb.cookieLine(accounts.headers, sb.AUTH_COOKIE) };
  }

  it("throttle check, password, its success recorded, the SQL rule, then GoTrue's delete", async () => {
    server.use(...rules(null), handlers.passwordOk(), handlers.logout(), handlers.adminUser(), handlers.adminDelete());
    const { outcome, calls, authCookie } = await close("Fermeture-2026");
    expect(outcome).toEqual({ status: "closed" });
    expect(calls).toEqual([
      "POST /rest/v1/rpc/login_attempt_check",
      "POST /auth/v1/token?grant_type=password",
      "POST /auth/v1/logout?scope=local",
      "POST /rest/v1/rpc/login_attempt_succeeded",
      "POST /rest/v1/rpc/account_closure_blocker",
      `GET /auth/v1/admin/users/${USER.id}`,
      `DELETE /auth/v1/admin/users/${USER.id}`,
      "POST /auth/v1/logout?scope=local",
    ]);
    expect(seen[0]!.body).toEqual({ p_email: USER.email, p_client: "203.0.113.30" });
    expect(authCookie).toMatch(/Max-Age=0/);
  });

  it("a wrong password is a failed login of the address from this client; nothing is deleted", async () => {
    server.use(...rules(null), handlers.passwordWrong());
    const { outcome, calls } = await close("faux");
    expect(outcome).toEqual({ status: "wrong_password" });
    expect(calls).toEqual(["POST /rest/v1/rpc/login_attempt_check", "POST /auth/v1/token?grant_type=password", "POST /rest/v1/rpc/login_attempt_failed"]);
  });

  it("a payment in progress: refused before anything is deleted", async () => {
    server.use(...rules("payment_pending"), handlers.passwordOk(), handlers.logout());
    const { outcome, calls, authCookie } = await close("Fermeture-2026");
    expect(outcome).toEqual({ status: "payment_pending" });
    expect(calls.filter((c) => c.includes("/admin/"))).toEqual([]);
    expect(authCookie).toBeUndefined();
  });
});
