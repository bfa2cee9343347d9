import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { asLiveUser, SEED, testDatabase } from "../support/database";
import { createAccount, createContract, link, linkMails, type Account } from "./world";

/**
 * « Rattacher un contrat » in SQL on a real PGlite (supabase/migrations/20261205090100_contract_links.sql,
 * docs/decisions/0040-contract-links.md): the proof, the one refusal for every mismatch, the
 * throttles and their retry times, the e-mail to the contract's address, the invoices visible
 * under RLS, and the staff undo (service role only).
 */
let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.close());

let accounts = 0;
const account = () => createAccount(db, `rattache${++accounts}@exemple.fr`);

/** The invoices the account sees, through the resident's reads under RLS. */
async function visibleInvoices(who: Account): Promise<string[]> {
  return asLiveUser(db, who.userId, who.email, async (tx) => {
    const { rows } = await tx.query<{ number: string }>("select number from portal.invoices order by number");
    return rows.map((r) => r.number);
  });
}

async function page<T>(who: Account, call: string): Promise<T> {
  return asLiveUser(db, who.userId, who.email, async (tx) => (await tx.query<{ p: T }>(`select public.${call} as p`)).rows[0]!.p);
}

const failures = async (key: string) =>
  (await db.pg.query<{ n: number }>("select coalesce(cardinality(failed_at), 0) as n from portal.contract_link_throttle where key = $1", [key])).rows[0]?.n ?? 0;

describe("the proof", () => {
  it("the right customer number, invoice number and amount link the contract: its invoices become visible (RLS), everywhere", async () => {
    const me = await account();
    const contract = await createContract(db);
    expect(await visibleInvoices(me)).toEqual([]);
    const answer = await link(db, me, contract);
    expect(answer).toEqual({ outcome: "linked", service_name: expect.any(String), customer_number: contract.customerNumber });
    expect(await visibleInvoices(me)).toEqual([contract.invoiceNumber]);
    // Mes factures and the home summary read customers by account_id.
    const invoices = await page<{ invoices: { number: string }[]; counts: Record<string, number> }>(me, "invoices_page('unpaid', 20)");
    expect(invoices.invoices.map((r) => r.number)).toEqual([contract.invoiceNumber]);
    expect(invoices.counts).toMatchObject({ unpaid: 1 });
    const home = await page<{ due: { services: { invoice_count: number; total_cents: number }[] } }>(me, "home_page()");
    expect(home.due.services).toEqual([expect.objectContaining({ invoice_count: 1, total_cents: contract.amountCents })]);
    const { rows } = await db.pg.query("select account_id, account_email, method, undone_at from portal.contract_links where customer_id = $1", [contract.customerId]);
    expect(rows).toEqual([{ account_id: me.userId, account_email: me.email, method: "manual", undone_at: null }]);
  });

  it("the invoice's status does not matter (a paid invoice proves it too), nor surrounding spaces", async () => {
    const me = await account();
    const contract = await createContract(db);
    await db.pg.query("update portal.invoices set status = 'paid', paid_at = now() where number = $1", [contract.invoiceNumber]);
    expect((await link(db, me, { ...contract, customerNumber: ` ${contract.customerNumber} `, invoiceNumber: ` ${contract.invoiceNumber}` })).outcome).toBe("linked");
  });

  it("a wrong amount, a wrong invoice number, an unknown customer, another service: the same refusal, nothing linked", async () => {
    const me = await account();
    const contract = await createContract(db);
    const other = await createContract(db);
    const tries = [
      { ...contract, amountCents: contract.amountCents + 1 },
      { ...contract, invoiceNumber: "2026-077-999999" },
      { ...contract, customerNumber: "INCONNU01" },
      // The other contract's invoice does not prove this one.
      { ...contract, invoiceNumber: other.invoiceNumber, amountCents: other.amountCents },
      { ...contract, serviceId: "5e000000-0000-4000-8000-000000004281" },
    ];
    for (const proof of tries) expect(await link(db, me, proof)).toEqual({ outcome: "refused" });
    expect(await visibleInvoices(me)).toEqual([]);
    expect(await linkMails(db, contract.email!)).toEqual([]);
  });

  it("a contract linked to another account is refused without saying which, once the proof is right", async () => {
    const first = await account();
    const second = await account();
    const contract = await createContract(db);
    expect((await link(db, first, contract)).outcome).toBe("linked");
    expect(await link(db, second, contract)).toEqual({ outcome: "linked_elsewhere" });
    expect(await visibleInvoices(second)).toEqual([]);
    // A wrong proof on it is the generic refusal, not "linked elsewhere".
    expect(await link(db, second, { ...contract, amountCents: 1 })).toEqual({ outcome: "refused" });
    // The automatic e-mail rule's records are "elsewhere" too: demo's own contract.
    expect((await link(db, second, { customerNumber: "SISTEC560", invoiceNumber: "2017-020-002059", amountCents: await amountOf("2017-020-002059") })).outcome).toBe(
      "linked_elsewhere",
    );
  });

  it("linking again one's own contract says so and records nothing more", async () => {
    const me = await account();
    const contract = await createContract(db);
    await link(db, me, contract);
    expect((await link(db, me, contract)).outcome).toBe("already_yours");
    expect((await db.pg.query("select 1 from portal.contract_links where customer_id = $1", [contract.customerId])).rows).toHaveLength(1);
    expect(await linkMails(db, contract.email!)).toHaveLength(1);
  });

  it("a dead session is refused (PT401), anon and the service role may not call it", async () => {
    const me = await account();
    const contract = await createContract(db);
    await expect(db.asUser(me.userId, me.email, (tx) => tx.query("select public.link_contract($1, 'X', 'Y', 1)", [SEED.serviceId]))).rejects.toThrow(
      /session_ended/,
    );
    await expect(db.asAnon((tx) => tx.query("select public.link_contract($1, 'X', 'Y', 1)", [SEED.serviceId]))).rejects.toThrow(/permission denied/);
    await expect(db.asService((tx) => tx.query("select public.link_contract($1, 'X', 'Y', 1)", [SEED.serviceId]))).rejects.toThrow(/permission denied/);
    expect(await visibleInvoices(me)).not.toContain(contract.invoiceNumber);
  });
});

async function amountOf(number: string): Promise<number> {
  return Number((await db.pg.query<{ a: string }>("select amount_cents as a from portal.invoices where number = $1", [number])).rows[0]!.a);
}

describe("the throttles", () => {
  it("per account: the 6th try within an hour is refused until the oldest failure is an hour old, and not counted", async () => {
    const me = await account();
    const contract = await createContract(db);
    for (let i = 0; i < 5; i += 1) expect((await link(db, me, { ...contract, customerNumber: `FAUX${i}` })).outcome).toBe("refused");
    const throttled = await link(db, me, contract);
    expect(throttled.outcome).toBe("throttled");
    const { rows } = await db.pg.query<{ oldest: Date }>("select failed_at[1] as oldest from portal.contract_link_throttle where key = $1", [`account:${me.userId}`]);
    expect(new Date(throttled.retry_at!).getTime()).toBe(rows[0]!.oldest.getTime() + 3_600_000);
    expect(await failures(`account:${me.userId}`)).toBe(5);
    // Even the right proof waits: nothing linked.
    expect(await visibleInvoices(me)).toEqual([]);
    // An hour later (the failures moved back in time), the right proof links.
    await db.pg.query("update portal.contract_link_throttle set failed_at = array(select f - interval '61 minutes' from unnest(failed_at) f) where key = $1", [
      `account:${me.userId}`,
    ]);
    expect((await link(db, me, contract)).outcome).toBe("linked");
  });

  it("per contract: 5 failures in a day from anyone hold every account on it, other contracts stay open", async () => {
    const contract = await createContract(db);
    const other = await createContract(db);
    const [a, b, c] = [await account(), await account(), await account()];
    for (const who of [a, a, a, b, b]) expect((await link(db, who, { ...contract, amountCents: 1 })).outcome).toBe("refused");
    const held = await link(db, c, contract);
    expect(held.outcome).toBe("throttled");
    const key = `customer:${SEED.serviceId}:${contract.customerNumber.toLowerCase()}`;
    const { rows } = await db.pg.query<{ oldest: Date }>("select failed_at[1] as oldest from portal.contract_link_throttle where key = $1", [key]);
    expect(new Date(held.retry_at!).getTime()).toBe(rows[0]!.oldest.getTime() + 86_400_000);
    // The same number typed in another case is the same key.
    expect((await link(db, c, { ...contract, customerNumber: contract.customerNumber.toLowerCase() })).outcome).toBe("throttled");
    expect((await link(db, c, other)).outcome).toBe("linked");
    // c's success lifted nothing on the held contract.
    expect(await failures(key)).toBe(5);
    expect((await link(db, c, contract)).outcome).toBe("throttled");
  });

  it("an unknown customer number is counted exactly like a known one (no oracle)", async () => {
    const me = await account();
    for (let i = 0; i < 5; i += 1) await link(db, me, { customerNumber: "N-EXISTE-PAS", invoiceNumber: `X${i}`, amountCents: 100 });
    expect(await failures(`customer:${SEED.serviceId}:n-existe-pas`)).toBe(5);
  });
});

describe("the e-mail to the contract's address", () => {
  it("is written once, in the same transaction, with the account's address masked and what to do", async () => {
    const me = await createAccount(db, "jeanne.martin@exemple.fr");
    const contract = await createContract(db);
    await link(db, me, contract);
    const mails = await linkMails(db, contract.email!);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Portail des factures : votre contrat n° ${contract.customerNumber} a été rattaché à un compte`);
    expect(mails[0]!.text_body).toContain("rattaché au compte j***@exemple.fr du portail des factures");
    expect(mails[0]!.text_body).toContain("contactez le service (répondez à ce courriel) : il annulera ce rattachement");
    expect(mails[0]!.text_body).not.toContain("jeanne.martin");
    expect(mails[0]!.reply_to).toBeTruthy();
    // Nothing to the account's own address.
    expect((await db.pg.query("select 1 from portal.email_outbox where to_address = $1", [me.email])).rows).toEqual([]);
  });

  it("is not written for a contract without an e-mail", async () => {
    const me = await account();
    const contract = await createContract(db, { email: null });
    expect((await link(db, me, contract)).outcome).toBe("linked");
    expect((await db.pg.query("select 1 from portal.email_outbox where kind = 'contract_linked' and text_body like $1", [`%${contract.customerNumber}%`])).rows).toEqual([]);
  });
});

describe("staff", () => {
  const unlink = (linkId: string, reason = "Rattachement contesté par le titulaire") =>
    db.asService(async (tx) => (await tx.query<{ r: { outcome: string } }>("select public.staff_unlink_contract($1, $2, 'Agent Dupont') as r", [linkId, reason])).rows[0]!.r);
  const linkIdOf = async (customerId: string) =>
    (await db.pg.query<{ id: string }>("select id from portal.contract_links where customer_id = $1", [customerId])).rows[0]!.id;

  it("the view lists the link; undoing it records who, when, why, and the resident loses the invoices", async () => {
    const me = await account();
    const contract = await createContract(db);
    await link(db, me, contract);
    const id = await linkIdOf(contract.customerId);
    const listed = await db.asService((tx) => tx.query("select customer_number, account_email, undone, current from portal.staff_contract_links where link_id = $1", [id]));
    expect(listed.rows).toEqual([{ customer_number: contract.customerNumber, account_email: me.email, undone: false, current: true }]);
    expect(await unlink(id)).toEqual({ outcome: "undone" });
    expect(await visibleInvoices(me)).toEqual([]);
    const { rows } = await db.pg.query("select undone_by, undo_reason, undone_at is not null as at from portal.contract_links where id = $1", [id]);
    expect(rows).toEqual([{ undone_by: "Agent Dupont", undo_reason: "Rattachement contesté par le titulaire", at: true }]);
    expect(await unlink(id)).toEqual({ outcome: "already_undone" });
    // The contract is free again: the right proof links it again (a new link row).
    expect((await link(db, me, contract)).outcome).toBe("linked");
  });

  it("undoing gives the contract back to the account carrying its e-mail (the automatic rule)", async () => {
    const me = await account();
    const contract = await createContract(db);
    await link(db, me, contract);
    // The contract's holder activates later: the record stays with the manual link meanwhile.
    const holder = await createAccount(db, contract.email!);
    expect(await visibleInvoices(holder)).toEqual([]);
    expect(await unlink(await linkIdOf(contract.customerId))).toEqual({ outcome: "undone" });
    expect(await visibleInvoices(holder)).toEqual([contract.invoiceNumber]);
    expect(await visibleInvoices(me)).toEqual([]);
  });

  it("a link whose account now carries the contract's e-mail is not undone (email_match)", async () => {
    const me = await account();
    const contract = await createContract(db);
    await link(db, me, contract);
    await db.pg.query("update auth.users set email = $2 where id = $1", [me.userId, contract.email]);
    expect(await unlink(await linkIdOf(contract.customerId))).toEqual({ outcome: "email_match" });
    expect(await visibleInvoices({ ...me, email: contract.email! })).toEqual([contract.invoiceNumber]);
  });

  it("a reason is required; an unknown link says so; only the service role may undo or read the view", async () => {
    const me = await account();
    const contract = await createContract(db);
    await link(db, me, contract);
    const id = await linkIdOf(contract.customerId);
    await expect(unlink(id, " ")).rejects.toThrow(/reason is required/);
    expect(await unlink("00000000-0000-4000-8000-000000000000")).toEqual({ outcome: "unknown" });
    await expect(asLiveUser(db, me.userId, me.email, (tx) => tx.query("select public.staff_unlink_contract($1, 'x', 'y')", [id]))).rejects.toThrow(/permission denied/);
    await expect(db.asAnon((tx) => tx.query("select public.staff_unlink_contract($1, 'x', 'y')", [id]))).rejects.toThrow(/permission denied/);
    await expect(asLiveUser(db, me.userId, me.email, (tx) => tx.query("select * from portal.staff_contract_links"))).rejects.toThrow(/permission denied/);
    await expect(asLiveUser(db, me.userId, me.email, (tx) => tx.query("select * from portal.contract_links"))).rejects.toThrow(/permission denied/);
    await expect(asLiveUser(db, me.userId, me.email, (tx) => tx.query("select * from portal.contract_link_throttle"))).rejects.toThrow(/permission denied/);
    expect(await visibleInvoices(me)).toEqual([contract.invoiceNumber]);
  });
});

describe("the page", () => {
  it("lists every service of the portal, not only the resident's, with the frame", async () => {
    const me = await account();
    const p = await page<{ frame: { display_name: string }; services: { service_id: string; service_name: string }[] }>(me, "contract_link_page()");
    const { rows } = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.services");
    expect(p.services).toHaveLength(rows[0]!.n);
    expect(p.services.map((s) => s.service_id)).toContain(SEED.serviceId);
    expect(p.frame.display_name).toBe(me.email);
  });
});
