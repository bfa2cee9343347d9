import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createResidentData } from "~/.server/data/resident";
import { SessionEndedError } from "~/.server/data/rpc";
import type { Database } from "~/.server/embedded/database";
import { createEmbeddedRpc } from "~/.server/embedded/rpc";
import type { Caller } from "~/.server/ports/accounts";
import { asLiveUser, openAuthSession, SEED, testDatabase } from "../support/database";
import {
  createPersonalDataWorld,
  DEMO_LAST_SIGN_IN,
  DEMO_PAID,
  DEMO_PENDING,
  DEMO_PLAIN_MESSAGE,
  DEMO_TRICKY_MESSAGE,
  OTHER_MARKER,
  type PersonalDataWorld,
} from "./world";

/**
 * public.my_personal_data() (supabase/migrations/20261203090200_personal_data_export.sql) on a real
 * PGlite, under RLS as PostgREST runs it: everything of the caller, nothing of anyone else,
 * nothing internal; a dead session and anon are refused. Also the port over the embedded Rpc
 * (app/.server/data/personal-data.ts).
 */
let db: Database;
let world: PersonalDataWorld;
beforeAll(async () => {
  db = await testDatabase();
  world = await createPersonalDataWorld(db);
});
afterAll(async () => {
  await db?.close();
});

type Export = Record<string, unknown> & {
  account: Record<string, unknown>;
  customers: Record<string, unknown>[];
  invoices: Record<string, unknown>[];
  payments: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  paper_optout_requests: Record<string, unknown>[];
};

const exportOf = async (userId: string, email: string): Promise<Export> =>
  (await asLiveUser(db, userId, email, (tx) => tx.query<{ v: Export }>("select public.my_personal_data() as v"))).rows[0]!.v;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe("the demo resident's export is complete", () => {
  test("the account: login e-mail, creation, activation, last sign-in", async () => {
    const d = await exportOf(SEED.demoUserId, SEED.demoEmail);
    expect(Object.keys(d).sort()).toEqual(["account", "customers", "generated_at", "invoices", "messages", "paper_optout_requests", "payments", "portal_name"]);
    expect(d.portal_name).toBe("Le Portail des Factures");
    expect(d.account).toEqual({
      email: "demo@demo.fr",
      created_at: expect.any(String),
      activated_at: expect.any(String),
      last_sign_in_at: expect.any(String),
    });
    expect(new Date(d.account.last_sign_in_at as string).toISOString()).toBe(DEMO_LAST_SIGN_IN);
  });

  test("the customer record, every invoice of it (every status, metadata only), newest first", async () => {
    const d = await exportOf(SEED.demoUserId, SEED.demoEmail);
    expect(d.customers).toEqual([
      { customer_number: "SISTEC560", display_name: "Test SISTEC560", email: "demo@demo.fr", paper_invoices: true, service_name: "Service Multi Services de démonstration" },
    ]);
    const { rows } = await db.pg.query<{ number: string }>("select number from portal.invoices where customer_id = $1 order by issued_on desc, number desc", [SEED.demoCustomerId]);
    expect(d.invoices.map((i) => i.number)).toEqual(rows.map((r) => r.number));
    expect(d.invoices.map((i) => i.status).sort()).toEqual(["paid", "paid", "treasury", "treasury", "unpaid", "unpaid"]);
    // The seed's unpaid 2017-020-002059, every field as the database holds it.
    const facts = { number: "2017-020-002059", issued_on: "2017-07-10", due_on: "2017-07-21", amount_cents: 24311, object: "Multi Services" };
    const where = { customer_number: "SISTEC560", service_name: "Service Multi Services de démonstration" };
    expect(d.invoices.find((i) => i.number === facts.number)).toEqual({ ...facts, status: "unpaid", paid_at: null, ...where });
    expect(d.invoices.find((i) => i.number === "2017-020-001512")?.paid_at).toEqual(expect.stringMatching(/^2017-04-18T/));
  });

  test("the payments: amount, invoices, provider, references, status, newest first", async () => {
    const d = await exportOf(SEED.demoUserId, SEED.demoEmail);
    expect(d.payments).toHaveLength(2);
    const paid = d.payments.find((p) => p.refdet === DEMO_PAID.refdet);
    expect(paid).toEqual({
      created_at: expect.stringMatching(/^2026-11-02T09:00:00/),
      amount_cents: DEMO_PAID.amountCents,
      invoice_numbers: [DEMO_PAID.invoiceNumber],
      provider: "payfip_ws",
      service_name: "Service Multi Services de démonstration",
      refdet: DEMO_PAID.refdet,
      idop: DEMO_PAID.idop,
      numauto: DEMO_PAID.numauto,
      status: "paid",
      transaction_at: expect.stringMatching(/^2026-11-02T09:03:00/),
    });
    expect(d.payments.find((p) => p.refdet === DEMO_PENDING.refdet)).toMatchObject({
      status: "pending",
      invoice_numbers: [DEMO_PENDING.invoiceNumber],
      idop: null,
      numauto: null,
      transaction_at: null,
    });
  });

  test("the messages to the service and the paper opt-out request", async () => {
    const d = await exportOf(SEED.demoUserId, SEED.demoEmail);
    expect(d.messages).toEqual([
      {
        created_at: expect.stringMatching(/^2026-11-04T10:00:00/),
        service_name: "Service Multi Services de démonstration",
        sender_name: "Test SISTEC560",
        sender_email: "demo@demo.fr",
        customer_numbers: ["SISTEC560"],
        subject: DEMO_TRICKY_MESSAGE.subject,
        body: DEMO_TRICKY_MESSAGE.body,
      },
      expect.objectContaining({ subject: DEMO_PLAIN_MESSAGE.subject, body: DEMO_PLAIN_MESSAGE.body }),
    ]);
    expect(d.paper_optout_requests).toEqual([
      { requested_at: expect.stringMatching(/^2026-11-05T11:00:00/), customer_number: "SISTEC560", service_name: "Service Multi Services de démonstration" },
    ]);
  });

  test("nothing internal: no id, no hash, no token, no session", async () => {
    // PayFiP's operation id (idOp) is shaped like a UUID: the one id that leaves, the provider's own reference.
    const text = JSON.stringify(await exportOf(SEED.demoUserId, SEED.demoEmail)).replaceAll(DEMO_PAID.idop, "idop");
    expect(text).not.toMatch(UUID);
    expect(text).not.toMatch(/\$2[aby]\$/); // a bcrypt hash
    for (const word of ["password", "token", "session", "client_key", "outbox", "customer_id", "account_id", "pdf"]) {
      expect(text, word).not.toContain(word);
    }
  });
});

describe("another account's data is never in the export", () => {
  test("two residents sharing nothing: neither sees a trace of the other", async () => {
    const demo = JSON.stringify(await exportOf(SEED.demoUserId, SEED.demoEmail));
    expect(demo).not.toContain(OTHER_MARKER);
    expect(demo).not.toContain(world.other.email);
    expect(demo).not.toContain("777777");
    const other = await exportOf(world.other.userId, world.other.email);
    const text = JSON.stringify(other);
    for (const demoMarker of ["SISTEC560", "demo@demo.fr", "2017-020-", DEMO_PAID.refdet, "Question sur ma facture"]) {
      expect(text, demoMarker).not.toContain(demoMarker);
    }
    expect(other.customers.map((c) => c.customer_number).sort()).toEqual([`C-${OTHER_MARKER}`, "DEPL01"]);
    expect(other.payments.map((p) => p.refdet)).toEqual(["OTHER7Q000001"]);
    expect(other.messages.map((m) => m.subject)).toEqual([`Objet ${OTHER_MARKER}`]);
    expect(other.paper_optout_requests.map((r) => r.customer_number)).toEqual([`C-${OTHER_MARKER}`]);
  });

  test("a customer record moved to another account: its invoices go with it, the former account keeps only its own requests", async () => {
    // A customer record has one account at a time (portal.customers.account_id): it cannot be
    // linked to two. The former account keeps its own payment and opt-out, without the record's
    // number nor its invoices' numbers, which are now the other account's.
    const former = await exportOf(world.former.userId, world.former.email);
    expect(former.customers).toEqual([]);
    expect(former.invoices).toEqual([]);
    expect(former.payments).toEqual([expect.objectContaining({ refdet: "DEPL0000001", amount_cents: 4321, invoice_numbers: [], service_name: null })]);
    expect(former.paper_optout_requests).toEqual([{ requested_at: expect.any(String), customer_number: null, service_name: null }]);
    expect(JSON.stringify(former)).not.toContain("DEPL01");
    expect(JSON.stringify(former)).not.toContain("F-DEPL-0001");

    const other = await exportOf(world.other.userId, world.other.email);
    expect(other.invoices.map((i) => i.number)).toContain("F-DEPL-0001");
    expect(JSON.stringify(other)).not.toContain("DEPL0000001");
    expect(JSON.stringify(other)).not.toContain(world.former.email);
  });
});

describe("who may call it", () => {
  test("a session that is not live is refused (PT401): ended, expired, another user's, none", async () => {
    const ended = await openAuthSession(db, SEED.demoUserId);
    await db.pg.query("delete from auth.sessions where id = $1", [ended]);
    const expired = await openAuthSession(db, SEED.demoUserId, new Date(Date.now() - 60_000));
    const others = await openAuthSession(db, world.other.userId);
    const base = { role: "authenticated" as const, userId: SEED.demoUserId, email: SEED.demoEmail };
    const callers: [string, Caller][] = [
      ["ended", { ...base, sessionId: ended }],
      ["expired", { ...base, sessionId: expired }],
      ["another user's session", { ...base, sessionId: others }],
      ["no session id", base],
    ];
    for (const [kind, caller] of callers) {
      await expect(db.run(caller, (tx) => tx.query("select public.my_personal_data()")), kind).rejects.toMatchObject({ code: "PT401" });
    }
  });

  test("anon and the service role cannot execute it; nobody reaches the Auth facts' helper but a resident", async () => {
    await expect(db.asAnon((tx) => tx.query("select public.my_personal_data()"))).rejects.toThrow(/permission denied/);
    await expect(db.asService((tx) => tx.query("select public.my_personal_data()"))).rejects.toThrow(/permission denied/);
    await expect(db.asAnon((tx) => tx.query("select portal.my_account_facts()"))).rejects.toThrow(/permission denied/);
  });

  test("the Auth facts' helper answers the caller's own row only", async () => {
    const facts = await asLiveUser(db, world.other.userId, world.other.email, (tx) => tx.query<{ v: { email: string } }>("select portal.my_account_facts() as v"));
    expect(facts.rows[0]!.v.email).toBe(world.other.email);
  });
});

describe("the port over the embedded Rpc", () => {
  const demoCaller = async (): Promise<Caller> => ({
    role: "authenticated",
    userId: SEED.demoUserId,
    email: SEED.demoEmail,
    sessionId: await openAuthSession(db, SEED.demoUserId),
  });

  test("maps the answer: ISO timestamps, numbers, the port's names", async () => {
    const data = await createResidentData(createEmbeddedRpc(db, await demoCaller())).personalData();
    expect(data.account).toEqual({ email: "demo@demo.fr", createdAt: expect.any(String), activatedAt: expect.any(String), lastSignInAt: DEMO_LAST_SIGN_IN });
    expect(data.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(data.invoices).toHaveLength(6);
    expect(data.invoices.find((i) => i.number === "2017-020-001512")).toMatchObject({ amountCents: 15620, status: "paid", paidAt: "2017-04-18T08:32:00.000Z" });
    expect(data.payments.find((p) => p.refdet === DEMO_PAID.refdet)).toMatchObject({
      provider: "payfip_ws",
      status: "paid",
      invoiceNumbers: [DEMO_PAID.invoiceNumber],
      transactionAt: "2026-11-02T09:03:00.000Z",
    });
    expect(data.messages[0]).toMatchObject({ subject: DEMO_TRICKY_MESSAGE.subject, customerNumbers: ["SISTEC560"] });
    expect(data.paperOptoutRequests).toEqual([{ requestedAt: "2026-11-05T11:00:00.000Z", customerNumber: "SISTEC560", serviceName: "Service Multi Services de démonstration" }]);
  });

  test("a dead session is a SessionEndedError", async () => {
    const sessionId = await openAuthSession(db, SEED.demoUserId);
    const caller: Caller = { role: "authenticated", userId: SEED.demoUserId, email: SEED.demoEmail, sessionId };
    await db.pg.query("delete from auth.sessions where id = $1", [sessionId]);
    await expect(createResidentData(createEmbeddedRpc(db, caller)).personalData()).rejects.toBeInstanceOf(SessionEndedError);
  });
});
