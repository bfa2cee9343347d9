import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { asLiveUser, openAuthSession, SEED, testDatabase } from "../support/database";
import { createCertificateWorld, DEMO_NUMBER, DEMO_SERVICE, OTHER_MARKER, PAID_2017, SERVICE_ADDRESS, WATER_SERVICE } from "./world";

/**
 * The certificates' SQL (supabase/migrations/20261204090200_payment_certificates.sql) on a real
 * PGlite, as the resident (RLS, live session): which years are listed, what one certificate
 * holds (only that year, only that record, paid with a date), and who may read it.
 */
let db: Database;
let world: Awaited<ReturnType<typeof createCertificateWorld>>;
beforeAll(async () => {
  db = await testDatabase();
  world = await createCertificateWorld(db);
});
afterAll(() => db?.close());

type Json = Record<string, unknown> | null;
const asDemo = <T>(fn: Parameters<typeof asLiveUser<T>>[3]) => asLiveUser(db, SEED.demoUserId, SEED.demoEmail, fn);
const page = async () => (await asDemo((tx) => tx.query<{ v: Json }>("select public.certificates_page() as v"))).rows[0]!.v as {
  frame: { display_name: string };
  customers: { customer_id: string; service_numcli: string; customer_number: string; display_name: string; service_name: string; years: number[] }[];
};
const DEMO_CUSTOMER = SEED.demoCustomerId;
const certificate = async (customerId: string, year: number | null) =>
  (await asDemo((tx) => tx.query<{ v: Json }>("select public.payment_certificate($1, $2) as v", [customerId, year]))).rows[0]!.v;

describe("public.certificates_page()", () => {
  it("lists every record of the caller with its years of payment, newest first, and nothing of another account", async () => {
    const p = await page();
    expect(p.frame.display_name).toContain("Test SISTEC560");
    expect(p.customers.map((c) => [c.customer_id, c.service_numcli, c.customer_number, c.years])).toEqual([
      [world.waterCustomer, WATER_SERVICE, DEMO_NUMBER, [2017]],
      [DEMO_CUSTOMER, DEMO_SERVICE, DEMO_NUMBER, [2019, 2018, 2017]],
    ]);
    expect(JSON.stringify(p)).not.toContain("VOIS01");
  });

  it("a record without any dated payment is listed with no year", async () => {
    const userId = world.other.userId;
    const { rows } = await asLiveUser(db, userId, world.other.email, (tx) => tx.query<{ v: { customers: { years: number[] }[] } }>("select public.certificates_page() as v"));
    expect(rows[0]!.v.customers.map((c) => c.years)).toEqual([[2017]]);
    await db.pg.query("update portal.invoices set status = 'unpaid', paid_at = null where number = $1", [OTHER_MARKER]);
    const { rows: after } = await asLiveUser(db, userId, world.other.email, (tx) => tx.query<{ v: { customers: { years: number[] }[] } }>("select public.certificates_page() as v"));
    expect(after[0]!.v.customers.map((c) => c.years)).toEqual([[]]);
    await db.pg.query("update portal.invoices set status = 'paid', paid_at = '2017-03-03 10:00:00+01' where number = $1", [OTHER_MARKER]);
  });
});

describe("public.payment_certificate(customer id, year)", () => {
  it("holds the invoices of that record paid that year, in payment order, their total, the service's name and address", async () => {
    expect(await certificate(DEMO_CUSTOMER, 2017)).toEqual({
      service: { numcli: DEMO_SERVICE, name: "Service Multi Services de démonstration", postal_address: SERVICE_ADDRESS },
      customer: { customer_number: DEMO_NUMBER, display_name: "Test SISTEC560" },
      year: 2017,
      invoices: PAID_2017.map((i) => ({ paid_on: i.paidOn, number: i.number, object: i.object, amount_cents: i.amountCents })),
      total_cents: 4200 + 15620,
    });
  });

  it("counts a payment in the year of its date in Paris (23:30 UTC on 31 December is next year)", async () => {
    const c = (await certificate(DEMO_CUSTOMER, 2018)) as { invoices: { number: string; paid_on: string }[]; total_cents: number };
    expect(c.invoices).toEqual([expect.objectContaining({ number: "CERT-2018-NOUVEL-AN", paid_on: "2018-01-01" })]);
    expect(c.total_cents).toBe(1000);
  });

  it("only that record: the same customer number in another service has its own certificate", async () => {
    const water = (await certificate(world.waterCustomer, 2017)) as { invoices: { number: string }[]; total_cents: number; service: { postal_address: unknown } };
    expect(water.invoices.map((i) => i.number)).toEqual(["CERT-EAU-2017"]);
    expect(water.total_cents).toBe(777);
    expect(water.service.postal_address).toBeNull();
  });

  it("null for a year without payment, an invoice paid without date or at the treasury, a year out of range, an unknown record", async () => {
    const all = JSON.stringify([await certificate(DEMO_CUSTOMER, 2017), await certificate(DEMO_CUSTOMER, 2019)]);
    expect(all).not.toContain("CERT-SANS-DATE");
    expect(all).not.toContain("CERT-TRESOR");
    for (const [customer, year] of [
      [DEMO_CUSTOMER, 2016],
      [world.waterCustomer, 2019],
      [DEMO_CUSTOMER, -5],
      [DEMO_CUSTOMER, 99999],
      [DEMO_CUSTOMER, null],
      ["c0000000-0000-4000-8000-0000000009ff", 2017],
    ] as const) {
      expect(await certificate(customer, year), `${customer}/${year}`).toBeNull();
    }
  });

  it("another resident's record is refused: null, as for a record that does not exist", async () => {
    expect(await certificate(world.other.customer_id, 2017)).toBeNull();
    // and the seed's Famille Nouveau (same service, not activated, paid in 2017)
    expect(await certificate(SEED.nouveauCustomerId, 2017)).toBeNull();
    const { rows } = await asLiveUser(db, world.other.userId, world.other.email, (tx) =>
      tx.query<{ v: { invoices: { number: string }[] } }>("select public.payment_certificate($1, 2017) as v", [world.other.customer_id]),
    );
    expect(rows[0]!.v.invoices.map((i) => i.number)).toEqual([OTHER_MARKER]);
  });

  it("a dead session gets PT401 and anon or the service role no access at all", async () => {
    const ended = await openAuthSession(db, SEED.demoUserId, new Date(Date.UTC(2020, 0, 1)));
    const caller = { role: "authenticated" as const, userId: SEED.demoUserId, email: SEED.demoEmail, sessionId: ended };
    for (const sql of ["select public.certificates_page()", `select public.payment_certificate('${DEMO_CUSTOMER}', 2017)`]) {
      await expect(db.run(caller, (tx) => tx.query(sql)), sql).rejects.toMatchObject({ code: "PT401" });
      await expect(db.asAnon((tx) => tx.query(sql))).rejects.toThrow(/permission denied/);
      await expect(db.asService((tx) => tx.query(sql))).rejects.toThrow(/permission denied/);
    }
  });
});
