import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEmbeddedDataPort } from "~/.server/embedded/backend";
import { migrations, openDatabase, type Database } from "~/.server/embedded/database";
import { SEED, testDatabase } from "../support/database";

let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe("migrations", () => {
  test("are recorded once each, like the Supabase CLI, and re-opening applies nothing", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "portail-db-"));
    try {
      const first = await openDatabase({ dataDir, seed: true });
      expect(first.appliedMigrations).toEqual(migrations.map((m) => `${m.version}_${m.name}`));
      expect(first.seeded).toBe(true);
      await first.close();

      const again = await openDatabase({ dataDir, seed: true });
      expect(again.appliedMigrations).toEqual([]);
      expect(again.seeded).toBe(false);
      const { rows } = await again.pg.query<{ version: string; name: string }>(
        "select version, name from supabase_migrations.schema_migrations order by version",
      );
      expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
      const invoices = await again.pg.query<{ n: number }>("select count(*)::int as n from portal.invoices");
      expect(invoices.rows[0]!.n).toBe(38); // the seed ran once (8 demo + 17 for the payment e2e + 2 for the account-closure e2e + 4 for the keyboard journey + 3 for Mes paiements + 2 for Rattacher un contrat + 2 for the reminders e2e)
      // A database built from migrations that are no longer in the repository is refused with
      // what to do, before any migration runs.
      await again.pg.query("insert into supabase_migrations.schema_migrations (version, name) values ('20261126170000', 'portal_foundation')");
      await again.close();
      await expect(openDatabase({ dataDir, seed: true })).rejects.toThrow(/20261126170000.*npm run db:reset/);

      // The seed PDFs were copied into the embedded file store.
      const pdf = await readFile(join(dataDir, "storage/invoices/004200/2017-020-002059.pdf"), "latin1");
      expect(pdf.startsWith("%PDF-1.7")).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("seed", () => {
  test("invoice 2017-020-002059 is the one of the manual", async () => {
    const { rows } = await db.pg.query(
      `select number, to_char(issued_on, 'DD/MM/YYYY') as issued_on, to_char(due_on, 'DD/MM/YYYY') as due_on,
              amount_cents::int as amount_cents, object, status::text as status, pdf_object_key, customer_id
       from portal.invoices where number = '2017-020-002059'`,
    );
    expect(rows).toEqual([
      {
        number: "2017-020-002059",
        issued_on: "10/07/2017",
        due_on: "21/07/2017",
        amount_cents: 24311,
        object: "Multi Services",
        status: "unpaid",
        pdf_object_key: "004200/2017-020-002059.pdf",
        customer_id: SEED.demoCustomerId,
      },
    ]);
  });

  test("the demo account is active and its password is demo-factures", async () => {
    const { rows } = await db.pg.query<{ encrypted_password: string; email_confirmed_at: Date | null }>(
      "select encrypted_password, email_confirmed_at from auth.users where email = 'demo@demo.fr'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.email_confirmed_at).not.toBeNull();
    expect(await bcrypt.compare("demo-factures", rows[0]!.encrypted_password)).toBe(true);
    expect(await bcrypt.compare("mauvais", rows[0]!.encrypted_password)).toBe(false);
    const identities = await db.pg.query("select provider from auth.identities where user_id = $1", [SEED.demoUserId]);
    expect(identities.rows).toEqual([{ provider: "email" }]);
  });

  test("demo has invoices in each of the three states; nouveau@demo.fr has no account yet", async () => {
    const { rows } = await db.pg.query<{ status: string }>(
      "select distinct status::text as status from portal.invoices where customer_id = $1 order by 1",
      [SEED.demoCustomerId],
    );
    expect(rows.map((r) => r.status)).toEqual(["paid", "treasury", "unpaid"]);
    const nouveau = await db.pg.query("select 1 from auth.users where email = 'nouveau@demo.fr'");
    expect(nouveau.rows).toEqual([]);
  });

  test("the payment e2e resident paiement@demo.fr is active, in three services (one TIPI one-at-a-time, one suspended)", async () => {
    const { rows } = await db.pg.query<{ encrypted_password: string; email_confirmed_at: Date | null }>(
      "select encrypted_password, email_confirmed_at from auth.users where email = 'paiement@demo.fr'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.email_confirmed_at).not.toBeNull();
    expect(await bcrypt.compare("paiement-factures", rows[0]!.encrypted_password)).toBe(true);
    const services = await db.pg.query(
      `select s.numcli, s.payment_provider::text as provider, s.allow_multiple_invoices as multiple, s.payment_suspended as suspended,
              count(i.*)::int as unpaid
       from portal.customers c join portal.services s on s.id = c.service_id
       left join portal.invoices i on i.customer_id = c.id and i.status = 'unpaid'
       where c.account_id = 'd0000000-0000-4000-8000-000000000010'
       group by 1, 2, 3, 4 order by 1`,
    );
    expect(services.rows).toEqual([
      { numcli: "004200", provider: "payfip_ws", multiple: true, suspended: false, unpaid: 11 },
      { numcli: "004281", provider: "tipi", multiple: false, suspended: false, unpaid: 5 },
      { numcli: "004282", provider: "payfip_ws", multiple: true, suspended: true, unpaid: 1 },
    ]);
  });

  test("every seed invoice has a real PDF in supabase/storage/invoices", async () => {
    const { rows } = await db.pg.query<{ key: string | null }>("select pdf_object_key as key from portal.invoices");
    expect(rows.length).toBeGreaterThan(0);
    for (const { key } of rows) {
      expect(key).not.toBeNull();
      const pdf = await readFile(join("supabase/storage/invoices", key!), "latin1");
      expect(pdf.startsWith("%PDF-1.7")).toBe(true);
      // The xref offsets point at the objects they name.
      const xrefAt = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)![1]);
      expect(pdf.slice(xrefAt, xrefAt + 4)).toBe("xref");
      const offsets = [...pdf.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
      offsets.forEach((offset, i) => expect(pdf.slice(offset).startsWith(`${i + 1} 0 obj`)).toBe(true));
    }
  });
});

describe("embedded DataPort", () => {
  test("ping() and portalPublicInfo() go through the SQL functions", async () => {
    const port = createEmbeddedDataPort(db);
    await expect(port.ping()).resolves.toBeUndefined();
    await expect(port.portalPublicInfo()).resolves.toEqual({ portalName: "Le Portail des Factures" });
  });
});
