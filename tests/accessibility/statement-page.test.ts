import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as statement from "~/routes/accessibilite/route";
import { AUDIT, AUDITED_PAGES, formatRate, portalConformity } from "~/utils/rgaa-audit";
import { Browser, startPortal } from "../support/route-harness";
import { DEMO, loggedIn } from "../support/residents";

/** /accessibilite's loader on the embedded backend: the statement's figures come from the audit grid. */

let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const NC = Object.entries(AUDIT).filter(([, r]) => r.status === "NC");

describe("/accessibilite", () => {
  it("gives a visitor the portal's name and the grid's état, rate and counts", async () => {
    const page = await new Browser().call(statement.loader, "/accessibilite");
    expect(page.status).toBe(200);
    const conformity = portalConformity();
    expect(page.data).toMatchObject({
      portalName: "Le Portail des Factures",
      version: "4.1",
      state: conformity.state,
      rate: formatRate(conformity.rate),
      conformes: conformity.conformes,
      nonConformes: conformity.nonConformes,
      nonApplicables: conformity.nonApplicables,
      total: 106,
      date: "30 novembre 2026",
    });
    expect(page.data.pages).toEqual(AUDITED_PAGES);
  });

  it("lists every non-conforming criterion of the grid, by theme, with what is wrong", async () => {
    const page = await new Browser().call(statement.loader, "/accessibilite");
    const listed = page.data.nonConformities.flatMap((theme) => theme.criteria);
    expect(listed.map((c) => c.number)).toEqual(NC.map(([number]) => number));
    for (const c of listed) expect(c.note).toBe(AUDIT[c.number]!.note);
    expect(page.data.nonConformities.every((t) => t.criteria.length > 0)).toBe(true);
  });

  it("states every criterion left out as RGAA allows (dérogation, cas particulier), with its reason", async () => {
    const page = await new Browser().call(statement.loader, "/accessibilite");
    const exempt = Object.entries(AUDIT).filter(([, r]) => r.exemption);
    expect(exempt.length).toBeGreaterThan(0);
    expect(page.data.exemptions).toEqual(exempt.map(([number, r]) => expect.objectContaining({ number, kind: r.exemption, note: r.note })));
    expect(page.data.exemptions.find((e) => e.number === "13.3")?.kind).toBe("dérogation");
    expect(page.data.exemptions.find((e) => e.number === "13.1")?.kind).toBe("cas particulier");
  });

  it("names the publisher of the legal identity as the entity that commits, or null when the service has not filled it", async () => {
    const filled = await new Browser().call(statement.loader, "/accessibilite");
    expect(filled.data.publisher).toBe("Commune de Démoville (démonstration)");
    await db.pg.query("update portal.legal_identity set publisher_name = null");
    try {
      const empty = await new Browser().call(statement.loader, "/accessibilite");
      expect(empty.data.publisher).toBeNull();
      expect(empty.data.portalName).toBe("Le Portail des Factures");
    } finally {
      await db.pg.query("update portal.legal_identity set publisher_name = 'Commune de Démoville (démonstration)'");
    }
  });

  it("is public: a signed-in resident reads the same statement, and keeps their session", async () => {
    const browser = await loggedIn(DEMO.email, DEMO.password);
    const page = await browser.call(statement.loader, "/accessibilite");
    expect(page.status).toBe(200);
    expect(page.data.state).toBe(portalConformity().state);
    expect(page).not.toClearSessionCookie();
    expect(browser.cookies.has("pf_session")).toBe(true);
  });
});
