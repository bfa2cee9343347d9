import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { outboxIdle } from "~/.server/outbox";
import * as closure from "~/routes/_espace.mes-informations_.fermer-mon-compte/route";
import { wrapHandler } from "../../server/security.js";
import { ORIGIN, startPortal, type Browser } from "../support/route-harness";
import { createOtherResident, loggedIn } from "../support/residents";

/**
 * « Fermer mon compte » as an attacker would try it (docs/decisions/0032-account-closure.md):
 * the old session's token reaches nothing after the closure (RLS and the session check on a real
 * PGlite, as PostgREST would run it), a cross-origin POST is refused before the action runs
 * (docs/decisions/0003-security-headers-and-origin-check.md), and a GET never closes anything.
 */
const PATH = "/mes-informations/fermer-mon-compte";

const portal: { db?: Database } = {};
beforeAll(async () => Object.assign(portal, await startPortal()));
afterAll(() => outboxIdle().then(() => portal.db?.close()));

const SECURITY_PASSWORD = "mot-de-passe-secu";
let count = 0;
/** A resident of a service of their own, signed in. */
async function resident() {
  count += 1;
  const created = await createOtherResident(portal.db!, `ferme-secu${count}@exemple.fr`, SECURITY_PASSWORD);
  return { ...created, browser: await loggedIn(created.email, SECURITY_PASSWORD) };
}

const sessionIdOf = (browser: Browser) => browser.cookies.get("pf_session")!.value.split(".")[0]!;

const userCount = async (userId: string) =>
  (await portal.db!.pg.query<{ n: number }>("select count(*)::int as n from auth.users where id = $1", [userId])).rows[0]!.n;

/** The portal's server as the browser reaches it: the security wrapper, then the route's action. */
const served = wrapHandler(
  async (request: Request) => {
    try {
      const result: unknown = await closure.action({ request, params: {}, context: {} });
      return result instanceof Response ? result : new Response(JSON.stringify(result), { status: 200 });
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  },
  { siteUrl: ORIGIN },
);

function post(browser: Browser, origin: string | null, form: Record<string, string>): Promise<Response> {
  const headers = new Headers({ cookie: browser.cookieHeader(), "x-client-ip": browser.ip, "content-type": "application/x-www-form-urlencoded" });
  if (origin !== null) headers.set("origin", origin);
  return served(new Request(`${ORIGIN}${PATH}`, { method: "POST", headers, body: new URLSearchParams(form).toString() }));
}

describe("after the closure, the old session's token reaches nothing", () => {
  it("page functions answer PT401 and every table reads empty for it (RLS on PGlite)", async () => {
    const r = await resident();
    const sessionId = sessionIdOf(r.browser);
    await portal.db!.asService(async (tx) => {
      await tx.query(
        `insert into portal.contact_messages (account_id, service_id, sender_email, body) values ($1, $2, $3, 'Bonjour')`,
        [r.userId, r.service_id, r.email],
      );
      await tx.query("insert into portal.paper_optout_requests (account_id, customer_id) values ($1, $2)", [r.userId, r.customer_id]);
      await tx.query(
        `insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status)
         select s.id, $2, 'SECUFERMETURE0001', 5000, s.payment_provider, s.numcli, s.saisie, 'paid' from portal.services s where s.id = $1`,
        [r.service_id, r.userId],
      );
    });
    const caller = { role: "authenticated" as const, userId: r.userId, email: r.email, sessionId };
    const tables = ["customers", "invoices", "payment_attempts", "contact_messages", "paper_optout_requests", "services"];
    const visible = async () => {
      const counts: Record<string, number> = {};
      for (const table of tables) {
        counts[table] = (await portal.db!.run(caller, (tx) => tx.query<{ n: number }>(`select count(*)::int as n from portal.${table}`))).rows[0]!.n;
      }
      return counts;
    };
    // Before: the token sees its own rows (so the zeros below are about the closure).
    expect(await visible()).toEqual({ customers: 1, invoices: 1, payment_attempts: 1, contact_messages: 1, paper_optout_requests: 1, services: 1 });

    expect(await r.browser.call(closure.action, PATH, { currentPassword: r.password, confirm: "on" })).toRedirectTo("/connexion?compte=ferme");

    for (const fn of ["home_page", "info_page", "frame_page", "contact_page", "payment_page"]) {
      await expect(portal.db!.run(caller, (tx) => tx.query(`select public.${fn}()`)), fn).rejects.toMatchObject({ code: "PT401", message: "session_ended" });
    }
    await expect(portal.db!.run(caller, (tx) => tx.query("select * from public.request_paper_optout()"))).rejects.toMatchObject({ code: "PT401" });
    // The older per-domain reads check the session too (supabase/migrations/20261205090200_live_session_reads.sql).
    await expect(portal.db!.run(caller, (tx) => tx.query("select * from public.my_customers()"))).rejects.toMatchObject({ code: "PT401" });
    expect(await visible()).toEqual({ customers: 0, invoices: 0, payment_attempts: 0, contact_messages: 0, paper_optout_requests: 0, services: 0 });
    // The rows themselves are still there, for the service.
    const kept = await portal.db!.pg.query<{ n: number }>(
      `select (select count(*) from portal.contact_messages where sender_email = $1)
            + (select count(*) from portal.paper_optout_requests where customer_id = $2)
            + (select count(*) from portal.payment_attempts where refdet = 'SECUFERMETURE0001')
            + (select count(*) from portal.invoices where id = $3) as n`,
      [r.email, r.customer_id, r.invoice_id],
    );
    expect(Number(kept.rows[0]!.n)).toBe(4);
    // Staff still tell a closed account's message from a visitor's.
    const staff = await portal.db!.asService((tx) =>
      tx.query<{ sender_kind: string }>("select sender_kind from portal.staff_contact_messages where sender_email = $1", [r.email]),
    );
    expect(staff.rows).toEqual([{ sender_kind: "usager connecté (compte fermé depuis)" }]);
  });

  it("the SQL rules are the server's only: residents and visitors cannot call account_closure_blocker", async () => {
    const r = await resident();
    const caller = { role: "authenticated" as const, userId: r.userId, email: r.email, sessionId: sessionIdOf(r.browser) };
    await expect(portal.db!.run(caller, (tx) => tx.query("select public.account_closure_blocker($1)", [r.userId]))).rejects.toThrow(/permission denied/);
    await expect(portal.db!.asAnon((tx) => tx.query("select public.account_closure_blocker($1)", [r.userId]))).rejects.toThrow(/permission denied/);
    expect((await portal.db!.asService((tx) => tx.query<{ v: string | null }>("select public.account_closure_blocker($1) as v", [r.userId]))).rows).toEqual([{ v: null }]);
  });
});

describe("only a same-origin POST closes", () => {
  it("a cross-origin POST (or one without Origin) is refused with 403 before the action, the account stays", async () => {
    const r = await resident();
    for (const origin of ["https://evil.example", "null", null]) {
      const answer = await post(r.browser, origin, { currentPassword: r.password, confirm: "on" });
      expect(answer.status, String(origin)).toBe(403);
    }
    expect(await userCount(r.userId)).toBe(1);
    // The same request from the portal's own page closes the account.
    const own = await post(r.browser, ORIGIN, { currentPassword: r.password, confirm: "on" });
    expect(own.status).toBe(302);
    expect(own.headers.get("location")).toBe("/connexion?compte=ferme");
    expect(await userCount(r.userId)).toBe(0);
  });

  it("a GET, whatever its query, closes nothing", async () => {
    const r = await resident();
    const page = await r.browser.call(closure.loader, `${PATH}?currentPassword=${encodeURIComponent(r.password)}&confirm=on`);
    expect(page.status).toBe(200);
    expect(await userCount(r.userId)).toBe(1);
  });
});
