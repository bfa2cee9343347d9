import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAuthUser, SEED, testDatabase } from "../support/database";
import type { Database } from "~/.server/embedded/database";

let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

async function accountOf(customerId: string): Promise<string | null> {
  const { rows } = await db.pg.query<{ account_id: string | null }>(
    "select account_id from portal.customers where id = $1",
    [customerId],
  );
  return rows[0]!.account_id;
}

async function addCustomer(number: string, email: string | null): Promise<string> {
  const { rows } = await db.asService((tx) =>
    tx.query<{ id: string }>(
      `insert into portal.customers (service_id, customer_number, display_name, email)
       values ($1, $2, 'Client', $3) returning id`,
      [SEED.serviceId, number, email],
    ),
  );
  return rows[0]!.id;
}

describe("customer ↔ account linking", () => {
  test("the seed's demo customer is linked to the demo account, nouveau@demo.fr to none", async () => {
    expect(await accountOf(SEED.demoCustomerId)).toBe(SEED.demoUserId);
    expect(await accountOf(SEED.nouveauCustomerId)).toBeNull();
  });

  test("creating an account links every customer that carries its e-mail", async () => {
    const second = await addCustomer("NOUV0002", "nouveau@demo.fr");
    const userId = await createAuthUser(db, "nouveau@demo.fr");
    expect(await accountOf(SEED.nouveauCustomerId)).toBe(userId);
    expect(await accountOf(second)).toBe(userId);
  });

  test("a customer added later is linked to the existing account with its e-mail", async () => {
    const id = await addCustomer("DEMO0002", "demo@demo.fr");
    expect(await accountOf(id)).toBe(SEED.demoUserId);
  });

  test("a customer whose e-mail changes moves to the matching account, or to none", async () => {
    const id = await addCustomer("MOVE0001", "demo@demo.fr");
    const setEmail = (email: string | null) =>
      db.asService((tx) => tx.query("update portal.customers set email = $2 where id = $1", [id, email]));
    await setEmail("personne@exemple.fr");
    expect(await accountOf(id)).toBeNull();
    const userId = await createAuthUser(db, "quelquun@exemple.fr");
    await setEmail("quelquun@exemple.fr");
    expect(await accountOf(id)).toBe(userId);
    await setEmail(null);
    expect(await accountOf(id)).toBeNull();
  });

  test("an account whose e-mail changes keeps its customers and gains the free ones of its new e-mail", async () => {
    const userId = await createAuthUser(db, "ancienne@exemple.fr");
    const oldCustomer = await addCustomer("OLD0001", "ancienne@exemple.fr");
    const newCustomer = await addCustomer("NEW0001", "nouvelle@exemple.fr");
    expect(await accountOf(oldCustomer)).toBe(userId);
    await db.pg.query("update auth.users set email = 'nouvelle@exemple.fr' where id = $1", [userId]);
    expect(await accountOf(oldCustomer)).toBe(userId);
    expect(await accountOf(newCustomer)).toBe(userId);
  });

  test("a new account never takes over a customer record another account holds", async () => {
    const first = await createAuthUser(db, "premier@exemple.fr");
    const customer = await addCustomer("HELD0001", "premier@exemple.fr");
    await db.pg.query("update auth.users set email = 'premier.nouveau@exemple.fr' where id = $1", [first]);
    await createAuthUser(db, "premier@exemple.fr");
    expect(await accountOf(customer)).toBe(first);
  });

  test("a resident cannot change which account a customer belongs to", async () => {
    await expect(
      db.asUser(SEED.demoUserId, SEED.demoEmail, (tx) =>
        tx.query("update portal.customers set account_id = $1", [SEED.demoUserId]),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
