import { delay, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedOutbox } from "~/.server/embedded/backend";
import type { Database } from "~/.server/embedded/database";
import { deliverDueEmails } from "~/.server/outbox";
import { createPostmarkTransport } from "~/.server/postmark/transport";
import { asLiveUser, SEED, testDatabase } from "../support/database";

/**
 * The Postmark adapter inside the real sender loop: a real outbox (PGlite, SQL functions) and
 * Postmark's HTTP API answered by MSW. Every request without a handler fails the test.
 */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const API = "https://api.postmarkapp.com/email";
let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

const transport = createPostmarkTransport({ serverToken: "server-token-test", messageStream: "outbound", from: "Portail <factures@example.fr>", timeoutMs: 200 });
const backend = () => ({ outbox: createEmbeddedOutbox(db), mailTransport: transport });

async function freshContactMessage(body = "Bonjour, une question.") {
  await db.pg.query("update portal.email_outbox set status = 'sent', sent_at = now() where status = 'pending'");
  const { rows } = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) =>
    tx.query<{ id: string }>("select public.send_contact_message($1, 'Objet', $2) as id", [SEED.serviceId, body]),
  );
  const { rows: outbox } = await db.pg.query<{ id: string }>("select email_outbox_id as id from portal.contact_messages where id = $1", [rows[0]!.id]);
  return outbox[0]!.id;
}

async function row(id: string) {
  const { rows } = await db.pg.query<{ status: string; attempts: number; provider_message_id: string | null; last_error: string | null; next_attempt_at: Date }>(
    "select status::text, attempts, provider_message_id, last_error, next_attempt_at from portal.email_outbox where id = $1",
    [id],
  );
  return rows[0]!;
}

const makeDue = (id: string) => db.pg.query("update portal.email_outbox set next_attempt_at = now() - interval '1 second' where id = $1", [id]);

let calls: { headers: Record<string, string | null>; body: Record<string, unknown> }[];
beforeEach(() => {
  calls = [];
});
function postmark(answer: () => Response | Promise<Response>) {
  server.use(
    http.post(API, async ({ request }) => {
      calls.push({
        headers: { token: request.headers.get("x-postmark-server-token"), accept: request.headers.get("accept") },
        body: (await request.json()) as Record<string, unknown>,
      });
      return answer();
    }),
  );
}
const ok = (id = "b7bc2f4a-e38e-4336-af7d-e6c392c2f817") =>
  HttpResponse.json({ To: "contact@multiservices-demo.fr", SubmittedAt: "2026-11-27T10:00:00Z", MessageID: id, ErrorCode: 0, Message: "OK" });

describe("Postmark adapter in the outbox sender", () => {
  it("sends with the server token, stream, From and Reply-To, and records the MessageID", async () => {
    const id = await freshContactMessage();
    postmark(() => ok());
    expect(await deliverDueEmails(backend())).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers).toEqual({ token: "server-token-test", accept: "application/json" });
    expect(calls[0]!.body).toMatchObject({
      From: "Portail <factures@example.fr>",
      To: "contact@multiservices-demo.fr",
      ReplyTo: "demo@demo.fr",
      Subject: "Message d'un usager : Objet",
      MessageStream: "outbound",
      Tag: "contact_message",
      Metadata: { outbox_id: id },
    });
    expect(calls[0]!.body.TextBody).toContain("Bonjour, une question.");
    expect(calls[0]!.body.HtmlBody).toContain("<!doctype html>");
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 1, provider_message_id: "b7bc2f4a-e38e-4336-af7d-e6c392c2f817" });

    // Nothing is sent twice: later runs find nothing due.
    expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(calls).toHaveLength(1);
  });

  for (const [code, message] of [
    [406, "You tried to send to a recipient that has been marked as inactive."],
    [300, "Invalid 'To' address: 'contact@multiservices-demo'."],
  ] as const) {
    it(`422 ErrorCode ${code} is a permanent failure: kept as failed with the reason, not retried`, async () => {
      const id = await freshContactMessage();
      postmark(() => HttpResponse.json({ ErrorCode: code, Message: message }, { status: 422 }));
      expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 0, failed: 1 });
      expect(await row(id)).toMatchObject({ status: "failed", attempts: 1, last_error: `Postmark HTTP 422 ErrorCode ${code}: ${message}` });
      await makeDue(id);
      expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect(calls).toHaveLength(1);
    });
  }

  it("500, then a timeout, then success: retried with backoff, nothing lost, sent once", async () => {
    const id = await freshContactMessage();
    postmark(() => HttpResponse.json({ ErrorCode: 0, Message: "Internal Server Error" }, { status: 500 }));
    expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 1, failed: 0 });
    let state = await row(id);
    expect(state).toMatchObject({ status: "pending", attempts: 1 });
    expect(state.last_error).toMatch(/HTTP 500/);
    expect(new Date(state.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 20_000);
    // Not due yet: the next run does not call Postmark.
    expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 0, failed: 0 });

    server.resetHandlers();
    postmark(async () => {
      await delay("infinite");
      return ok();
    });
    await makeDue(id);
    expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 1, failed: 0 });
    state = await row(id);
    expect(state).toMatchObject({ status: "pending", attempts: 2 });
    expect(state.last_error).toMatch(/timeout after 200 ms/);

    server.resetHandlers();
    postmark(() => ok("second-try-id"));
    await makeDue(id);
    expect(await deliverDueEmails(backend())).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 3, provider_message_id: "second-try-id" });
  });

  it("a network error or a bad token (401) is transient: the e-mail waits, it is not failed", async () => {
    const id = await freshContactMessage();
    postmark(() => HttpResponse.error());
    expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect((await row(id)).last_error).toMatch(/network error/);
    server.resetHandlers();
    postmark(() => HttpResponse.json({ ErrorCode: 10, Message: "Bad or missing Server API token." }, { status: 401 }));
    await makeDue(id);
    expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(await row(id)).toMatchObject({ status: "pending", last_error: "Postmark HTTP 401 ErrorCode 10: Bad or missing Server API token." });
  });

  it("a sender that dies after claiming (before any answer) loses nothing: the row is sent after the lease", async () => {
    const id = await freshContactMessage();
    const outbox = createEmbeddedOutbox(db);
    const claimed = await outbox.claim(10, 120); // …and the process stops here
    expect(claimed.map((c) => c.id)).toEqual([id]);
    postmark(() => ok("after-crash"));
    expect(await deliverDueEmails(backend())).toEqual({ sent: 0, retried: 0, failed: 0 }); // still leased
    await db.pg.query("update portal.email_outbox set locked_until = now() - interval '1 second' where id = $1", [id]);
    expect(await deliverDueEmails(backend())).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2, provider_message_id: "after-crash" });
  });

  it("two senders running at once send each e-mail once (claims skip leased rows)", async () => {
    await freshContactMessage("Premier");
    await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select public.send_contact_message($1, null, 'Second')", [SEED.serviceId]));
    postmark(() => ok(crypto.randomUUID()));
    const [a, b] = await Promise.all([deliverDueEmails(backend(), { batchSize: 1 }), deliverDueEmails(backend(), { batchSize: 1 })]);
    expect(a.sent + b.sent).toBe(2);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.body.Metadata && (c.body.Metadata as { outbox_id: string }).outbox_id)).size).toBe(2);
  });
});
