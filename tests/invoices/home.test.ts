import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as home from "~/routes/_espace.accueil/route";
import * as logout from "~/routes/deconnexion/route";
import { Browser, startPortal } from "../support/route-harness";
import { createOtherResident, DEMO, loggedIn } from "../support/residents";

let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const ANNOUNCEMENT = "Portail de démonstration : les paiements sont simulés, aucune somme n'est prélevée.";

describe("Accueil", () => {
  it("shows the service's announcement, then the welcome message, one paragraph per line", async () => {
    const browser = await loggedIn(DEMO.email, DEMO.password);
    const page = await browser.call(home.loader, "/accueil");
    expect(page.status).toBe(200);
    const data = page.data;
    expect(data.announcement).toBe(ANNOUNCEMENT);
    expect(data.welcomeParagraphs).toHaveLength(3);
    expect(data.welcomeParagraphs[0]).toBe("Bienvenue sur le portail des factures de votre service.");
  });

  it("'Fermer' (a plain POST) hides the announcement for the rest of the browser session, and logout brings it back", async () => {
    const browser = await loggedIn(DEMO.email, DEMO.password);
    const closed = await browser.call(home.action, "/accueil", { intent: "fermer-annonce" });
    expect(closed).toRedirectTo("/accueil", { status: 302 });
    const cookie = closed.headers.getSetCookie().find((c) => c.startsWith("pf_annonce_fermee="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Max-Age|Expires/i); // a browser-session cookie

    expect((await browser.call(home.loader, "/accueil")).data.announcement).toBeNull();
    expect((await browser.call(home.loader, "/accueil")).data.welcomeParagraphs).toHaveLength(3);

    await browser.call(logout.action, "/deconnexion", {});
    expect(browser.cookies.has("pf_annonce_fermee")).toBe(false);
    const again = await loggedIn(DEMO.email, DEMO.password);
    again.cookies = new Map([...browser.cookies, ...again.cookies]);
    expect((await again.call(home.loader, "/accueil")).data.announcement).toBe(ANNOUNCEMENT);
  });

  it("a closed announcement shows again when staff change it, and to another resident on the same browser", async () => {
    const browser = await loggedIn(DEMO.email, DEMO.password);
    await browser.call(home.action, "/accueil", { intent: "fermer-annonce" });
    const dismissed = browser.cookies.get("pf_annonce_fermee")!;

    await db.pg.query("update portal.portal_settings set announcement = 'Maintenance samedi de 8 h à 12 h.' where id");
    try {
      expect((await browser.call(home.loader, "/accueil")).data.announcement).toBe("Maintenance samedi de 8 h à 12 h.");
    } finally {
      await db.pg.query("update portal.portal_settings set announcement = $1 where id", [ANNOUNCEMENT]);
    }

    const other = await createOtherResident(db);
    const neighbour = await loggedIn(other.email, other.password);
    neighbour.cookies.set("pf_annonce_fermee", dismissed);
    expect((await neighbour.call(home.loader, "/accueil")).data.announcement).toBe(ANNOUNCEMENT);
  });

  it("shows no announcement box when staff set none", async () => {
    await db.pg.query("update portal.portal_settings set announcement = null where id");
    try {
      const browser = await loggedIn(DEMO.email, DEMO.password);
      expect((await browser.call(home.loader, "/accueil")).data.announcement).toBeNull();
    } finally {
      await db.pg.query("update portal.portal_settings set announcement = $1 where id", [ANNOUNCEMENT]);
    }
  });

  it("sends an anonymous visitor to the login page", async () => {
    const page = await new Browser().call(home.loader, "/accueil");
    expect(page).toRedirectTo("/connexion", { status: 302 });
    const post = await new Browser().call(home.action, "/accueil", { intent: "fermer-annonce" });
    expect(post.location).toMatch(/^\/connexion/);
  });
});
