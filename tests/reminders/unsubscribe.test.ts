import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedMailLinks, type EmbeddedBackend } from "~/.server/embedded/backend";
import type { Database } from "~/.server/embedded/database";
import { parseEnv } from "~/.server/env";
import { deliverDueEmails } from "~/.server/outbox";
import { createPostmarkTransport } from "~/.server/postmark/transport";
import { runDueReminders } from "~/.server/reminders";
import { secretBytes, signUnsubscribeToken, verifyUnsubscribeToken } from "~/.server/reminders-links";
import * as desabonnement from "~/routes/desabonnement/route";
import * as courriels from "~/routes/dev.courriels/route";
import { wrapHandler } from "../../server/security.js";
import { paymentSecurityOptions } from "../../server/payment.js";
import { asLiveUser, createAuthUser } from "../support/database";
import { Browser, ORIGIN, startPortal } from "../support/route-harness";

/**
 * The unsubscribe link of reminder e-mails (docs/decisions/0039-email-reminders.md): the signed
 * token, /desabonnement (GET never unsubscribes, POST does, the RFC 8058 one-click POST without
 * cookie or Origin too), the security wrapper's narrow exemption, the sender filling in the link
 * and headers, and Postmark's broadcast stream (MSW).
 */
const KEY = secretBytes("une-cle-de-liens-de-courriel-pour-les-tests-0123");
const ACCOUNT = "d0000000-0000-4000-8000-0000000000aa";

describe("the signed token", () => {
  it("verifies its own account only; forged, altered, other-key and malformed tokens are refused", async () => {
    const token = await signUnsubscribeToken(KEY, ACCOUNT);
    expect(token).toMatch(/^d0000000-0000-4000-8000-0000000000aa\.[A-Za-z0-9_-]{43}$/);
    expect(await verifyUnsubscribeToken(KEY, token)).toBe(ACCOUNT);
    const other = "d0000000-0000-4000-8000-0000000000bb";
    const [, signature] = token.split(".");
    expect(await verifyUnsubscribeToken(KEY, `${other}.${signature}`)).toBeNull(); // another account, same signature
    expect(await verifyUnsubscribeToken(secretBytes("une-autre-cle-de-liens-de-courriel-0123456789"), token)).toBeNull();
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(await verifyUnsubscribeToken(KEY, flipped)).toBeNull();
    for (const bad of ["", "pas-un-jeton", `${ACCOUNT}.`, `${ACCOUNT}`, `${token}x`, "x".repeat(5000), null, 42]) {
      expect(await verifyUnsubscribeToken(KEY, bad)).toBeNull();
    }
  });
});

describe("/desabonnement and the sender, on the embedded default", () => {
  let db: Database;
  let backend: EmbeddedBackend;
  let userId: string;
  const email = "desabonnement@exemple.fr";

  const choices = async () =>
    (await db.pg.query<{ new_invoices: boolean; due_soon: boolean }>("select new_invoices, due_soon from portal.reminder_preferences where account_id = $1", [userId])).rows[0];
  const optIn = () => asLiveUser(db, userId, email, (tx) => tx.query("select public.set_reminder_preferences(true, true)"));

  beforeAll(async () => {
    ({ db, backend } = (await startPortal()) as { db: Database; backend: EmbeddedBackend });
    userId = await createAuthUser(db, email);
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await optIn();
  });

  it("the embedded default signs links with no configuration, from its public origin", async () => {
    const url = await backend.mailLinks.unsubscribeUrl(userId);
    expect(url).toMatch(new RegExp(`^${ORIGIN}/desabonnement\\?jeton=${userId}\\.[A-Za-z0-9_-]{43}$`));
    expect(await backend.mailLinks.unsubscribeAccount(new URL(url!).searchParams.get("jeton")!)).toBe(userId);
    // MAIL_LINK_SECRET, when set, is the key.
    const configured = createEmbeddedMailLinks(db, parseEnv({ NODE_ENV: "test", SITE_URL: "https://factures.example.fr", MAIL_LINK_SECRET: "une-cle-de-liens-de-courriel-pour-les-tests-0123" }));
    const token = new URL((await configured.unsubscribeUrl(userId))!).searchParams.get("jeton")!;
    expect(await verifyUnsubscribeToken(KEY, token)).toBe(userId);
    expect(await backend.mailLinks.unsubscribeAccount(token)).toBeNull();
  });

  it("GET shows the button and changes nothing (link scanners fetch links)", async () => {
    const url = (await backend.mailLinks.unsubscribeUrl(userId))!;
    const page = await new Browser().call(desabonnement.loader, url.slice(ORIGIN.length));
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ token: expect.stringContaining(userId) });
    expect(await choices()).toEqual({ new_invoices: true, due_soon: true });
  });

  it("POST from the page's button unsubscribes from both; a replay does the same, harmlessly", async () => {
    const url = (await backend.mailLinks.unsubscribeUrl(userId))!;
    const token = new URL(url).searchParams.get("jeton")!;
    const done = await new Browser().call(desabonnement.action, url.slice(ORIGIN.length), { jeton: token });
    expect(done.status).toBe(200);
    expect(done.data).toEqual({ done: true, message: null });
    expect(await choices()).toEqual({ new_invoices: false, due_soon: false });
    const again = await new Browser().call(desabonnement.action, url.slice(ORIGIN.length), { jeton: token });
    expect(again.data).toEqual({ done: true, message: null });
  });

  it("the RFC 8058 one-click POST (List-Unsubscribe=One-Click, no cookie, no Origin) goes through the server's wrapper and unsubscribes: 200", async () => {
    const url = (await backend.mailLinks.unsubscribeUrl(userId))!;
    const reached: string[] = [];
    const wrapped = wrapHandler(
      async (request: Request) => {
        reached.push(request.method);
        const result = await desabonnement.action({ request, params: {}, context: {} });
        return new Response(JSON.stringify((result as { data: unknown }).data), { status: (result as { init: ResponseInit | null }).init?.status ?? 200 });
      },
      { siteUrl: ORIGIN, ...paymentSecurityOptions({}) },
    );
    const oneClick = await wrapped(
      new Request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }),
    );
    expect(oneClick.status).toBe(200);
    expect(await choices()).toEqual({ new_invoices: false, due_soon: false });

    // Narrow: a POST carrying a foreign Origin is still refused (403) before the route runs, and
    // an Origin-less POST to any other path too.
    await optIn();
    const foreign = await wrapped(
      new Request(url, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }),
    );
    expect(foreign.status).toBe(403);
    const elsewhere = await wrapped(new Request(`${ORIGIN}/mes-informations/rappels`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "nouvelles=oui" }));
    expect(elsewhere.status).toBe(403);
    const crossSite = await wrapped(
      new Request(`${ORIGIN}/mes-informations/rappels`, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "echeance=oui" }),
    );
    expect(crossSite.status).toBe(403);
    const prefix = await wrapped(new Request(`${ORIGIN}/desabonnement/autre`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" }));
    expect(prefix.status).toBe(403);
    expect(reached).toEqual(["POST"]);
    expect(await choices()).toEqual({ new_invoices: true, due_soon: true });
  });

  it("forged, altered or malformed tokens: a French 400, nothing changes (never a 500)", async () => {
    const url = (await backend.mailLinks.unsubscribeUrl(userId))!;
    const token = new URL(url).searchParams.get("jeton")!;
    const forged = `${userId}.${"A".repeat(43)}`;
    for (const bad of [forged, token.slice(0, -2), "pas-un-jeton", "", "%00", "x".repeat(300)]) {
      const page = await new Browser().call(desabonnement.loader, `/desabonnement?jeton=${encodeURIComponent(bad)}`);
      expect(page.status).toBe(400);
      expect(page.data).toMatchObject({ token: null });
      const post = await new Browser().call(desabonnement.action, `/desabonnement?jeton=${encodeURIComponent(bad)}`, { "List-Unsubscribe": "One-Click" });
      expect(post.status).toBe(400);
      expect(post.data).toMatchObject({ done: false, message: expect.stringContaining("n'est pas valable") });
    }
    // A body that is not one of the form's fields' values: 400 too.
    const odd = await new Browser().call(desabonnement.action, url.slice(ORIGIN.length), { "List-Unsubscribe": "Deux-Clics" });
    expect(odd.status).toBe(400);
    expect(await choices()).toEqual({ new_invoices: true, due_soon: true });
  });

  it("the sender fills in the link and the RFC 8058 headers; /dev/courriels shows them", async () => {
    const { rows } = await db.pg.query<{ id: string }>(
      `with s as (insert into portal.services (name, numcli) values ('Régie des désabonnements', '004391') returning id),
            c as (insert into portal.customers (service_id, customer_number, display_name, email) select s.id, 'DES01', 'Famille D', $1 from s returning id, service_id)
       insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object)
       select c.service_id, c.id, 'DES-001', (now() at time zone 'Europe/Paris')::date - 30, (now() at time zone 'Europe/Paris')::date + 1, 4200, 'Eau' from c
       returning id`,
      [email],
    );
    expect(rows).toHaveLength(1);
    await runDueReminders({ reminders: backend.reminders });
    const sent: Parameters<typeof backend.mailTransport.send>[0][] = [];
    const summary = await deliverDueEmails({
      outbox: backend.outbox,
      mailLinks: backend.mailLinks,
      mailTransport: { name: "capture", broadcast: true, send: async (e) => (sent.push(e), { status: "accepted", messageId: "m-1" }) },
    });
    expect(summary.sent).toBeGreaterThanOrEqual(1);
    const reminder = sent.find((e) => e.kind === "reminder_due_soon")!;
    const url = (await backend.mailLinks.unsubscribeUrl(userId))!;
    expect(reminder.stream).toBe("broadcast");
    expect(reminder.headers).toEqual([
      { name: "List-Unsubscribe", value: `<${url}>` },
      { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
    ]);
    expect(reminder.text).toContain(`Ne plus recevoir ces courriels : ${url}`);
    expect(reminder.text).toContain(`${ORIGIN}/factures`);
    expect(reminder.html).toContain(`<a href="${url}">Ne plus recevoir ces courriels</a>`);
    expect(reminder.html).not.toContain("%%");

    const page = (await new Browser().call(courriels.loader, "/dev/courriels")).data as { emails: { kind: string; headers?: unknown; text: string }[] };
    const shown = page.emails.find((e) => e.kind === "reminder_due_soon")!;
    expect(shown.headers).toEqual(reminder.headers);
    expect(shown.text).toContain(url);
  });

  it("a sender without a broadcast stream leaves reminders pending (never on the transactional stream)", async () => {
    await db.pg.query(
      `insert into portal.email_outbox (kind, to_address, subject, html_body, text_body, stream, unsubscribe_account)
       values ('reminder_due_soon', $1, 'Rappel', '<p>%%DESABONNEMENT%%</p>', '%%DESABONNEMENT%%', 'broadcast', $2)`,
      [email, userId],
    );
    const sent: string[] = [];
    await deliverDueEmails({
      outbox: backend.outbox,
      mailLinks: backend.mailLinks,
      mailTransport: { name: "transactional only", send: async (e) => (sent.push(e.kind), { status: "accepted", messageId: "m-2" }) },
    });
    expect(sent.filter((k) => k.startsWith("reminder_"))).toEqual([]);
    const { rows } = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.email_outbox where stream = 'broadcast' and status = 'pending' and attempts = 0");
    expect(rows[0]!.n).toBe(1);
  });
});

describe("Postmark transport: the broadcast stream and the headers (MSW)", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());

  const reminder = {
    id: "0b000000-0000-4000-8000-000000000001",
    claimToken: "0c000000-0000-4000-8000-000000000001",
    kind: "reminder_due_soon",
    to: "resident@exemple.fr",
    replyTo: null,
    subject: "Portail des factures : une facture est bientôt à régler",
    html: "<p>html</p>",
    text: "texte",
    attempts: 1,
    stream: "broadcast" as const,
    unsubscribeAccount: ACCOUNT,
    headers: [
      { name: "List-Unsubscribe", value: "<https://factures.example.fr/desabonnement?jeton=x>" },
      { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
    ],
  };

  it("sends a reminder on POSTMARK_BROADCAST_STREAM with Headers [{Name, Value}]; a transactional e-mail stays on its stream without them", async () => {
    const bodies: Record<string, unknown>[] = [];
    server.use(
      http.post("https://api.postmarkapp.com/email", async ({ request }) => {
        bodies.push((await request.json()) as Record<string, unknown>);
        return HttpResponse.json({ To: "resident@exemple.fr", SubmittedAt: "2026-12-05T10:00:00Z", MessageID: `m-${bodies.length}`, ErrorCode: 0, Message: "OK" });
      }),
    );
    const transport = createPostmarkTransport({ serverToken: "t", messageStream: "outbound", broadcastStream: "rappels", from: "Portail <factures@example.fr>", timeoutMs: 500 });
    expect(transport.broadcast).toBe(true);
    expect(await transport.send(reminder)).toEqual({ status: "accepted", messageId: "m-1" });
    expect(bodies[0]).toMatchObject({
      MessageStream: "rappels",
      Headers: [
        { Name: "List-Unsubscribe", Value: "<https://factures.example.fr/desabonnement?jeton=x>" },
        { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
      ],
      Tag: "reminder_due_soon",
    });
    const { stream: _s, headers: _h, unsubscribeAccount: _u, ...transactional } = reminder;
    await transport.send({ ...transactional, kind: "contact_message" });
    expect(bodies[1]).toMatchObject({ MessageStream: "outbound" });
    expect(bodies[1]).not.toHaveProperty("Headers");
  });

  it("without a broadcast stream: takes no reminder (transient, nothing sent)", async () => {
    const transport = createPostmarkTransport({ serverToken: "t", messageStream: "outbound", from: "Portail <factures@example.fr>" });
    expect(transport.broadcast).toBe(false);
    expect(await transport.send(reminder)).toEqual({ status: "transient", error: expect.stringContaining("POSTMARK_BROADCAST_STREAM") });
  });
});
