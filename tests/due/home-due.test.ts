import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as home from "~/routes/_espace.accueil/route";
import { createAuthUser } from "../support/database";
import { createOtherResident, DEMO, loggedIn, plain } from "../support/residents";
import { startPortal } from "../support/route-harness";

/**
 * « Factures à régler » on /accueil (docs/decisions/0035-home-due-summary.md): the loader on the
 * embedded backend, the sums computed by public.home_page() on a real PGlite with the seed's
 * residents (demo@demo.fr: one service; paiement@demo.fr: three services, one classic TIPI one
 * at a time, one with payment suspended).
 */
const PAIEMENT = { email: "paiement@demo.fr", password: "paiement-factures" };

let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const dueOf = async (email: string, password: string) => {
  const browser = await loggedIn(email, password);
  const page = await browser.call(home.loader, "/accueil");
  expect(page.status).toBe(200);
  return page.data.due;
};

describe("Accueil: what is due", () => {
  it("one service: count, total in euros, next due date, « Payer mes factures » on that service; treasury invoices apart", async () => {
    const due = await dueOf(DEMO.email, DEMO.password);
    // 2017-020-002059 (243,11 €, due 21/07/2017) and 2017-020-002410 (87,50 €, due 20/10/2017).
    expect(due.summary).toEqual({ count: "2 factures à régler", total: expect.any(String), nextDueOn: "21/07/2017" });
    expect(plain(due.summary!.total)).toBe("330,61 €");
    expect(due.services).toHaveLength(1);
    expect(due.services[0]).toMatchObject({ numcli: "004200", count: "2 factures", nextDueOn: "21/07/2017", payHref: "/paiement?service=004200", rule: null });
    // The two invoices in treasury (198,70 € and 31,50 €) are neither counted nor payable.
    expect(due.treasury).toBe("2 factures ont été transmises en trésorerie : elles ne peuvent plus être payées sur ce portail.");
  });

  it("several services: one line each, in the selection's order (SQL `order by` name, as my_payable_invoices), with each service's rule", async () => {
    const due = await dueOf(PAIEMENT.email, PAIEMENT.password);
    expect(due.services.map((s) => [s.name, s.count, plain(s.total), s.nextDueOn, s.payHref, s.rule])).toEqual([
      ["Restauration scolaire de démonstration", "1 facture", "39,90 €", "04/05/2018", null, "Paiement en ligne suspendu"],
      ["Régie des eaux de démonstration", "5 factures", "149,35 €", "30/03/2018", "/paiement?service=004281", "Ce service ne permet de régler qu'une facture à la fois."],
      ["Service Multi Services de démonstration", "11 factures", "604,69 €", "19/01/2018", "/paiement?service=004200", null],
    ]);
    // The totals of every unpaid invoice, the earliest due date of all of them.
    expect(due.summary!.count).toBe("17 factures à régler");
    expect(plain(due.summary!.total)).toBe("793,94 €");
    expect(due.summary!.nextDueOn).toBe("19/01/2018");
    expect(due.treasury).toBeNull();
  });

  it("follows the database: an invoice handed to treasury leaves the sums, a suspended service loses its link", async () => {
    const other = await createOtherResident(db, "due-voisin@exemple.fr");
    const before = await dueOf(other.email, other.password);
    expect(before.services).toEqual([expect.objectContaining({ count: "1 facture", nextDueOn: "31/03/2024", payHref: expect.stringMatching(/^\/paiement\?service=\d{6}$/) })]);
    expect(plain(before.summary!.total)).toBe("50,00 €");

    await db.pg.query("update portal.services set payment_suspended = true where id = $1", [other.service_id]);
    const suspended = await dueOf(other.email, other.password);
    expect(suspended.services[0]).toMatchObject({ payHref: null, rule: "Paiement en ligne suspendu" });
    expect(suspended.summary!.count).toBe("1 facture à régler");

    await db.pg.query("update portal.invoices set status = 'treasury' where id = $1", [other.invoice_id]);
    const treasury = await dueOf(other.email, other.password);
    expect(treasury.summary).toBeNull();
    expect(treasury.services).toEqual([]);
    expect(treasury.treasury).toBe("1 facture a été transmise en trésorerie : elle ne peut plus être payée sur ce portail.");
  });

  it("nothing due: no sums, no link (the page says « Aucune facture à régler »)", async () => {
    await createAuthUser(db, "due-sans-facture@exemple.fr", "mot-de-passe-sans-facture");
    const due = await dueOf("due-sans-facture@exemple.fr", "mot-de-passe-sans-facture");
    expect(due).toEqual({ summary: null, services: [], treasury: null });
  });

  it("counts only the caller's invoices, and the page is still one database call as the resident", async () => {
    const browser = await loggedIn(PAIEMENT.email, PAIEMENT.password);
    const run = vi.spyOn(db, "run");
    try {
      const page = await browser.call(home.loader, "/accueil");
      expect(page.status).toBe(200);
      expect(run).toHaveBeenCalledTimes(1);
      expect(run.mock.calls[0]![0]).toMatchObject({ role: "authenticated" });
    } finally {
      run.mockRestore();
    }
    const demo = await dueOf(DEMO.email, DEMO.password);
    expect(demo.services.map((s) => s.numcli)).toEqual(["004200"]);
  });
});
