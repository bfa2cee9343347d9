import { delay, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { Errors, ServerClient } from "postmark";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ClaimedEmail } from "~/.server/ports/outbox";
import { classifyPostmarkError, createPostmarkTransport } from "~/.server/postmark/transport";

/**
 * Every answer Postmark's /email can give, through MSW: which error class the `postmark` package
 * makes of it (asserted on a bare ServerClient, so a change in the package shows here) and what
 * our transport makes of that class for the outbox (accepted / permanent / transient).
 * Messages are Postmark's own (https://postmarkapp.com/developer/api/overview#error-codes).
 */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const API = "https://api.postmarkapp.com/email";
const TIMEOUT_MS = 100;
const transport = createPostmarkTransport({ serverToken: "server-token-test", messageStream: "outbound", from: "Portail <factures@example.fr>", timeoutMs: TIMEOUT_MS });
const bareClient = new ServerClient("server-token-test", { timeout: TIMEOUT_MS / 1000 });

const email: ClaimedEmail = {
  id: "7d1c8f5e-0000-4000-8000-000000000001",
  claimToken: "claim",
  kind: "paper_optout",
  to: "contact@multiservices-demo.fr",
  replyTo: null,
  subject: "Demande d'arrêt des factures papier",
  html: "<p>Bonjour</p>",
  text: "Bonjour",
  attempts: 1,
};

const json = (status: number, ErrorCode: number, Message: string) => () => HttpResponse.json({ ErrorCode, Message }, { status });
const INACTIVE =
  "You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: contact@multiservices-demo.fr. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.";

type ErrorClass = keyof typeof Errors;
const cases: { what: string; answer: () => Response | Promise<Response>; thrown: ErrorClass; outcome: "permanent" | "transient"; error: string | RegExp }[] = [
  { what: "422 ErrorCode 406 (inactive recipient)", answer: json(422, 406, INACTIVE), thrown: "InactiveRecipientsError", outcome: "permanent", error: `Postmark HTTP 422 ErrorCode 406: ${INACTIVE}` },
  { what: "422 ErrorCode 300 (invalid e-mail request)", answer: json(422, 300, "Invalid 'To' address: 'contact@multiservices-demo'."), thrown: "InvalidEmailRequestError", outcome: "permanent", error: "Postmark HTTP 422 ErrorCode 300: Invalid 'To' address: 'contact@multiservices-demo'." },
  { what: "422 ErrorCode 402 (invalid JSON)", answer: json(422, 402, "Invalid JSON"), thrown: "ApiInputError", outcome: "permanent", error: "Postmark HTTP 422 ErrorCode 402: Invalid JSON" },
  { what: "422 ErrorCode 403 (incompatible JSON)", answer: json(422, 403, "Incompatible JSON"), thrown: "ApiInputError", outcome: "permanent", error: "Postmark HTTP 422 ErrorCode 403: Incompatible JSON" },
  { what: "422 ErrorCode 409 (JSON required)", answer: json(422, 409, "JSON required"), thrown: "ApiInputError", outcome: "permanent", error: "Postmark HTTP 422 ErrorCode 409: JSON required" },
  { what: "422 ErrorCode 411 (forbidden attachment)", answer: json(422, 411, "Forbidden attachment type"), thrown: "ApiInputError", outcome: "permanent", error: "Postmark HTTP 422 ErrorCode 411: Forbidden attachment type" },
  { what: "422 ErrorCode 400 (sender signature not found)", answer: json(422, 400, "The 'From' address you supplied is not a Sender Signature on your account."), thrown: "ApiInputError", outcome: "transient", error: "Postmark HTTP 422 ErrorCode 400: The 'From' address you supplied is not a Sender Signature on your account." },
  { what: "422 ErrorCode 401 (sender signature not confirmed)", answer: json(422, 401, "Sender signature not confirmed"), thrown: "ApiInputError", outcome: "transient", error: "Postmark HTTP 422 ErrorCode 401: Sender signature not confirmed" },
  { what: "422 ErrorCode 412 (account pending)", answer: json(422, 412, "Account is Pending"), thrown: "ApiInputError", outcome: "transient", error: "Postmark HTTP 422 ErrorCode 412: Account is Pending" },
  { what: "422 ErrorCode 1235 (unknown message stream)", answer: json(422, 1235, "The message stream for the provided 'ID' was not found."), thrown: "ApiInputError", outcome: "transient", error: /^Postmark HTTP 422 ErrorCode 1235: / },
  { what: "401 ErrorCode 10 (bad token)", answer: json(401, 10, "Bad or missing Server API token."), thrown: "InvalidAPIKeyError", outcome: "transient", error: "Postmark HTTP 401 ErrorCode 10: Bad or missing Server API token." },
  { what: "429 (rate limit)", answer: json(429, 429, "Rate limit exceeded."), thrown: "RateLimitExceededError", outcome: "transient", error: "Postmark HTTP 429 ErrorCode 429: Rate limit exceeded." },
  { what: "500", answer: json(500, 0, "Internal Server Error"), thrown: "InternalServerError", outcome: "transient", error: "Postmark HTTP 500: Internal Server Error" },
  {
    what: "503 with an HTML page",
    answer: () => new HttpResponse("<html>Service Unavailable</html>", { status: 503, headers: { "Content-Type": "text/html" } }),
    thrown: "ServiceUnavailablerError",
    outcome: "transient",
    error: "Postmark HTTP 503: Request returned status code 503",
  },
  { what: "502 from a proxy", answer: () => new HttpResponse("Bad Gateway", { status: 502 }), thrown: "UnknownError", outcome: "transient", error: "Postmark HTTP 502: Request returned status code 502" },
  { what: "404", answer: json(404, 0, "Not found"), thrown: "PostmarkError", outcome: "transient", error: "Postmark HTTP 404: Not found" },
  { what: "a network error", answer: () => HttpResponse.error(), thrown: "PostmarkError", outcome: "transient", error: /^Postmark network error: / },
  {
    what: "no answer within the timeout",
    answer: async () => {
      await delay("infinite");
      return HttpResponse.json({});
    },
    thrown: "PostmarkError",
    outcome: "transient",
    error: `Postmark timeout after ${TIMEOUT_MS} ms`,
  },
];

describe("the postmark package's errors, mapped onto the outbox's outcomes", () => {
  for (const c of cases) {
    it(`${c.what}: ${c.thrown}, ${c.outcome}`, async () => {
      server.use(http.post(API, c.answer));
      const thrown = await bareClient.sendEmail({ From: "Portail <factures@example.fr>", To: email.to, Subject: "Objet", TextBody: "Bonjour" }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(thrown).toBeInstanceOf(Errors[c.thrown]);
      expect((thrown as object).constructor).toBe(Errors[c.thrown]);

      const result = await transport.send(email);
      expect(result.status).toBe(c.outcome);
      expect(result.status !== "accepted" && result.error).toEqual(typeof c.error === "string" ? c.error : expect.stringMatching(c.error));
    });
  }

  it("a 2xx answer that is not an acceptance (a proxy's page) is transient, not sent", async () => {
    server.use(http.post(API, () => new HttpResponse("<html>Bienvenue</html>", { status: 200, headers: { "Content-Type": "text/html" } })));
    expect(await transport.send(email)).toEqual({ status: "transient", error: 'Postmark answered 2xx without a MessageID: "<html>Bienvenue</html>"' });
  });

  it("whatever else is thrown is transient", () => {
    expect(classifyPostmarkError(new TypeError("boom"))).toEqual({ status: "transient", error: "Postmark client error: boom" });
    expect(classifyPostmarkError(new Errors.ApiInputError("Sender signature not confirmed", 401, 422))).toMatchObject({ status: "transient" });
    expect(classifyPostmarkError(new Errors.InactiveRecipientsError("inactive", 406, 422))).toMatchObject({ status: "permanent" });
  });
});

describe("the request the transport makes", () => {
  it("POSTs the e-mail with the server token, JSON headers, no Reply-To when there is none, no tracking", async () => {
    let seen: { url: string; headers: Headers; body: unknown } | undefined;
    server.use(
      http.post(API, async ({ request }) => {
        seen = { url: request.url, headers: request.headers, body: await request.json() };
        return HttpResponse.json({ To: email.to, SubmittedAt: "2026-11-27T10:00:00Z", MessageID: "mid-1", ErrorCode: 0, Message: "OK" });
      }),
    );
    expect(await transport.send(email)).toEqual({ status: "accepted", messageId: "mid-1" });
    expect(seen!.headers.get("x-postmark-server-token")).toBe("server-token-test");
    expect(seen!.headers.get("accept")).toBe("application/json");
    expect(seen!.headers.get("content-type")).toBe("application/json");
    expect(seen!.body).toEqual({
      From: "Portail <factures@example.fr>",
      To: email.to,
      Subject: email.subject,
      HtmlBody: email.html,
      TextBody: email.text,
      MessageStream: "outbound",
      Tag: "paper_optout",
      Metadata: { outbox_id: email.id },
      TrackOpens: false,
      TrackLinks: "None",
    });
  });

  it("honours a custom API base URL (scheme, host, port, path prefix) and its timeout", async () => {
    const custom = createPostmarkTransport({
      serverToken: "other-token",
      messageStream: "transactionnel",
      from: "factures@example.fr",
      apiUrl: "http://postmark.test:8025/fake/",
      timeoutMs: 50,
    });
    const urls: string[] = [];
    server.use(
      http.post("http://postmark.test:8025/fake/email", ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json({ To: email.to, SubmittedAt: "2026-11-27T10:00:00Z", MessageID: "mid-custom", ErrorCode: 0, Message: "OK" });
      }),
    );
    expect(await custom.send(email)).toEqual({ status: "accepted", messageId: "mid-custom" });
    expect(urls).toEqual(["http://postmark.test:8025/fake/email"]);

    server.use(
      http.post("http://postmark.test:8025/fake/email", async () => {
        await delay("infinite");
        return HttpResponse.json({});
      }),
    );
    expect(await custom.send(email)).toEqual({ status: "transient", error: "Postmark timeout after 50 ms" });
  });
});
