import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as login from "~/routes/connexion/route";
import * as logout from "~/routes/deconnexion/route";
import * as layout from "~/routes/_espace.accueil/route";
import * as index from "~/routes/_index/route";
import type { Database } from "~/.server/embedded/database";
import { Browser, startPortal } from "../support/route-harness";

let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const DEMO = { email: "demo@demo.fr", password: "demo-factures" };
const GENERIC = "Adresse mail ou mot de passe incorrect.";

describe("Connexion", () => {
  it("logs the demo resident in with 'Se souvenir de moi': a cookie that lasts 30 days", async () => {
    const browser = new Browser();
    const result = await browser.call(login.action, "/connexion", { ...DEMO, remember: "on", redirectTo: "/accueil" });
    expect(result).toRedirectTo("/accueil", { status: 302 });
    const cookie = result.headers.getSetCookie().find((c) => c.startsWith("pf_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=2592000/);
    expect(cookie).not.toMatch(/Secure/); // served over http here; Secure when https
    const home = await browser.call(layout.loader, "/accueil");
    expect(home.data).toMatchObject({ frame: { displayName: "Test SISTEC560" } });
  });

  it("without 'Se souvenir de moi' sets a browser-session cookie (no Max-Age, no Expires)", async () => {
    const result = await new Browser().call(login.action, "/connexion", { ...DEMO, redirectTo: "/accueil" });
    const cookie = result.headers.getSetCookie().find((c) => c.startsWith("pf_session="));
    expect(cookie).toBeDefined();
    expect(cookie).not.toMatch(/Max-Age|Expires/i);
  });

  it("gives one generic message for a wrong password and for an unknown e-mail", async () => {
    const wrong = await new Browser().call(login.action, "/connexion", { email: DEMO.email, password: "pas-le-bon-1" });
    const unknown = await new Browser().call(login.action, "/connexion", { email: "inconnu@exemple.fr", password: "pas-le-bon-1" });
    expect(wrong.status).toBe(401);
    expect(wrong.data.formError).toContain(GENERIC);
    expect(unknown.data.formError).toBe(wrong.data.formError);
    expect(wrong).not.toHaveSessionCookie();
  });

  it("refuses an account that was never activated (no password yet) with the same generic message", async () => {
    await db.pg.query(`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
      values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'invite@exemple.fr', '', now(), now())`);
    const result = await new Browser().call(login.action, "/connexion", { email: "invite@exemple.fr", password: "" });
    expect(result.status).toBe(400); // empty password: a field error, not a login attempt
    const attempt = await new Browser().call(login.action, "/connexion", { email: "invite@exemple.fr", password: "nimporte-1" });
    expect(attempt.data.formError).toContain(GENERIC);
  });

  it("redirects an anonymous visitor of a private page to /connexion?redirectTo=… and back after login", async () => {
    const browser = new Browser();
    const blocked = await browser.call(layout.loader, "/mes-informations?x=1");
    expect(blocked).toRedirectTo("/connexion?redirectTo=%2Fmes-informations%3Fx%3D1");
    const back = await browser.call(login.action, "/connexion", { ...DEMO, redirectTo: "/mes-informations?x=1" });
    expect(back).toRedirectTo("/mes-informations?x=1");
  });

  it("sends a resident back to an invoice's PDF with a document redirect (a resource route: JavaScript navigation cannot show it)", async () => {
    const target = "/factures/1a000000-0000-4000-8000-000000000001/pdf";
    const back = await new Browser().call(login.action, "/connexion", { ...DEMO, redirectTo: target });
    expect(back).toRedirectTo(target);
    expect(back.headers.get("X-Remix-Reload-Document")).toBe("true");
    const page = await new Browser().call(login.action, "/connexion", { ...DEMO, redirectTo: "/factures/1a000000-0000-4000-8000-000000000001" });
    expect(page.headers.get("X-Remix-Reload-Document")).toBeNull();
  });

  it("never redirects off-site after login", async () => {
    for (const target of ["//evil.example", "https://evil.example/", "/\\evil.example"]) {
      const result = await new Browser().call(login.action, "/connexion", { ...DEMO, redirectTo: target });
      expect(result).toRedirectTo("/accueil");
    }
  });

  it("sends / to /connexion for visitors and to /accueil for residents", async () => {
    const browser = new Browser();
    expect(await browser.call(index.loader, "/")).toRedirectTo("/connexion");
    await browser.call(login.action, "/connexion", DEMO);
    expect(await browser.call(index.loader, "/")).toRedirectTo("/accueil");
    expect(await browser.call(login.loader, "/connexion")).toRedirectTo("/accueil");
  });

  it("Déconnexion ends the session on the server: the old cookie no longer opens the space", async () => {
    const browser = new Browser();
    await browser.call(login.action, "/connexion", { ...DEMO, remember: "on" });
    const stolen = { session: browser.cookies.get("pf_session")!.value, access: browser.cookies.get("pf_access")!.value };
    const out = await browser.call(logout.action, "/deconnexion", {});
    expect(out).toRedirectTo("/connexion");
    expect(browser.cookies.has("pf_session")).toBe(false);
    expect(browser.cookies.has("pf_access")).toBe(false);
    // Every old cookie replayed, the 5-minute access cookie included (still validly signed and
    // unexpired, so believed without a query): the page's SQL function finds the session ended
    // and the resident is sent to the login page (docs/decisions/0015-no-auth-round-trip.md).
    const replay = new Browser();
    replay.cookies.set("pf_session", { value: stolen.session, maxAge: null });
    replay.cookies.set("pf_access", { value: stolen.access, maxAge: null });
    const result = await replay.call(layout.loader, "/accueil");
    expect(result).toRedirectTo("/connexion");
    // Each cookie alone fares no better.
    for (const [name, value] of [["pf_session", stolen.session], ["pf_access", stolen.access]] as const) {
      const alone = new Browser();
      alone.cookies.set(name, { value, maxAge: null });
      expect((await alone.call(layout.loader, "/accueil")).location, name).toBe("/connexion");
    }
  });

  it("rejects a forged session cookie", async () => {
    const browser = new Browser();
    await browser.call(login.action, "/connexion", DEMO);
    const real = browser.cookies.get("pf_session")!.value;
    const [id] = real.split(".");
    browser.cookies.set("pf_session", { value: `${id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, maxAge: null });
    // Without a valid access cookie (expired, or never had one) the session row decides.
    browser.cookies.delete("pf_access");
    expect(await browser.call(layout.loader, "/accueil")).toRedirectTo("/connexion");
  });
});

describe("Throttling", () => {
  it("slows down then blocks repeated failures of one client on one e-mail, with a French retry time, even for the right password", async () => {
    const email = "demo@demo.fr";
    const client = () => {
      const browser = new Browser();
      browser.ip = "203.0.113.1";
      return browser;
    };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await client().call(login.action, "/connexion", { email, password: `faux-mot-${i}` }));
    expect(results.slice(0, 4).map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(results[4]!.status).toBe(429);
    const message = results[4]!.data.formError;
    expect(message).toMatch(/^Trop de tentatives de connexion\. Par sécurité, réessayez à partir (?:de|du \d\d\/\d\d\/\d{4} à) \d\d h \d\d\./);

    const right = await client().call(login.action, "/connexion", DEMO);
    expect(right.status).toBe(429);
    expect(right).not.toHaveSessionCookie();

    // Another client is not held by these failures (tests/security/login-throttle.test.ts).
    expect((await new Browser().call(login.action, "/connexion", DEMO)).status).toBe(302);

    // Once the wait is over, the right password works and clears this client's counter.
    await db.pg.query("update portal.login_throttle set blocked_until = now() - interval '1 second' where key = 'pair:203.0.113.1 demo@demo.fr'");
    const later = await client().call(login.action, "/connexion", DEMO);
    expect(later.status).toBe(302);
    const { rows } = await db.pg.query("select 1 from portal.login_throttle where key = 'pair:203.0.113.1 demo@demo.fr'");
    expect(rows).toHaveLength(0);
  });

  it("blocks one client that tries many e-mails", async () => {
    const browser = new Browser();
    browser.ip = "192.0.2.77";
    let last;
    for (let i = 0; i < 20; i++) {
      last = await browser.call(login.action, "/connexion", { email: `x${i}@exemple.fr`, password: "faux-mot-1" });
    }
    expect(last!.status).toBe(429);
    const elsewhere = new Browser();
    elsewhere.ip = "192.0.2.78";
    expect((await elsewhere.call(login.action, "/connexion", DEMO)).status).toBe(302);
  });
});
