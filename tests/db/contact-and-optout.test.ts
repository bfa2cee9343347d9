import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { as, createWorld, expectPermissionDenied, type World } from "./helpers";

/**
 * The SQL of the opt-out, contact and outbox migration on a real PGlite: each request and its e-mail are written together or not
 * at all; who may call what; the outbox lease and marks.
 */
let world: World;
beforeAll(async () => {
  world = await createWorld();
  // createWorld recorded opt-outs for both residents; give "other" a second customer still on paper.
  await world.db.asService((tx) =>
    tx.query(`insert into portal.customers (service_id, customer_number, display_name, email) values ($1, 'AUTRE02', 'Autre Habitant', $2)`, [
      world.other.serviceId,
      world.other.email,
    ]),
  );
  await world.db.asService((tx) =>
    tx.query(`update portal.services set contact_email = 'regie@eaux-test.fr', general_info = 'Tél. 01 00 00 00 00' where id = $1`, [world.other.serviceId]),
  );
});
afterAll(async () => {
  await world?.db.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await world.db.pg.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params)).rows[0]!.n;

describe("request_paper_optout()", () => {
  test("records the request for the customer records still on paper and writes one e-mail, once", async () => {
    const outboxBefore = await count("portal.email_outbox where kind = 'paper_optout'");
    const { rows } = await as(world, "other", (tx) => tx.query("select * from public.request_paper_optout()"));
    expect(rows).toMatchObject([{ customer_number: "AUTRE02", service_name: "Régie des eaux de test" }]);
    expect(await count("portal.email_outbox where kind = 'paper_optout'")).toBe(outboxBefore + 1);
    const { rows: mail } = await world.db.pg.query<{ to_address: string; reply_to: string; subject: string; text_body: string }>(
      "select o.* from portal.paper_optout_requests r join portal.email_outbox o on o.id = r.email_outbox_id join portal.customers c on c.id = r.customer_id where c.customer_number = 'AUTRE02'",
    );
    expect(mail[0]).toMatchObject({ to_address: "regie@eaux-test.fr", reply_to: world.other.email });
    expect(mail[0]!.subject).toContain("AUTRE02");
    expect(mail[0]!.text_body).toMatch(/Numéro d'abonné : AUTRE02\nService : Régie des eaux de test\nDate de la demande : \d\d\/\d\d\/\d{4} à \d\d h \d\d/);

    // Asking again records and sends nothing.
    const again = await as(world, "other", (tx) => tx.query("select * from public.request_paper_optout()"));
    expect(again.rows).toEqual([]);
    expect(await count("portal.email_outbox where kind = 'paper_optout'")).toBe(outboxBefore + 1);
  });

  test("my_paper_status() shows each record's paper state and request date, only the caller's", async () => {
    const { rows } = await as(world, "other", (tx) => tx.query<{ customer_number: string; requested_at: Date | null }>("select * from public.my_paper_status()"));
    expect(rows.map((r) => r.customer_number).sort()).toEqual(["AUTRE01", "AUTRE02"]);
    expect(rows.every((r) => r.requested_at !== null)).toBe(true);
  });

  test("a failure while writing the e-mail leaves no request either (one transaction)", async () => {
    await world.db.asService((tx) =>
      tx.query(`insert into portal.customers (service_id, customer_number, display_name, email) values ($1, 'AUTRE03', 'Autre Habitant', $2)`, [
        world.other.serviceId,
        world.other.email,
      ]),
    );
    await world.db.pg.exec("alter table portal.email_outbox add constraint test_refuse_paper check (kind <> 'paper_optout') not valid");
    try {
      await expect(as(world, "other", (tx) => tx.query("select * from public.request_paper_optout()"))).rejects.toThrow(/test_refuse_paper/);
    } finally {
      await world.db.pg.exec("alter table portal.email_outbox drop constraint test_refuse_paper");
    }
    expect(await count("portal.paper_optout_requests r join portal.customers c on c.id = r.customer_id where c.customer_number = 'AUTRE03'")).toBe(0);
  });

  test("a service without contact address: nothing is recorded, the error says why", async () => {
    await world.db.asService((tx) => tx.query("update portal.services set contact_email = null where id = $1", [world.other.serviceId]));
    try {
      await expect(as(world, "other", (tx) => tx.query("select * from public.request_paper_optout()"))).rejects.toThrow(/no contact_email/);
    } finally {
      await world.db.asService((tx) => tx.query("update portal.services set contact_email = 'regie@eaux-test.fr' where id = $1", [world.other.serviceId]));
    }
    expect(await count("portal.paper_optout_requests r join portal.customers c on c.id = r.customer_id where c.customer_number = 'AUTRE03'")).toBe(0);
  });

  test("anonymous visitors and the service role cannot call the residents' functions", async () => {
    for (const fn of ["request_paper_optout()", "my_paper_status()", "my_contact_services()"]) {
      await expectPermissionDenied(as(world, "anon", (tx) => tx.query(`select * from public.${fn}`)));
    }
    await expectPermissionDenied(as(world, "anon", (tx) => tx.query("select public.send_contact_message($1, 'x', 'y')", [world.demo.serviceId])));
  });
});

describe("send_contact_message()", () => {
  test("stores the message with identity and customer numbers and its e-mail, atomically", async () => {
    const { rows } = await as(world, "demo", (tx) =>
      tx.query<{ id: string }>("select public.send_contact_message($1, $2, $3) as id", [world.demo.serviceId, "  Ma facture\r\n ", "Bonjour <b>service</b>"]),
    );
    const { rows: stored } = await world.db.pg.query<Record<string, unknown>>(
      "select m.account_id, m.sender_email, m.sender_name, m.subject, m.body, m.customer_numbers, o.to_address, o.reply_to, o.kind, o.html_body, o.status::text as status from portal.contact_messages m join portal.email_outbox o on o.id = m.email_outbox_id where m.id = $1",
      [rows[0]!.id],
    );
    expect(stored[0]).toMatchObject({
      account_id: world.demo.userId,
      sender_email: "demo@demo.fr",
      sender_name: "Test SISTEC560",
      subject: "Ma facture",
      body: "Bonjour <b>service</b>",
      customer_numbers: ["SISTEC560"],
      to_address: "contact@multiservices-demo.fr",
      reply_to: "demo@demo.fr",
      kind: "contact_message",
      status: "pending",
    });
    expect(stored[0]!.html_body).toContain("Bonjour &lt;b&gt;service&lt;/b&gt;");
    expect(stored[0]!.html_body).not.toContain("<b>service</b>");
  });

  test("a resident cannot write through a service they are not a customer of", async () => {
    await expect(
      as(world, "demo", (tx) => tx.query("select public.send_contact_message($1, null, 'Bonjour')", [world.other.serviceId])),
    ).rejects.toThrow(/not a customer/);
  });

  test("an empty or too long message is refused and nothing is written", async () => {
    const before = await count("portal.email_outbox");
    for (const body of ["   ", "x".repeat(5001)]) {
      await expect(as(world, "demo", (tx) => tx.query("select public.send_contact_message($1, null, $2)", [world.demo.serviceId, body]))).rejects.toThrow(/body_check/);
    }
    expect(await count("portal.email_outbox")).toBe(before);
  });

  test("my_contact_services() gives each resident their own services' general information", async () => {
    const { rows } = await as(world, "other", (tx) => tx.query("select * from public.my_contact_services()"));
    expect(rows).toEqual([
      { service_id: world.other.serviceId, service_name: "Régie des eaux de test", general_info: "Tél. 01 00 00 00 00", accepts_messages: true },
    ]);
  });

  test("my_contact_services() says which services receive messages (those with a contact address)", async () => {
    await world.db.asService((tx) => tx.query("update portal.services set contact_email = null where id = $1", [world.other.serviceId]));
    try {
      const { rows } = await as(world, "other", (tx) => tx.query<{ accepts_messages: boolean }>("select accepts_messages from public.my_contact_services()"));
      expect(rows).toEqual([{ accepts_messages: false }]);
    } finally {
      await world.db.asService((tx) => tx.query("update portal.services set contact_email = 'regie@eaux-test.fr' where id = $1", [world.other.serviceId]));
    }
  });
});

describe("send_public_contact_message()", () => {
  const send = (email: string, client: string) =>
    world.db.asService((tx) =>
      tx.query<{ r: { status: string; retry_at?: string } }>("select public.send_public_contact_message($1, $2, 'Jean Visiteur', 'X1', 'Sujet', 'Bonjour', $3) as r", [
        world.demo.serviceId,
        email,
        client,
      ]),
    ).then((res) => res.rows[0]!.r);

  test("is for the server only (service role), not for visitors or residents", async () => {
    const call = "select public.send_public_contact_message($1, 'a@b.fr', '', '', '', 'x', 'ip')";
    await expectPermissionDenied(as(world, "anon", (tx) => tx.query(call, [world.demo.serviceId])));
    await expectPermissionDenied(as(world, "demo", (tx) => tx.query(call, [world.demo.serviceId])));
  });

  test("stores an unverified message with its e-mail; throttles 3 per e-mail and 5 per client an hour", async () => {
    for (let i = 0; i < 3; i++) expect(await send("visiteur@exemple.fr", "198.51.100.1")).toMatchObject({ status: "sent" });
    const blocked = await send("visiteur@exemple.fr", "198.51.100.2");
    expect(blocked.status).toBe("throttled");
    expect(new Date(blocked.retry_at!).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);

    for (let i = 0; i < 2; i++) expect(await send(`autre${i}@exemple.fr`, "198.51.100.1")).toMatchObject({ status: "sent" });
    expect(await send("encore@exemple.fr", "198.51.100.1")).toMatchObject({ status: "throttled" });

    const { rows } = await world.db.pg.query<{ account_id: string | null; customer_numbers: string[]; reply_to: string; kind: string }>(
      "select m.account_id, m.customer_numbers, o.reply_to, o.kind from portal.contact_messages m join portal.email_outbox o on o.id = m.email_outbox_id where m.sender_email = 'visiteur@exemple.fr'",
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ account_id: null, customer_numbers: ["X1"], reply_to: "visiteur@exemple.fr", kind: "public_contact_message" });
  });

  test("public_contact_services() is readable by anyone and lists services with a contact address", async () => {
    const { rows } = await as(world, "anon", (tx) => tx.query<{ service_name: string }>("select * from public.public_contact_services()"));
    expect(rows.map((r) => r.service_name)).toContain("Service Multi Services de démonstration");
  });
});

describe("outbox claim and marks", () => {
  const svc = <T>(sql: string, params: unknown[] = []) => world.db.asService((tx) => tx.query<T & Record<string, unknown>>(sql, params)).then((r) => r.rows);

  test("a claimed row is leased; a crashed sender's row comes back when the lease ends; marks need the claim", async () => {
    await world.db.pg.query("update portal.email_outbox set status = 'sent', sent_at = now() where status = 'pending'");
    const [{ id }] = await svc<{ id: string }>(
      "insert into portal.email_outbox (kind, to_address, subject, html_body, text_body) values ('test', 'x@y.fr', 'S', 'h', 't') returning id",
    ) as [{ id: string }];

    const first = await svc<{ id: string; claim_token: string; attempts: number }>("select * from public.outbox_claim(10, 120)");
    expect(first.map((r) => [r.id, r.attempts])).toEqual([[id, 1]]);
    expect(await svc("select * from public.outbox_claim(10, 120)")).toEqual([]); // leased

    // Simulate the lease running out (the sender crashed): the row is claimed again.
    await world.db.pg.query("update portal.email_outbox set locked_until = now() - interval '1 second' where id = $1", [id]);
    const second = await svc<{ claim_token: string; attempts: number }>("select * from public.outbox_claim(10, 120)");
    expect(second[0]!.attempts).toBe(2);

    // The stale claimer may not reschedule or fail it; the current one may.
    expect((await svc<{ done: boolean }>("select public.outbox_mark_retry($1, $2, 'late') as done", [id, first[0]!.claim_token]))[0]!.done).toBe(false);
    expect((await svc<{ done: boolean }>("select public.outbox_mark_retry($1, $2, 'HTTP 500') as done", [id, second[0]!.claim_token]))[0]!.done).toBe(true);
    const [row] = await svc<{ wait: number; last_error: string }>(
      "select extract(epoch from next_attempt_at - now())::int as wait, last_error from portal.email_outbox where id = $1",
      [id],
    );
    expect(row).toMatchObject({ wait: 60, last_error: "HTTP 500" }); // 2nd attempt: 1 minute
    expect(await svc("select * from public.outbox_claim(10, 120)")).toEqual([]); // not due yet

    // Due again: sent; then it is never claimed again, and a second mark_sent reports it.
    await world.db.pg.query("update portal.email_outbox set next_attempt_at = now() - interval '1 second' where id = $1", [id]);
    const third = await svc<{ claim_token: string }>("select * from public.outbox_claim(10, 120)");
    expect((await svc<{ done: boolean }>("select public.outbox_mark_sent($1, $2, 'pm-1') as done", [id, third[0]!.claim_token]))[0]!.done).toBe(true);
    expect((await svc<{ done: boolean }>("select public.outbox_mark_sent($1, $2, 'pm-2') as done", [id, third[0]!.claim_token]))[0]!.done).toBe(false);
    expect(await svc("select * from public.outbox_claim(10, 0)")).toEqual([]);
    const [sent] = await svc<{ status: string; provider_message_id: string }>("select status::text, provider_message_id from portal.email_outbox where id = $1", [id]);
    expect(sent).toEqual({ status: "sent", provider_message_id: "pm-1" });
  });

  test("the backoff doubles from 30 s and stops growing at one hour", async () => {
    const { rows } = await world.db.pg.query<{ s: number[] }>(
      "select array(select extract(epoch from portal.outbox_backoff(n))::int from generate_series(1, 10) n) as s",
    );
    expect(rows[0]!.s).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  test("a permanent failure is kept and shown in the staff view; requeue sends it again", async () => {
    const [{ id }] = (await svc<{ id: string }>(
      "insert into portal.email_outbox (kind, to_address, subject, html_body, text_body) values ('test', 'inactif@y.fr', 'S', 'h', 't') returning id",
    )) as [{ id: string }];
    const [claim] = await svc<{ claim_token: string }>("select * from public.outbox_claim(10, 120)");
    await svc("select public.outbox_mark_failed($1, $2, 'Postmark HTTP 422 ErrorCode 406: inactive')", [id, claim!.claim_token]);
    const problems = await svc<{ id: string; status: string }>("select id, status::text from portal.staff_email_problems");
    expect(problems).toContainEqual({ id, status: "failed" });
    expect((await svc<{ done: boolean }>("select public.outbox_requeue($1) as done", [id]))[0]!.done).toBe(true);
    expect((await svc<{ id: string }>("select id from public.outbox_claim(10, 120)")).map((r) => r.id)).toEqual([id]);
  });

  test("residents and visitors can neither call the outbox functions nor read the staff views", async () => {
    for (const who of ["demo", "anon"] as const) {
      await expectPermissionDenied(as(world, who, (tx) => tx.query("select * from public.outbox_claim(1, 1)")));
      for (const view of ["staff_paper_optout_requests", "staff_contact_messages", "staff_email_problems"]) {
        await expectPermissionDenied(as(world, who, (tx) => tx.query(`select * from portal.${view}`)));
      }
    }
  });
});
