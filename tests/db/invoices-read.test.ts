import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { as, createWorld, expectPermissionDenied, type Who, type World } from "./helpers";
import { SEED } from "../support/database";

/**
 * The SQL functions behind /accueil, /factures, /factures/:id and the PDFs
 * (supabase/migrations/20261126000200_invoices.sql), on a real PGlite with two residents
 * and an anonymous visitor: RLS decides, the functions add no owner filter of their own.
 */
let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

async function invoiceNumbers(who: Who, status: string, limit = 100, before: [string, string] | null = null) {
  const { rows } = await as(world, who, (tx) =>
    tx.query<{ number: string }>("select number from public.my_invoices($1, $2, $3, $4)", [status, limit, before?.[0] ?? null, before?.[1] ?? null]),
  );
  return rows.map((r) => r.number);
}

describe("public.my_invoices", () => {
  test("each resident gets only their own invoices of the tab, newest first", async () => {
    expect(await invoiceNumbers("demo", "unpaid")).toEqual(["2017-020-002410", "2017-020-002059"]);
    expect(await invoiceNumbers("demo", "paid")).toEqual(["2017-020-001512", "2017-020-000731"]);
    expect(await invoiceNumbers("demo", "treasury")).toEqual(["2016-020-003305", "2016-020-002118"]);
    expect(await invoiceNumbers("other", "unpaid")).toEqual(["2024-001-000001"]);
    expect(await invoiceNumbers("other", "paid")).toEqual([]);
  });

  test("returns the columns of the tab, the customer and the service", async () => {
    const { rows } = await as(world, "demo", (tx) =>
      tx.query(
        `select number, to_char(issued_on, 'DD/MM/YYYY') as issued_on, to_char(due_on, 'DD/MM/YYYY') as due_on, amount_cents,
                object, status::text as status, customer_id, customer_number, customer_name, service_name
         from public.my_invoices('unpaid', 1, '2017-10-09', null)`,
      ),
    );
    expect(rows).toEqual([
      {
        number: "2017-020-002059",
        issued_on: "10/07/2017",
        due_on: "21/07/2017",
        amount_cents: 24311,
        object: "Multi Services",
        status: "unpaid",
        customer_id: SEED.demoCustomerId,
        customer_number: "SISTEC560",
        customer_name: "Test SISTEC560",
        service_name: "Service Multi Services de démonstration",
      },
    ]);
  });

  test("an anonymous visitor may not call it", async () => {
    await expectPermissionDenied(as(world, "anon", (tx) => tx.query("select * from public.my_invoices('unpaid', 10)")));
  });

  test("keyset pages cover every invoice once, ties on the date included, and the limit is clamped to 1..100", async () => {
    // 130 invoices for the second resident, 3 per day (same date: order by id).
    await as(world, "service", (tx) =>
      tx.query(
        `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, status)
         select $1, $2, 'P-' || lpad(g::text, 4, '0'), date '2020-01-01' + (g / 3), date '2020-01-01' + (g / 3) + 10, g * 100, 'Eau', 'paid'
         from generate_series(1, 130) g`,
        [world.other.serviceId, world.other.customerId],
      ),
    );
    const { rows: all } = await as(world, "other", (tx) =>
      tx.query<{ id: string; issued_on: string }>(
        "select id, to_char(issued_on, 'YYYY-MM-DD') as issued_on from public.my_invoices('paid', 1000)",
      ),
    );
    expect(all).toHaveLength(100);

    const seen: string[] = [];
    let cursor: [string, string] | null = null;
    for (let page = 0; page < 20; page++) {
      const { rows } = await as(world, "other", (tx) =>
        tx.query<{ id: string; issued_on: string }>(
          "select id, to_char(issued_on, 'YYYY-MM-DD') as issued_on from public.my_invoices('paid', 25, $1, $2)",
          [cursor?.[0] ?? null, cursor?.[1] ?? null],
        ),
      );
      seen.push(...rows.map((r) => r.id));
      if (rows.length < 25) break;
      const last = rows[rows.length - 1]!;
      cursor = [last.issued_on, last.id];
    }
    expect(seen).toHaveLength(130);
    expect(new Set(seen).size).toBe(130);
    const { rows: expected } = await world.db.pg.query<{ id: string }>(
      "select id from portal.invoices where customer_id = $1 and status = 'paid' order by issued_on desc, id desc",
      [world.other.customerId],
    );
    expect(seen).toEqual(expected.map((r) => r.id));

    expect(await invoiceNumbers("other", "paid", 0)).toHaveLength(1);
    // The first resident sees none of them.
    expect(await invoiceNumbers("demo", "paid")).toEqual(["2017-020-001512", "2017-020-000731"]);
  });
});

describe("public.my_invoice_counts", () => {
  test("counts each resident's invoices per status, zeros included", async () => {
    const counts = async (who: Who) => {
      const { rows } = await as(world, who, (tx) =>
        tx.query<{ status: string; invoice_count: number }>("select status::text as status, invoice_count from public.my_invoice_counts()"),
      );
      return Object.fromEntries(rows.map((r) => [r.status, r.invoice_count]));
    };
    expect(await counts("demo")).toEqual({ unpaid: 2, paid: 2, treasury: 2 });
    const other = await counts("other");
    expect(other.unpaid).toBe(1);
    expect(other.treasury).toBe(0);
    await expectPermissionDenied(as(world, "anon", (tx) => tx.query("select * from public.my_invoice_counts()")));
  });
});

describe("public.my_invoice", () => {
  test("gives the owner every field, the service's suspension flag and whether there is a PDF", async () => {
    const { rows } = await as(world, "demo", (tx) =>
      tx.query("select number, status::text as status, service_name, payment_suspended, has_pdf, paid_at from public.my_invoice($1)", [
        SEED.invoice2059Id,
      ]),
    );
    expect(rows).toEqual([
      {
        number: "2017-020-002059",
        status: "unpaid",
        service_name: "Service Multi Services de démonstration",
        payment_suspended: false,
        has_pdf: true,
        paid_at: null,
      },
    ]);
  });

  test("gives another resident no row at all, and refuses an anonymous visitor", async () => {
    const { rows } = await as(world, "other", (tx) => tx.query("select * from public.my_invoice($1)", [SEED.invoice2059Id]));
    expect(rows).toEqual([]);
    const { rows: unknown } = await as(world, "demo", (tx) =>
      tx.query("select * from public.my_invoice($1)", ["1a000000-0000-4000-8000-0000000000ff"]),
    );
    expect(unknown).toEqual([]);
    await expectPermissionDenied(as(world, "anon", (tx) => tx.query("select * from public.my_invoice($1)", [SEED.invoice2059Id])));
  });
});

describe("public.my_invoice_pdf_key", () => {
  test("gives the key to the owner only", async () => {
    const key = (who: Who, id: string) =>
      as(world, who, (tx) => tx.query("select number, object_key from public.my_invoice_pdf_key($1)", [id])).then((r) => r.rows);
    expect(await key("demo", SEED.invoice2059Id)).toEqual([{ number: "2017-020-002059", object_key: "004200/2017-020-002059.pdf" }]);
    expect(await key("other", SEED.invoice2059Id)).toEqual([]);
    expect(await key("other", world.other.invoiceIds[0]!)).toEqual([{ number: "2024-001-000001", object_key: "004201/2024-001-000001.pdf" }]);
    await expectPermissionDenied(key("anon", SEED.invoice2059Id));
  });
});

describe("public.portal_home", () => {
  test("gives signed-in residents the announcement and the welcome message; a blank announcement is none", async () => {
    const home = (who: Who) => as(world, who, (tx) => tx.query<{ announcement: string | null; welcome_message: string }>("select * from public.portal_home()"));
    const { rows } = await home("other");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.announcement).toMatch(/^Portail de démonstration/);
    expect(rows[0]!.welcome_message).toMatch(/^Bienvenue sur le portail des factures/);

    await world.db.pg.query("update portal.portal_settings set announcement = '   ' where id");
    try {
      expect((await home("demo")).rows[0]!.announcement).toBeNull();
    } finally {
      await world.db.pg.query(
        "update portal.portal_settings set announcement = 'Portail de démonstration : les paiements sont simulés, aucune somme n''est prélevée.' where id",
      );
    }
    await expectPermissionDenied(home("anon"));
  });
});

describe("Storage policy on storage.objects (bucket invoices)", () => {
  test("a resident can select the objects that are PDFs of their invoices, and nothing else", async () => {
    await world.db.pg.query(`insert into storage.buckets (id, name, public) values ('invoices', 'invoices', false), ('autre', 'autre', false)`);
    await world.db.pg.query(
      `insert into storage.objects (bucket_id, name) values
         ('invoices', '004200/2017-020-002059.pdf'), ('invoices', '004200/2017-020-002061.pdf'),
         ('invoices', '004201/2024-001-000001.pdf'), ('invoices', '004200/orphelin.pdf'),
         ('autre', '004200/2017-020-002059.pdf')`,
    );
    const names = async (who: Who) =>
      (await as(world, who, (tx) => tx.query<{ n: string }>("select bucket_id || ':' || name as n from storage.objects order by 1"))).rows.map(
        (r) => r.n,
      );
    expect(await names("demo")).toEqual(["invoices:004200/2017-020-002059.pdf"]);
    expect(await names("other")).toEqual(["invoices:004201/2024-001-000001.pdf"]);
    expect(await names("anon")).toEqual([]);
    expect(await names("service")).toHaveLength(5);
  });

  test("a resident cannot upload, rename or delete objects", async () => {
    const count = async () => (await world.db.pg.query<{ n: number }>("select count(*)::int as n from storage.objects")).rows[0]!.n;
    const before = await count();
    await expect(
      as(world, "demo", (tx) => tx.query("insert into storage.objects (bucket_id, name) values ('invoices', '004200/nouveau.pdf')")),
    ).rejects.toThrow(/row-level security/);
    await as(world, "demo", (tx) => tx.query("update storage.objects set name = 'x.pdf'"));
    await as(world, "demo", (tx) => tx.query("delete from storage.objects"));
    expect(await count()).toBe(before);
    const { rows } = await world.db.pg.query("select 1 from storage.objects where name = 'x.pdf'");
    expect(rows).toEqual([]);
  });
});
