import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as list from "~/routes/_espace.factures/route";
import * as detail from "~/routes/_espace.factures_.$id/route";
import { Browser, startPortal, type RouteData } from "../support/route-harness";
import { SEED } from "../support/database";
import { createOtherResident, DEMO, loggedIn, plain } from "../support/residents";

let db: Database;
let demo: Browser;
beforeAll(async () => {
  ({ db } = await startPortal());
  demo = await loggedIn(DEMO.email, DEMO.password);
});
afterAll(async () => {
  await db?.close();
});

type ListData = RouteData<typeof list.loader>;

const listOf = async (browser: Browser, path: string) => {
  const page = await browser.call(list.loader, path);
  expect(page.status).toBe(200);
  return page.data;
};
const numbers = (data: ListData) => data.invoices.map((i) => i.number);

describe("Mes factures: tabs", () => {
  it("opens on 'Factures non réglées', newest first, with French dates and amounts", async () => {
    const data = await listOf(demo, "/factures");
    expect(data.tab).toBe("non-reglees");
    expect(data.tabs.map((t) => [t.label, t.count, t.href])).toEqual([
      ["Factures non réglées", 2, "/factures?onglet=non-reglees"],
      ["Factures réglées", 2, "/factures?onglet=reglees"],
      ["Factures en trésorerie", 2, "/factures?onglet=tresorerie"],
    ]);
    expect(numbers(data)).toEqual(["2017-020-002410", "2017-020-002059"]);
    const invoice = data.invoices[1]!;
    expect(invoice).toMatchObject({ number: "2017-020-002059", issuedOn: "10/07/2017", dueOn: "21/07/2017", object: "Multi Services" });
    expect(invoice.amount).toBe(new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(243.11));
    expect(plain(invoice.amount)).toBe("243,11 €");
    expect(data.showCustomer).toBe(false);
    expect(data.nextPage).toBeNull();
  });

  it("shows each tab from its URL", async () => {
    expect(numbers(await listOf(demo, "/factures?onglet=reglees"))).toEqual(["2017-020-001512", "2017-020-000731"]);
    expect(numbers(await listOf(demo, "/factures?onglet=tresorerie"))).toEqual(["2016-020-003305", "2016-020-002118"]);
    expect(numbers(await listOf(demo, "/factures?onglet=non-reglees"))).toEqual(["2017-020-002410", "2017-020-002059"]);
  });

  it("falls back to the first tab and page on a hand-edited query, never an error", async () => {
    for (const path of [
      "/factures?onglet=toutes",
      "/factures?onglet=",
      "/factures?onglet[]=reglees",
      "/factures?apres=n'importe-quoi",
      "/factures?apres=2017-02-31.1a000000-0000-4000-8000-000000000001",
      "/factures?apres=0000-01-01.1a000000-0000-4000-8000-000000000001",
    ]) {
      const data = await listOf(demo, path);
      expect(data.tab, path).toBe("non-reglees");
      expect(numbers(data), path).toEqual(["2017-020-002410", "2017-020-002059"]);
    }
  });

  it("says so in a sentence when a tab is empty", async () => {
    const other = await createOtherResident(db, "vide@exemple.fr");
    const browser = await loggedIn(other.email, other.password);
    const paid = await listOf(browser, "/factures?onglet=reglees");
    expect(paid.invoices).toEqual([]);
    expect(paid.tabs.map((t) => t.count)).toEqual([1, 0, 0]);
    const treasury = await listOf(browser, "/factures?onglet=tresorerie");
    expect(treasury.invoices).toEqual([]);
    // The sentences shown (the component reads them from the same table).
    const { INVOICE_TABS } = await import("~/utils/invoices");
    expect(INVOICE_TABS.map((t) => t.empty)).toEqual([
      "Vous n'avez aucune facture non réglée.",
      "Vous n'avez aucune facture réglée.",
      "Vous n'avez aucune facture en trésorerie.",
    ]);
    // And never the demo resident's invoices.
    expect(numbers(await listOf(browser, "/factures"))).toEqual(["2024-099-000001"]);
  });

  it("sends an anonymous visitor to the login page, coming back to the same tab", async () => {
    const page = await new Browser().call(list.loader, "/factures?onglet=reglees");
    expect(page).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/factures?onglet=reglees")}`, { status: 302 });
  });
});

describe("Mes factures: pagination", () => {
  it("gives bounded pages whose 'Factures suivantes' links cover 123 invoices once each, newest first", async () => {
    const other = await createOtherResident(db, "beaucoup@exemple.fr");
    // 122 more unpaid invoices, several on the same day (ties are ordered by id).
    await db.pg.query(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object)
       select $1, $2, 'LOT-' || lpad(g::text, 4, '0'), date '2020-01-01' + (g / 4), date '2020-01-01' + (g / 4) + 15, 1000 + g, 'Eau'
       from generate_series(1, 122) g`,
      [other.service_id, other.customer_id],
    );
    const browser = await loggedIn(other.email, other.password);
    const seen: string[] = [];
    let path: string | null = "/factures?onglet=non-reglees";
    let pages = 0;
    while (path) {
      const data: ListData = await listOf(browser, path);
      expect(data.invoices.length).toBeLessThanOrEqual(list.PAGE_SIZE);
      expect(data.firstPage).toBe(pages === 0);
      expect(data.tabs[0]!.count).toBe(123);
      seen.push(...data.invoices.map((i) => i.id));
      path = data.nextPage;
      if (path) expect(path).toMatch(/^\/factures\?onglet=non-reglees&apres=\d{4}-\d{2}-\d{2}\.[0-9a-f-]{36}$/);
      pages++;
      expect(pages).toBeLessThan(20);
    }
    expect(pages).toBe(Math.ceil(123 / list.PAGE_SIZE));
    expect(new Set(seen).size).toBe(123);
    const { rows } = await db.pg.query<{ id: string }>(
      "select id from portal.invoices where customer_id = $1 and status = 'unpaid' order by issued_on desc, id desc",
      [other.customer_id],
    );
    expect(seen).toEqual(rows.map((r) => r.id));
  });
});

describe("Mes factures: an account with several customer records", () => {
  it("sees the invoices of all of them, with the customer's name", async () => {
    const { rows } = await db.pg.query<{ id: string }>(
      `with s as (insert into portal.services (name, numcli) values ('Cantine scolaire', '004300') returning id),
            c as (insert into portal.customers (service_id, customer_number, display_name, email)
                  select s.id, 'CANT77', 'Test SISTEC560 (cantine)', 'demo@demo.fr' from s returning id, service_id)
       insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object)
       select c.service_id, c.id, '2018-001-000001', '2018-01-15', '2018-01-31', 3250, 'Restauration scolaire' from c returning id`,
    );
    try {
      const data = await listOf(demo, "/factures");
      expect(data.showCustomer).toBe(true);
      expect(numbers(data)).toEqual(["2018-001-000001", "2017-020-002410", "2017-020-002059"]);
      expect(data.invoices.map((i) => i.customer)).toEqual([
        "Test SISTEC560 (cantine) (n° CANT77)",
        "Test SISTEC560 (n° SISTEC560)",
        "Test SISTEC560 (n° SISTEC560)",
      ]);
    } finally {
      await db.pg.query("delete from portal.invoices where id = $1", [rows[0]!.id]);
      await db.pg.query("delete from portal.customers where customer_number = 'CANT77'");
      await db.pg.query("delete from portal.services where numcli = '004300'");
    }
  });
});

describe("Invoice detail", () => {
  const open = async (browser: Browser, id: string) => browser.call(detail.loader, `/factures/${id}`, undefined, { id });

  it("shows every field of an unpaid invoice, in French, and that online payment is not open yet", async () => {
    const page = await open(demo, SEED.invoice2059Id);
    expect(page.status).toBe(200);
    const data = page.data;
    expect({ ...data, amount: plain(data.amount) }).toMatchObject({
      number: "2017-020-002059",
      issuedOn: "10/07/2017",
      dueOn: "21/07/2017",
      amount: "243,11 €",
      object: "Multi Services",
      status: "unpaid",
      statusInWords: "Non réglée",
      paidOn: null,
      customer: "Test SISTEC560 (n° SISTEC560)",
      serviceName: "Service Multi Services de démonstration",
      paymentSuspended: false,
      hasPdf: true,
      backTo: "/factures?onglet=non-reglees",
    });
  });

  it("says a paid invoice is paid, and when (day in France)", async () => {
    const data = (await open(demo, "1a000000-0000-4000-8000-000000000003")).data;
    expect(data).toMatchObject({ status: "paid", statusInWords: "Réglée", paidOn: "18/04/2017", backTo: "/factures?onglet=reglees" });
  });

  it("says a treasury invoice cannot be paid here", async () => {
    const data = (await open(demo, "1a000000-0000-4000-8000-000000000005")).data;
    expect(data).toMatchObject({ status: "treasury", backTo: "/factures?onglet=tresorerie" });
    expect(data.statusInWords).toMatch(/trésorerie/);
    const { TREASURY_EXPLANATION } = await import("~/utils/invoices");
    expect(TREASURY_EXPLANATION).toMatch(/ne peuvent plus être payées sur ce portail/);
    expect(TREASURY_EXPLANATION).toMatch(/avis de somme à payer vous sera transmis par courrier/);
  });

  it("tells when the service suspended online payment", async () => {
    await db.pg.query("update portal.services set payment_suspended = true where id = $1", [SEED.serviceId]);
    try {
      const data = (await open(demo, SEED.invoice2059Id)).data;
      expect(data.paymentSuspended).toBe(true);
    } finally {
      await db.pg.query("update portal.services set payment_suspended = false where id = $1", [SEED.serviceId]);
    }
  });

  it("gives the same 404 for another resident's invoice, an unknown id and a malformed id", async () => {
    const other = await createOtherResident(db, "curieux@exemple.fr");
    const nosy = await loggedIn(other.email, other.password);
    const outcomes = await Promise.all([
      open(nosy, SEED.invoice2059Id),
      open(demo, "1a000000-0000-4000-8000-0000000000ff"),
      open(demo, "pas-un-identifiant"),
      open(demo, "1a000000-0000-4000-8000-00000000000G"),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe(404);
      expect(outcome.data).toBe("Facture introuvable");
    }
    // Its owner, of course, opens it.
    expect((await open(nosy, other.invoice_id)).status).toBe(200);
  });

  it("sends an anonymous visitor to the login page, coming back to the invoice", async () => {
    const page = await open(new Browser(), SEED.invoice2059Id);
    expect(page).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(`/factures/${SEED.invoice2059Id}`)}`, { status: 302 });
  });
});
