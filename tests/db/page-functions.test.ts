import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createResidentData } from "~/.server/data/resident";
import { SessionEndedError } from "~/.server/data/rpc";
import type { Caller } from "~/.server/ports/accounts";
import { createEmbeddedRpc } from "~/.server/embedded/rpc";
import { as, createWorld, expectPermissionDenied, type World } from "./helpers";
import { openAuthSession, SEED } from "../support/database";

/**
 * One page, one call (supabase/migrations/20261126000600_pages.sql) on a real PGlite:
 * each page function answers the caller's data only, every page function and every write refuses
 * a session that is not live (SQLSTATE PT401), and anon cannot call them. Also the embedded Rpc
 * and the resident port over it (app/.server/embedded/rpc.ts, app/.server/data/resident.ts).
 */
let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

const INVOICE_2059 = SEED.invoice2059Id;

/** Every page function, with arguments aimed at the demo resident's rows. */
function pageCalls(): [string, string, unknown[]][] {
  return [
    ["frame_page", "select public.frame_page() as v", []],
    ["home_page", "select public.home_page() as v", []],
    ["invoices_page", "select public.invoices_page('unpaid', 20) as v", []],
    ["invoice_page", "select public.invoice_page($1) as v", [INVOICE_2059]],
    ["info_page", "select public.info_page() as v", []],
    ["contact_page", "select public.contact_page() as v", []],
    ["payment_page", "select public.payment_page() as v", []],
    ["payment_return_page", "select public.payment_return_page($1) as v", [world.demo.attemptId]],
  ];
}

/** Every write a resident makes, and the PDF key read. */
function writeCalls(): [string, string, unknown[]][] {
  return [
    ["request_paper_optout", "select * from public.request_paper_optout()", []],
    ["send_contact_message", "select public.send_contact_message($1, 'Objet', 'Bonjour') as v", [SEED.serviceId]],
    ["start_payment", "select public.start_payment($1::uuid[]) as v", [[INVOICE_2059]]],
    ["set_payment_idop", "select public.set_payment_idop($1, 'IDOP1') as v", [world.demo.attemptId]],
    ["fail_payment_start", "select public.fail_payment_start($1, 'x') as v", [world.demo.attemptId]],
    ["my_invoice_pdf_key", "select * from public.my_invoice_pdf_key($1)", [INVOICE_2059]],
  ];
}

const page = async (who: "demo" | "other", sql: string, params: unknown[] = []) =>
  (await as(world, who, (tx) => tx.query<{ v: Record<string, unknown> }>(sql, params))).rows[0]!.v;

describe("each page function answers the caller's data only", () => {
  test("every page carries the frame: the portal name and the resident's names", async () => {
    for (const [name, sql, params] of pageCalls()) {
      expect((await page("demo", sql, params)).frame, name).toEqual({ portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" });
      expect((await page("other", sql, params)).frame, name).toEqual({ portal_name: "Le Portail des Factures", display_name: "Autre Habitant" });
    }
  });

  test("invoices_page: the tab's rows, the counts and the customer count of the caller", async () => {
    const demo = await page("demo", "select public.invoices_page('unpaid', 20) as v");
    const other = await page("other", "select public.invoices_page('unpaid', 20) as v");
    const demoIds = (demo.invoices as { id: string }[]).map((i) => i.id);
    expect(demoIds).toContain(INVOICE_2059);
    expect(demoIds.every((id) => world.demo.invoiceIds.includes(id))).toBe(true);
    expect((other.invoices as { id: string }[]).map((i) => i.id)).toEqual(world.other.invoiceIds);
    expect(other.counts).toEqual({ unpaid: 1, paid: 0, treasury: 0 });
    const demoTotal = Object.values(demo.counts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(demoTotal).toBe(world.demo.invoiceIds.length);
    expect(demo.customer_count).toBe(1);
    // PostgreSQL's JSON: dates as YYYY-MM-DD, bigint as a number.
    expect((demo.invoices as { issued_on: unknown; amount_cents: unknown }[]).find((i) => i)).toMatchObject({
      issued_on: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      amount_cents: expect.any(Number),
    });
  });

  test("invoice_page: the invoice and its payment state for its owner, null for anyone else", async () => {
    const mine = await page("demo", "select public.invoice_page($1) as v", [INVOICE_2059]);
    expect(mine.invoice).toMatchObject({ id: INVOICE_2059, number: "2017-020-002059", status: "unpaid", has_pdf: true });
    expect(mine.payment).toMatchObject({ block: "pending", attempt_id: world.demo.attemptId });
    const theirs = await page("other", "select public.invoice_page($1) as v", [INVOICE_2059]);
    expect(theirs).toEqual({ frame: expect.any(Object), invoice: null, payment: null, paid_online: null });
  });

  test("info_page, contact_page, payment_page, payment_return_page: nothing of the other resident", async () => {
    const demoInfo = await page("demo", "select public.info_page() as v");
    const otherInfo = await page("other", "select public.info_page() as v");
    expect((demoInfo.customers as { customer_id: string }[]).map((c) => c.customer_id)).toEqual([world.demo.customerId]);
    expect((otherInfo.customers as { customer_id: string }[]).map((c) => c.customer_id)).toEqual([world.other.customerId]);
    expect((otherInfo.paper as { customer_id: string }[]).map((c) => c.customer_id)).toEqual([world.other.customerId]);

    const otherContact = await page("other", "select public.contact_page() as v");
    expect((otherContact.services as { service_id: string }[]).map((s) => s.service_id)).toEqual([world.other.serviceId]);

    const demoPay = (await page("demo", "select public.payment_page() as v")).invoices as { id: string }[];
    const otherPay = (await page("other", "select public.payment_page() as v")).invoices as { id: string }[];
    expect(demoPay.map((i) => i.id)).toContain(INVOICE_2059);
    expect(otherPay.map((i) => i.id)).toEqual(world.other.invoiceIds);

    expect((await page("demo", "select public.payment_return_page($1) as v", [world.demo.attemptId])).attempt).toMatchObject({
      id: world.demo.attemptId,
      invoice_ids: [INVOICE_2059],
    });
    expect((await page("other", "select public.payment_return_page($1) as v", [world.demo.attemptId])).attempt).toBeNull();
  });
});

describe("a session that is not live is refused in the same call (PT401)", () => {
  const demo = () => world.demo;
  const deadCallers = async (): Promise<[string, Caller][]> => {
    const ended = await openAuthSession(world.db, demo().userId);
    await world.db.pg.query("delete from auth.sessions where id = $1", [ended]);
    const expired = await openAuthSession(world.db, demo().userId, new Date(Date.now() - 60_000));
    const othersSession = await openAuthSession(world.db, world.other.userId);
    const base = { role: "authenticated" as const, userId: demo().userId, email: demo().email };
    return [
      ["ended (row deleted)", { ...base, sessionId: ended }],
      ["past not_after", { ...base, sessionId: expired }],
      ["another user's session", { ...base, sessionId: othersSession }],
      ["garbage session_id", { ...base, sessionId: "not-a-uuid'; drop table auth.sessions; --" }],
      ["no session_id", base],
    ];
  };

  test("every page function and every write, for every kind of dead session", async () => {
    const before = await world.db.pg.query<{ n: number }>(
      "select (select count(*) from portal.contact_messages) + (select count(*) from portal.payment_attempts) + (select count(*) from portal.paper_optout_requests) as n",
    );
    for (const [kind, caller] of await deadCallers()) {
      for (const [name, sql, params] of [...pageCalls(), ...writeCalls()]) {
        await expect(world.db.run(caller, (tx) => tx.query(sql, params)), `${name}, ${kind}`).rejects.toMatchObject({
          code: "PT401",
          message: "session_ended",
        });
      }
    }
    const after = await world.db.pg.query<{ n: number }>(
      "select (select count(*) from portal.contact_messages) + (select count(*) from portal.payment_attempts) + (select count(*) from portal.paper_optout_requests) as n",
    );
    expect(after.rows[0]!.n).toEqual(before.rows[0]!.n);
  });

  test("a live session passes, and ends with its row (logout)", async () => {
    const sessionId = await openAuthSession(world.db, demo().userId);
    const caller: Caller = { role: "authenticated", userId: demo().userId, email: demo().email, sessionId };
    await expect(world.db.run(caller, (tx) => tx.query("select public.frame_page()"))).resolves.toBeTruthy();
    await world.db.pg.query("delete from auth.sessions where id = $1", [sessionId]);
    await expect(world.db.run(caller, (tx) => tx.query("select public.frame_page()"))).rejects.toMatchObject({ code: "PT401" });
  });

  test("the writes' bodies are out of the API: no resident can call portal.*_unchecked", async () => {
    await expectPermissionDenied(as(world, "demo", (tx) => tx.query("select portal.start_payment_unchecked($1::uuid[])", [[INVOICE_2059]])));
    await expectPermissionDenied(as(world, "demo", (tx) => tx.query("select * from portal.request_paper_optout_unchecked()")));
    await expectPermissionDenied(as(world, "demo", (tx) => tx.query("select portal.session_is_live()")));
  });
});

describe("anon cannot execute them", () => {
  test("every page function and every write: permission denied", async () => {
    for (const [, sql, params] of [...pageCalls(), ...writeCalls()]) {
      await expectPermissionDenied(world.db.asAnon((tx) => tx.query(sql, params)));
    }
  });
});

describe("the embedded Rpc and the resident port over it", () => {
  const demoCaller = async (): Promise<Caller> => ({
    role: "authenticated",
    userId: world.demo.userId,
    email: world.demo.email,
    sessionId: await openAuthSession(world.db, world.demo.userId),
  });

  test("answers PostgREST's JSON: a scalar function its value, a set-returning one an array of rows", async () => {
    const rpc = createEmbeddedRpc(world.db, await demoCaller());
    const frame = await rpc.call("frame_page");
    expect(frame).toEqual({ frame: { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" } });
    const rows = await rpc.call("my_invoice_pdf_key", { p_id: INVOICE_2059 });
    expect(rows).toEqual([{ number: "2017-020-002059", object_key: expect.stringMatching(/2017-020-002059\.pdf$/) }]);
    expect(await rpc.call("my_invoice_pdf_key", { p_id: world.other.invoiceIds[0]! })).toEqual([]);
  });

  test("refuses a name that is not a public function, and an unknown parameter, without running anything", async () => {
    const rpc = createEmbeddedRpc(world.db, await demoCaller());
    // The types refuse all four (tests/db/rpc-types.test.ts); the embedded Rpc checks again at run time.
    // @ts-expect-error: not a function name
    await expect(rpc.call("frame_page(); drop table portal.invoices; --")).rejects.toThrow(/no such function/);
    // @ts-expect-error: not in public
    await expect(rpc.call("session_is_live")).rejects.toThrow(/no such function/);
    // @ts-expect-error: no such parameter
    await expect(rpc.call("invoice_page", { p_id: INVOICE_2059, p_other: 1 })).rejects.toThrow(/no parameter named/);
    // @ts-expect-error: p_id missing
    await expect(rpc.call("invoice_page")).rejects.toThrow(/missing p_id/);
    expect((await world.db.pg.query<{ n: number }>("select count(*)::int as n from portal.invoices")).rows[0]!.n).toBeGreaterThan(0);
  });

  test("a dead session is a SessionEndedError", async () => {
    const caller = await demoCaller();
    await world.db.pg.query("delete from auth.sessions where id = $1", [(caller as { sessionId: string }).sessionId]);
    await expect(createEmbeddedRpc(world.db, caller).call("home_page")).rejects.toBeInstanceOf(SessionEndedError);
  });

  test("the resident port maps every page", async () => {
    const data = createResidentData(createEmbeddedRpc(world.db, await demoCaller()));
    const frame = { portalName: "Le Portail des Factures", displayName: "Test SISTEC560" };
    expect(await data.framePage()).toEqual({ frame });
    expect(await data.homePage()).toMatchObject({ frame, welcomeMessage: expect.any(String) });
    const invoices = await data.invoicesPage({ status: "unpaid", limit: 20 });
    expect(invoices.invoices.find((i) => i.id === INVOICE_2059)).toEqual({
      id: INVOICE_2059,
      number: "2017-020-002059",
      issuedOn: "2017-07-10",
      dueOn: "2017-07-21",
      amountCents: 24311,
      object: "Multi Services",
      status: "unpaid",
      customerId: world.demo.customerId,
      customerNumber: "SISTEC560",
      customerName: "Test SISTEC560",
      serviceName: expect.any(String),
    });
    expect(invoices.customerCount).toBe(1);
    const detail = await data.invoicePage(INVOICE_2059);
    expect(detail.invoice).toMatchObject({ id: INVOICE_2059, hasPdf: true, paidAt: null, paymentSuspended: false });
    expect(detail.payment).toMatchObject({ block: "pending", attemptId: world.demo.attemptId, retryAfter: expect.stringMatching(/Z$/) });
    expect((await data.invoicePage(world.other.invoiceIds[0]!)).invoice).toBeNull();
    expect((await data.infoPage()).customers).toMatchObject([{ customerId: world.demo.customerId, customerNumber: "SISTEC560" }]);
    expect((await data.contactPage()).services.map((s) => s.serviceId)).toContain(SEED.serviceId);
    expect((await data.paymentPage()).invoices.map((i) => i.id)).toContain(INVOICE_2059);
    const back = await data.paymentReturnPage({ attemptId: world.demo.attemptId });
    expect(back.attempt).toMatchObject({ id: world.demo.attemptId, amountCents: 24311, createdAt: expect.stringMatching(/Z$/) });
    expect((await data.paymentReturnPage({})).attempt).toBeNull();
  });
});
