import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { ANON_KEY, SERVICE_ROLE_KEY, SUPABASE_URL, testEnv } from "./msw-supabase";

/** The Supabase adapter's outbox and public contact calls: which function, which key, which arguments. */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const rpcUrl = (name: string) => `${SUPABASE_URL}/rest/v1/rpc/${name}`;
const seen: { name: string; apikey: string | null; body: unknown }[] = [];
function rpc(name: string, answer: Parameters<typeof HttpResponse.json>[0]) {
  return http.post(rpcUrl(name), async ({ request }) => {
    seen.push({ name, apikey: request.headers.get("apikey"), body: await request.json() });
    return HttpResponse.json(answer);
  });
}

describe("Supabase outbox and public contact", () => {
  it("claims and marks with the service role, mapping the rows", async () => {
    seen.length = 0;
    server.use(
      rpc("outbox_claim", [
        { id: "o1", claim_token: "c1", kind: "contact_message", to_address: "s@x.fr", reply_to: "r@x.fr", subject: "S", html_body: "<p>h</p>", text_body: "t", attempts: 1, stream: "transactional", unsubscribe_account: null },
      ]),
      rpc("outbox_mark_sent", true),
      rpc("outbox_mark_retry", false),
    );
    const { outbox } = await createSupabaseBackend(testEnv());
    expect(await outbox.claim(10, 120)).toEqual([
      { id: "o1", claimToken: "c1", kind: "contact_message", to: "s@x.fr", replyTo: "r@x.fr", subject: "S", html: "<p>h</p>", text: "t", attempts: 1, stream: "transactional", unsubscribeAccount: null },
    ]);
    expect(await outbox.markSent("o1", "c1", "pm-id")).toBe(true);
    expect(await outbox.markRetry("o1", "c1", "HTTP 500")).toBe(false);
    expect(seen).toEqual([
      { name: "outbox_claim", apikey: SERVICE_ROLE_KEY, body: { p_limit: 10, p_lease_seconds: 120, p_broadcast: false } },
      { name: "outbox_mark_sent", apikey: SERVICE_ROLE_KEY, body: { p_id: "o1", p_claim_token: "c1", p_provider_message_id: "pm-id" } },
      { name: "outbox_mark_retry", apikey: SERVICE_ROLE_KEY, body: { p_id: "o1", p_claim_token: "c1", p_error: "HTTP 500" } },
    ]);
  });

  it("lists public services with the anon key and sends a visitor's message with the service role", async () => {
    seen.length = 0;
    server.use(
      rpc("public_contact_services", [{ service_id: "s1", service_name: "Régie", general_info: "Tél." }]),
      rpc("send_public_contact_message", { status: "throttled", retry_at: "2026-11-27T11:00:00+00:00" }),
    );
    const { data } = await createSupabaseBackend(testEnv());
    expect(await data.publicContactServices()).toEqual([{ serviceId: "s1", serviceName: "Régie", generalInfo: "Tél.", acceptsMessages: true }]);
    expect(
      await data.sendPublicContactMessage({ serviceId: "s1", email: "v@x.fr", name: "", customerNumber: "", subject: "", body: "b", client: "203.0.113.1" }),
    ).toEqual({ status: "throttled", retryAt: new Date("2026-11-27T11:00:00Z") });
    expect(seen.map((s) => [s.name, s.apikey])).toEqual([
      ["public_contact_services", ANON_KEY],
      ["send_public_contact_message", SERVICE_ROLE_KEY],
    ]);
  });

  it("without POSTMARK_SERVER_TOKEN e-mails stay pending (transient), with it Postmark is used", async () => {
    const without = await createSupabaseBackend(testEnv());
    expect(without.mailTransport.name).toBe("unconfigured");
    const withToken = await createSupabaseBackend(testEnv({ POSTMARK_SERVER_TOKEN: "t", MAIL_FROM: "factures@example.fr" }));
    expect(withToken.mailTransport.name).toBe("postmark");
  });
});
