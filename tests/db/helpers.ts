/**
 * The RLS world of the SQL tests in tests/db/: two residents with rows of their own in every
 * table, acting as one of them, anon or the service role, and the standard policy tests.
 * The database itself (migrated snapshot, seed facts, auth users) is tests/support/database.ts.
 */
import { expect, test } from "vitest";
import type { Database, Tx } from "~/.server/embedded/database";
import { asLiveUser, createAuthUser, SEED, testDatabase } from "../support/database";

export interface Resident {
  userId: string;
  email: string;
  customerId: string;
  serviceId: string;
  invoiceIds: string[];
  attemptId: string;
  messageId: string;
  optoutId: string;
}

export interface World {
  db: Database;
  demo: Resident;
  other: Resident;
}

/**
 * Two residents with one row of their own in every resident-visible table: the seed's demo
 * account (service 004200) and a second resident of another service (004201), created here as
 * service_role; plus rows in the service-only tables (outbox, payment events, login throttle).
 */
export async function createWorld(): Promise<World> {
  const db = await testDatabase();
  const otherEmail = "autre.habitant@exemple.fr";
  const otherUserId = await createAuthUser(db, otherEmail);

  const ids = await db.asService(async (tx) => {
    const one = async <T>(sql: string, params: unknown[] = []) =>
      (await tx.query<T>(sql, params)).rows[0]!;
    const service = await one<{ id: string }>(
      `insert into portal.services (name, numcli) values ('Régie des eaux de test', '004201') returning id`,
    );
    const customer = await one<{ id: string; account_id: string | null }>(
      `insert into portal.customers (service_id, customer_number, display_name, email)
       values ($1, 'AUTRE01', 'Autre Habitant', $2) returning id, account_id`,
      [service.id, otherEmail],
    );
    const invoice = await one<{ id: string }>(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, pdf_object_key)
       values ($1, $2, '2024-001-000001', '2024-03-01', '2024-03-31', 5000, 'Eau potable', '004201/2024-001-000001.pdf')
       returning id`,
      [service.id, customer.id],
    );
    const attempt = async (serviceId: string, accountId: string, refdet: string, invoiceId: string, amount: number) => {
      const a = await one<{ id: string }>(
        `insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie)
         select s.id, $2, $3, $4, s.payment_provider, s.numcli, s.saisie from portal.services s where s.id = $1
         returning id`,
        [serviceId, accountId, refdet, amount],
      );
      await tx.query(
        `insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) values ($1, $2, $3)`,
        [a.id, invoiceId, amount],
      );
      return a.id;
    };
    const demoAttempt = await attempt(SEED.serviceId, SEED.demoUserId, "DEMO2017020002059", SEED.invoice2059Id, 24311);
    const otherAttempt = await attempt(service.id, otherUserId, "AUTRE2024001000001", invoice.id, 5000);
    const message = async (accountId: string, serviceId: string, email: string) =>
      (await one<{ id: string }>(
        `insert into portal.contact_messages (account_id, service_id, sender_email, sender_name, body)
         values ($1, $2, $3, 'Test', 'Bonjour, une question sur ma facture.') returning id`,
        [accountId, serviceId, email],
      )).id;
    const optout = async (accountId: string, customerId: string) =>
      (await one<{ id: string }>(
        `insert into portal.paper_optout_requests (account_id, customer_id) values ($1, $2) returning id`,
        [accountId, customerId],
      )).id;
    await tx.query(
      `insert into portal.email_outbox (kind, to_address, subject, html_body, text_body)
       values ('contact_message', 'contact@multiservices-demo.fr', 'Message', '<p>x</p>', 'x')`,
    );
    await tx.query(`insert into portal.payment_events (attempt_id, kind, payload) values ($1, 'notification', '{}')`, [demoAttempt]);
    await tx.query(`insert into portal.login_throttle (key, failures) values ('email:demo@demo.fr', 2), ('ip:203.0.113.7', 1)`);
    return {
      serviceId: service.id,
      customerId: customer.id,
      linkedTo: customer.account_id,
      invoiceId: invoice.id,
      demoAttempt,
      otherAttempt,
      demoMessage: await message(SEED.demoUserId, SEED.serviceId, SEED.demoEmail),
      otherMessage: await message(otherUserId, service.id, otherEmail),
      demoOptout: await optout(SEED.demoUserId, SEED.demoCustomerId),
      otherOptout: await optout(otherUserId, customer.id),
    };
  });
  expect(ids.linkedTo).toBe(otherUserId);

  const demoInvoices = await db.pg.query<{ id: string }>(
    "select id from portal.invoices where customer_id = $1 order by id",
    [SEED.demoCustomerId],
  );
  return {
    db,
    demo: {
      userId: SEED.demoUserId,
      email: SEED.demoEmail,
      customerId: SEED.demoCustomerId,
      serviceId: SEED.serviceId,
      invoiceIds: demoInvoices.rows.map((r) => r.id),
      attemptId: ids.demoAttempt,
      messageId: ids.demoMessage,
      optoutId: ids.demoOptout,
    },
    other: {
      userId: otherUserId,
      email: otherEmail,
      customerId: ids.customerId,
      serviceId: ids.serviceId,
      invoiceIds: [ids.invoiceId],
      attemptId: ids.otherAttempt,
      messageId: ids.otherMessage,
      optoutId: ids.otherOptout,
    },
  };
}

export type Who = "demo" | "other" | "anon" | "service";

/** Runs fn as one of the world's callers, as PostgREST would (residents in a live session). */
export function as<T>(world: World, who: Who, fn: (tx: Tx) => Promise<T>): Promise<T> {
  switch (who) {
    case "demo":
      return asLiveUser(world.db, world.demo.userId, world.demo.email, fn);
    case "other":
      return asLiveUser(world.db, world.other.userId, world.other.email, fn);
    case "anon":
      return world.db.asAnon(fn);
    case "service":
      return world.db.asService(fn);
  }
}

/** The keys (`keySql`, e.g. `id::text`) of the rows of `portal.<table>` that `who` can select. */
export async function visibleKeys(world: World, who: Who, table: string, keySql = "id::text"): Promise<string[]> {
  const { rows } = await as(world, who, (tx) =>
    tx.query<{ k: string }>(`select ${keySql} as k from portal.${table} order by 1`),
  );
  return rows.map((r) => r.k);
}

/** The keys of every row of the table, read as the database owner (no RLS). */
export async function allKeys(world: World, table: string, keySql = "id::text"): Promise<string[]> {
  const { rows } = await world.db.pg.query<{ k: string }>(`select ${keySql} as k from portal.${table} order by 1`);
  return rows.map((r) => r.k);
}

export async function expectPermissionDenied(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toThrow(/permission denied/);
}

/**
 * The standard tests of a table's policies (basejump style): `expected(world)` gives the keys
 * each resident must see (exactly); anon sees nothing (it cannot even reach the schema); the
 * service role sees every row; residents and anon can neither insert, update nor delete.
 */
export function tableRlsTests(options: {
  table: string;
  keySql?: string;
  updateColumn: string;
  getWorld: () => World;
  /** Rows each resident sees; `null` for service-only tables (no grant: reading raises). */
  expected: ((world: World) => { demo: string[]; other: string[] }) | null;
}) {
  const { table, keySql = "id::text", updateColumn, getWorld } = options;

  const expectedFor = options.expected;
  if (expectedFor) {
    test(`each resident sees exactly their own rows of ${table}`, async () => {
      const world = getWorld();
      const expected = expectedFor(world);
      expect(await visibleKeys(world, "demo", table, keySql)).toEqual([...expected.demo].sort());
      expect(await visibleKeys(world, "other", table, keySql)).toEqual([...expected.other].sort());
    });
  } else {
    test(`residents cannot read ${table} at all`, async () => {
      const world = getWorld();
      await expectPermissionDenied(visibleKeys(world, "demo", table, keySql));
      await expectPermissionDenied(visibleKeys(world, "other", table, keySql));
    });
  }

  test(`an anonymous visitor cannot read ${table}`, async () => {
    await expectPermissionDenied(visibleKeys(getWorld(), "anon", table, keySql));
  });

  test(`the service role sees every row of ${table}`, async () => {
    const world = getWorld();
    const all = await allKeys(world, table, keySql);
    expect(all.length).toBeGreaterThan(0);
    expect(await visibleKeys(world, "service", table, keySql)).toEqual(all);
  });

  for (const who of ["demo", "anon"] as const) {
    const label = who === "demo" ? "a resident" : "an anonymous visitor";
    test(`${label} cannot insert, update or delete rows of ${table}`, async () => {
      const world = getWorld();
      await expectPermissionDenied(as(world, who, (tx) => tx.query(`insert into portal.${table} default values`)));
      await expectPermissionDenied(
        as(world, who, (tx) => tx.query(`update portal.${table} set ${updateColumn} = ${updateColumn}`)),
      );
      await expectPermissionDenied(as(world, who, (tx) => tx.query(`delete from portal.${table}`)));
      // Nothing changed, and the session is clean for the next caller.
      expect((await allKeys(world, table, keySql)).length).toBeGreaterThan(0);
    });
  }
}
