import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import type { Backend } from "~/.server/ports/backend";
import { gotrueError, GOTRUE_MESSAGES, SUPABASE_URL, testEnv } from "./msw-supabase";

/**
 * What sendActivationLink / sendRecoveryLink answer when Supabase Auth refuses to send.
 * GoTrue answers 429 `over_email_send_rate_limit` in two cases that only the message tells apart
 * (docs/decisions/0005-supabase-accounts-adapter.md, "What GoTrue does"):
 * - this address got the same kind of e-mail less than max_frequency ago ("For security
 *   purposes, you can only request this after N seconds."). Recovery, confirmation, magic link
 *   and e-mail change have that check; invites do not. The previous link still works.
 * - the project's hourly e-mail budget (rate_limit_email_sent) is spent
 *   ("email rate limit exceeded"). Nothing was sent, and nothing will be until the budget refills.
 * Routes such as POST /recover are also behind a per-IP bucket (429 over_request_rate_limit,
 * "Request rate limit reached").
 */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const EMAIL = "demo@demo.fr";
const AUTH = `${SUPABASE_URL}/auth/v1`;

let backend: Backend;
beforeAll(async () => {
  backend = await createSupabaseBackend(testEnv());
});
const accounts = () => backend.accounts.forRequest(new Request("https://factures.example.fr/mot-de-passe-oublie", { headers: { "x-client-ip": "203.0.113.7" } }));

function logs() {
  return { warn: vi.spyOn(console, "warn").mockImplementation(() => {}), error: vi.spyOn(console, "error").mockImplementation(() => {}) };
}

const recover = (answer: (request: Request) => Response) => http.post(`${AUTH}/recover`, ({ request }) => answer(request));
const invite = (answer: (request: Request) => Response) => http.post(`${AUTH}/invite`, ({ request }) => answer(request));
const invitedUser = () => HttpResponse.json({ id: "u1", email: EMAIL, email_confirmed_at: null, invited_at: "2026-11-26T10:00:00Z" });

describe("sendRecoveryLink", () => {
  it("answers sent when GoTrue accepted it", async () => {
    server.use(recover(() => HttpResponse.json({})));
    await expect(accounts().sendRecoveryLink(EMAIL)).resolves.toBe("sent");
  });

  it("answers sent when this address asked less than max_frequency ago: the previous link still works", async () => {
    const { warn, error } = logs();
    server.use(recover((request) => gotrueError(429, "over_email_send_rate_limit", GOTRUE_MESSAGES.frequency(42), request)));

    await expect(accounts().sendRecoveryLink(EMAIL)).resolves.toBe("sent");
    expect(warn).toHaveBeenCalledOnce();
    expect(error).not.toHaveBeenCalled();
  });

  it("answers mail_unavailable, and logs for staff, when the project's e-mail budget is spent", async () => {
    const { error } = logs();
    server.use(recover((request) => gotrueError(429, "over_email_send_rate_limit", GOTRUE_MESSAGES.emailBudget, request)));

    await expect(accounts().sendRecoveryLink(EMAIL)).resolves.toBe("mail_unavailable");
    expect(error).toHaveBeenCalledOnce();
    expect(String(error.mock.calls[0]![0])).toMatch(/e-mail budget.*rate_limit_email_sent|rate_limit_email_sent.*e-mail budget/i);
    expect(String(error.mock.calls[0]![0])).toContain("recovery");
  });

  it("reads GoTrue's legacy error body too (no API version: {code: 429, error_code, msg})", async () => {
    logs();
    server.use(
      recover(() => HttpResponse.json({ code: 429, error_code: "over_email_send_rate_limit", msg: GOTRUE_MESSAGES.emailBudget }, { status: 429, headers: { "x-sb-error-code": "over_email_send_rate_limit" } })),
    );
    await expect(accounts().sendRecoveryLink(EMAIL)).resolves.toBe("mail_unavailable");
  });

  it("answers mail_unavailable, and logs, when Auth's per-address request bucket is empty (429 over_request_rate_limit)", async () => {
    const { error } = logs();
    server.use(recover((request) => gotrueError(429, "over_request_rate_limit", GOTRUE_MESSAGES.requestRate, request)));

    await expect(accounts().sendRecoveryLink(EMAIL)).resolves.toBe("mail_unavailable");
    expect(error).toHaveBeenCalledOnce();
  });
});

describe("sendActivationLink", () => {
  it("answers sent when GoTrue sent the invite", async () => {
    server.use(invite(() => invitedUser()));
    await expect(accounts().sendActivationLink(EMAIL)).resolves.toBe("sent");
  });

  it("answers mail_unavailable, and logs for staff, when the invite hits the project's e-mail budget", async () => {
    const { error } = logs();
    server.use(invite((request) => gotrueError(429, "over_email_send_rate_limit", GOTRUE_MESSAGES.emailBudget, request)));

    await expect(accounts().sendActivationLink(EMAIL)).resolves.toBe("mail_unavailable");
    expect(error).toHaveBeenCalledOnce();
    expect(String(error.mock.calls[0]![0])).toMatch(/invite/);
  });

  it("confirmed user: the recovery fallback within max_frequency answers sent", async () => {
    logs();
    server.use(
      invite((request) => gotrueError(422, "email_exists", "A user with this email address has already been registered", request)),
      recover((request) => gotrueError(429, "over_email_send_rate_limit", GOTRUE_MESSAGES.frequency(17), request)),
    );
    await expect(accounts().sendActivationLink(EMAIL)).resolves.toBe("sent");
  });

  it("confirmed user: the recovery fallback on a spent e-mail budget answers mail_unavailable", async () => {
    const { error } = logs();
    server.use(
      invite((request) => gotrueError(422, "email_exists", "A user with this email address has already been registered", request)),
      recover((request) => gotrueError(429, "over_email_send_rate_limit", GOTRUE_MESSAGES.emailBudget, request)),
    );
    await expect(accounts().sendActivationLink(EMAIL)).resolves.toBe("mail_unavailable");
    expect(error).toHaveBeenCalledOnce();
  });

  it("still throws on other failures (error page)", async () => {
    server.use(invite(() => HttpResponse.json({ code: "unexpected_failure", message: "Error sending invite email" }, { status: 500 })));
    await expect(accounts().sendActivationLink(EMAIL)).rejects.toMatchObject({ details: { operation: "inviteUserByEmail", status: 500 } });
  });
});
