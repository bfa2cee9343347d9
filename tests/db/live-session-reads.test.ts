import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Caller } from "~/.server/ports/accounts";
import { as, createWorld, type World } from "./helpers";
import { openAuthSession } from "../support/database";

/**
 * An ended session reaches no resident data through the API
 * (supabase/migrations/20261205090200_live_session_reads.sql,
 * docs/decisions/0041-live-session-reads.md): every public function a resident may execute,
 * called with the access token of a session that has ended (logout: its auth.sessions row
 * deleted), is refused with PT401 before it reads anything — except the few that answer public
 * information, listed here.
 */
let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

/** Granted to authenticated without the session check: they read no resident's data. */
const PUBLIC_INFORMATION = ["legal_info", "portal_home", "portal_public_info", "public_contact_services"];

/** Every public function `authenticated` may execute, with a call of nulls of its argument types. */
async function residentFunctions(): Promise<{ name: string; sql: string }[]> {
  const { rows } = await world.db.pg.query<{ name: string; sql: string }>(
    `select p.proname as name,
            format('select * from public.%I(%s)', p.proname,
                   (select string_agg(format('null::%s', t::regtype), ', ' order by n)
                    from unnest(p.proargtypes::oid[]) with ordinality as a (t, n))) as sql
     from pg_proc p
     where p.pronamespace = 'public'::regnamespace and has_function_privilege('authenticated', p.oid, 'execute')
     order by 1`,
  );
  return rows;
}

describe("after logout, no public function reads the resident's data", () => {
  test("the older per-domain reads are among those checked", async () => {
    const names = (await residentFunctions()).map((f) => f.name);
    for (const name of ["my_customers", "my_invoices", "my_invoice_counts", "my_invoice", "my_invoice_payment",
                        "my_payable_invoices", "my_payment_attempt", "my_paper_status", "my_contact_services"]) {
      expect(names).toContain(name);
    }
  });

  test("with a live session they answer the caller's rows; the same session ended: PT401 for every one", async () => {
    const sessionId = await openAuthSession(world.db, world.demo.userId);
    const caller: Caller = { role: "authenticated", userId: world.demo.userId, email: world.demo.email, sessionId };
    const live = await world.db.run(caller, (tx) => tx.query<{ customer_id: string }>("select * from public.my_customers()"));
    expect(live.rows.map((r) => r.customer_id)).toEqual([world.demo.customerId]);
    const invoice = await world.db.run(caller, (tx) => tx.query<{ id: string }>("select * from public.my_invoice($1)", [world.demo.invoiceIds[0]]));
    expect(invoice.rows.map((r) => r.id)).toEqual([world.demo.invoiceIds[0]]);

    await world.db.pg.query("delete from auth.sessions where id = $1", [sessionId]);
    const checked = (await residentFunctions()).filter((f) => !PUBLIC_INFORMATION.includes(f.name));
    expect(checked.length).toBeGreaterThan(20);
    for (const f of checked) {
      await expect(world.db.run(caller, (tx) => tx.query(f.sql)), f.name).rejects.toMatchObject({ code: "PT401", message: "session_ended" });
    }
  });

  test("the public information ones still answer (they hold nothing of the resident)", async () => {
    const ended = await openAuthSession(world.db, world.demo.userId);
    await world.db.pg.query("delete from auth.sessions where id = $1", [ended]);
    const caller: Caller = { role: "authenticated", userId: world.demo.userId, email: world.demo.email, sessionId: ended };
    for (const name of PUBLIC_INFORMATION) {
      await expect(world.db.run(caller, (tx) => tx.query(`select * from public.${name}()`)), name).resolves.toBeTruthy();
    }
  });

  test("the bodies moved out of the API keep their rules: another resident's invoice stays out of reach", async () => {
    const other = await as(world, "demo", (tx) =>
      tx.query("select * from portal.my_invoice_unchecked($1)", [world.other.invoiceIds[0]]),
    );
    expect(other.rows).toEqual([]);
    const own = await as(world, "demo", (tx) => tx.query<{ customer_id: string }>("select * from portal.my_customers_unchecked()"));
    expect(own.rows.map((r) => r.customer_id)).toEqual([world.demo.customerId]);
  });
});
