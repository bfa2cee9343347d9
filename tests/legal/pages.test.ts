import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as login from "~/routes/connexion/route";
import * as mentions from "~/routes/mentions-legales/route";
import * as donnees from "~/routes/donnees-personnelles/route";
import { Browser, startPortal } from "../support/route-harness";

/**
 * /mentions-legales and /donnees-personnelles on the embedded backend: public pages that show
 * the deployment's legal identity (public.legal_info()), signed in or not, and nulls where the
 * service has not filled a field (the page then shows its warning).
 */
let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe.each([
  ["/mentions-legales", mentions.loader],
  ["/donnees-personnelles", donnees.loader],
])("%s", (path, loader) => {
  it("shows the demo deployment's identity to a visitor, with the portal's name and the backend's kind", async () => {
    const page = await new Browser().call(loader, path);
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({
      portalName: "Le Portail des Factures",
      backend: "embedded",
      publisherName: "Commune de Démoville (démonstration)",
      publisherSiret: "00000000000018",
      publicationDirector: "Le maire de Démoville (démonstration)",
      hostName: "Hébergeur de démonstration",
      hostPhone: "00 00 00 00 01 (démonstration)",
      dpoEmail: "dpo@demoville.example",
      sentMailBodiesDays: 90,
      paymentRecordsMonths: 120,
    });
  });

  it("is the same page for a signed-in resident (no redirect)", async () => {
    const browser = new Browser();
    expect(await browser.call(login.action, "/connexion", { email: "demo@demo.fr", password: "demo-factures" })).toRedirectTo("/accueil");
    const page = await browser.call(loader, path);
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ publisherName: "Commune de Démoville (démonstration)" });
  });

  it("makes one database transaction, as anon (db.run: one per Rpc call)", async () => {
    const run = vi.spyOn(db, "run");
    expect((await new Browser().call(loader, path)).status).toBe(200);
    expect(run.mock.calls.map(([caller]) => caller)).toEqual([{ role: "anon" }]);
  });
});

describe("a deployment that has not filled its legal identity", () => {
  it("gets nulls, never made-up values, and the field comes back once set", async () => {
    await db.asService((tx) => tx.query("update portal.legal_identity set host_phone = null, controller = null, payment_records_months = null where id"));
    try {
      const page = await new Browser().call(donnees.loader, "/donnees-personnelles");
      expect(page.data).toMatchObject({ hostPhone: null, controller: null, paymentRecordsMonths: null, hostName: "Hébergeur de démonstration" });
    } finally {
      await db.asService((tx) =>
        tx.query(
          "update portal.legal_identity set host_phone = '00 00 00 00 01 (démonstration)', controller = 'Commune de Démoville (démonstration), représentée par son maire', payment_records_months = 120 where id",
        ),
      );
    }
  });
});
