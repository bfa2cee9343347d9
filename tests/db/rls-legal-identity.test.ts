import { afterAll, describe, expect, test } from "vitest";
import { as, createWorld, expectPermissionDenied, tableRlsTests } from "./helpers";

/** The legal identity: a service-only table, read by anyone through public.legal_info() only. */
const world = await createWorld();
afterAll(() => world.db.close());

describe("RLS on portal.legal_identity", () => {
  tableRlsTests({ table: "legal_identity", updateColumn: "publisher_name", getWorld: () => world, expected: null });
});

describe("public.legal_info()", () => {
  const read = (who: "anon" | "demo" | "service") =>
    as(world, who, async (tx) => (await tx.query<{ info: Record<string, unknown> }>("select public.legal_info() as info")).rows[0]!.info);

  test("anyone reads the legal identity through the function: anon, a resident, the service role", async () => {
    for (const who of ["anon", "demo", "service"] as const) {
      const info = await read(who);
      expect(info.publisher_name).toBe("Commune de Démoville (démonstration)");
      expect(info.publisher_siret).toBe("00000000000018");
      expect(info.portal_name).toBe("Le Portail des Factures");
      expect(info.payment_records_months).toBe(120);
    }
  });

  test("a resident cannot change it, even column by column", async () => {
    await expectPermissionDenied(as(world, "demo", (tx) => tx.query("update portal.legal_identity set host_name = 'Pirate' where id")));
    expect((await read("anon")).host_name).toBe("Hébergeur de démonstration");
  });

  test("the service role writes it; an unknown field is null, never a default", async () => {
    await as(world, "service", (tx) => tx.query("update portal.legal_identity set host_phone = null, dpo_email = 'dpo@exemple.fr' where id"));
    const info = await read("anon");
    expect(info.host_phone).toBeNull();
    expect(info.dpo_email).toBe("dpo@exemple.fr");
    await as(world, "service", (tx) => tx.query("update portal.legal_identity set host_phone = '00 00 00 00 01 (démonstration)', dpo_email = 'dpo@demoville.example' where id"));
  });

  test("the table refuses a SIRET that is not 14 digits, a second row, a zero retention", async () => {
    const refused = [
      { set: "publisher_siret = '1234'" },
      { set: "publisher_siret = '0000000000001A'" },
      { set: "contact_messages_months = 0" },
      { set: "contact_email = 'Pas une adresse'" },
    ].map(({ set }) => `update portal.legal_identity set ${set} where id`);
    for (const sql of [...refused, "insert into portal.legal_identity (id) values (false)"]) {
      await expect(as(world, "service", (tx) => tx.query(sql))).rejects.toThrow(/violates check constraint/);
    }
  });

  test("a deployment that filled nothing gets nulls, not made-up values", async () => {
    const blank = await as(world, "service", async (tx) => {
      await tx.query("delete from portal.legal_identity");
      const info = (await tx.query<{ info: Record<string, unknown> }>("select public.legal_info() as info")).rows[0]!.info;
      throw Object.assign(new Error("rollback"), { info });
    }).catch((error: { info?: Record<string, unknown> }) => error.info);
    expect(blank).toBeDefined();
    const { portal_name, ...fields } = blank!;
    expect(portal_name).toBe("Le Portail des Factures");
    expect(Object.keys(fields).length).toBe(21);
    expect(Object.values(fields).every((v) => v === null)).toBe(true);
    expect((await read("anon")).publisher_name).toBe("Commune de Démoville (démonstration)");
  });

  test("the function is security definer, granted to anon, authenticated and service_role only", async () => {
    const { rows } = await world.db.pg.query<{ secdef: boolean; acl: string }>(
      "select p.prosecdef as secdef, array_to_string(p.proacl, ' ') as acl from pg_proc p where p.oid = 'public.legal_info()'::regprocedure",
    );
    expect(rows[0]!.secdef).toBe(true);
    const grantees = rows[0]!.acl.split(" ").map((e) => e.split("=")[0]).filter(Boolean).sort();
    expect(grantees).toEqual(["anon", "authenticated", "postgres", "service_role"]);
  });
});
