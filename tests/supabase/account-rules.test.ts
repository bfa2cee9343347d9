import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import { pgrst202, SERVICE_ROLE_KEY, SUPABASE_URL, testEnv } from "./msw-supabase";

/** AccountRulesPort: the SQL functions of *_customers_and_accounts.sql through PostgREST, as service_role. */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const rpcUrl = (name: string) => `${SUPABASE_URL}/rest/v1/rpc/${name}`;

interface Call {
  apikey: string | null;
  authorization: string | null;
  body: unknown;
}

function rpc(name: string, answer: string | null, calls: Call[], status = 200) {
  return http.post(rpcUrl(name), async ({ request }) => {
    calls.push({ apikey: request.headers.get("apikey"), authorization: request.headers.get("authorization"), body: await request.json() });
    return status === 204 ? new HttpResponse(null, { status }) : HttpResponse.json(answer, { status });
  });
}

describe("Supabase AccountRulesPort", () => {
  it("activationStatus calls account_activation_status(p_email) with the service role", async () => {
    const calls: Call[] = [];
    server.use(rpc("account_activation_status", "eligible", calls));
    const { accountRules } = await createSupabaseBackend(testEnv());

    await expect(accountRules.activationStatus("demo@demo.fr")).resolves.toBe("eligible");
    expect(calls).toEqual([{ apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}`, body: { p_email: "demo@demo.fr" } }]);
  });

  it("activationStatus refuses an answer outside the three statuses", async () => {
    server.use(rpc("account_activation_status", "maybe", []));
    const { accountRules } = await createSupabaseBackend(testEnv());
    await expect(accountRules.activationStatus("demo@demo.fr")).rejects.toBeInstanceOf(SupabaseAdapterError);
  });

  it("loginCheck calls login_attempt_check(p_email, p_client), parses the timestamptz and keeps null as null", async () => {
    const calls: Call[] = [];
    server.use(rpc("login_attempt_check", "2026-11-26T17:42:15.123+00:00", calls));
    const { accountRules } = await createSupabaseBackend(testEnv());

    await expect(accountRules.loginCheck("demo@demo.fr", "203.0.113.7")).resolves.toEqual(new Date("2026-11-26T17:42:15.123Z"));
    expect(calls).toEqual([{ apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}`, body: { p_email: "demo@demo.fr", p_client: "203.0.113.7" } }]);

    server.use(rpc("login_attempt_check", null, []));
    await expect(accountRules.loginCheck("demo@demo.fr", "203.0.113.7")).resolves.toBeNull();
  });

  it("loginFailed calls login_attempt_failed and returns when the next try is allowed (or null)", async () => {
    const calls: Call[] = [];
    server.use(rpc("login_attempt_failed", "2026-11-26T17:43:00+00:00", calls));
    const { accountRules } = await createSupabaseBackend(testEnv());

    await expect(accountRules.loginFailed("demo@demo.fr", "unknown")).resolves.toEqual(new Date("2026-11-26T17:43:00Z"));
    expect(calls[0]).toMatchObject({ apikey: SERVICE_ROLE_KEY, body: { p_email: "demo@demo.fr", p_client: "unknown" } });

    server.use(rpc("login_attempt_failed", null, []));
    await expect(accountRules.loginFailed("demo@demo.fr", "unknown")).resolves.toBeNull();
  });

  it("loginSucceeded calls login_attempt_succeeded(p_email, p_client) (void: PostgREST answers 204)", async () => {
    const calls: Call[] = [];
    server.use(rpc("login_attempt_succeeded", null, calls, 204));
    const { accountRules } = await createSupabaseBackend(testEnv());

    await expect(accountRules.loginSucceeded("demo@demo.fr", "203.0.113.7")).resolves.toBeUndefined();
    expect(calls).toEqual([{ apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}`, body: { p_email: "demo@demo.fr", p_client: "203.0.113.7" } }]);
  });

  it("authMailRequest calls auth_mail_request: null when accepted, else when to retry", async () => {
    const calls: Call[] = [];
    server.use(rpc("auth_mail_request", null, calls));
    const { accountRules } = await createSupabaseBackend(testEnv());

    await expect(accountRules.authMailRequest("nouveau@demo.fr", "203.0.113.7")).resolves.toBeNull();
    expect(calls).toEqual([{ apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}`, body: { p_email: "nouveau@demo.fr", p_client: "203.0.113.7" } }]);

    server.use(rpc("auth_mail_request", "2026-11-30T10:15:00+00:00", []));
    await expect(accountRules.authMailRequest("nouveau@demo.fr", "203.0.113.7")).resolves.toEqual(new Date("2026-11-30T10:15:00Z"));
  });

  it("refuses an answer that is not a timestamp", async () => {
    server.use(rpc("auth_mail_request", "bientôt", []));
    const { accountRules } = await createSupabaseBackend(testEnv());
    await expect(accountRules.authMailRequest("a@b.fr", "x")).rejects.toBeInstanceOf(SupabaseAdapterError);
  });

  it("throws with the PostgREST code when a function is missing (migration not applied)", async () => {
    server.use(http.post(rpcUrl("login_attempt_check"), () => HttpResponse.json(pgrst202("login_attempt_check"), { status: 404 })));
    const { accountRules } = await createSupabaseBackend(testEnv());

    await expect(accountRules.loginCheck("a@b.fr", "x")).rejects.toMatchObject({ details: { code: "PGRST202", status: 404 } });
  });
});
