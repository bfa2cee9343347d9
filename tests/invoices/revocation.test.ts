import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { requireResident } from "~/.server/resident";
import * as login from "~/routes/connexion/route";
import * as logout from "~/routes/deconnexion/route";
import * as factures from "~/routes/_espace.factures/route";
import * as motDePasse from "~/routes/_espace.mes-informations_.mot-de-passe/route";
import * as pdf from "~/routes/factures.$id.pdf/route";
import { Browser, startPortal } from "../support/route-harness";
import { DEMO, loggedIn } from "../support/residents";

/**
 * Revocation on the embedded default: SQL checks in every page's one call that the Auth session
 * is still live (portal.require_live_session), so an ended session reads nothing more — even a
 * request that was already past its cookie check when the session ended — and the resident is
 * sent to the login page with the session cookie cleared, without a loop.
 */
let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const sessionCookie = (browser: Browser) => browser.cookies.get("pf_session")?.value;

/** A second tab of the same browser: the same session cookie. */
function secondTab(browser: Browser): Browser {
  const tab = new Browser();
  for (const [name, cookie] of browser.cookies) tab.cookies.set(name, { ...cookie });
  return tab;
}

describe("requireResident hands a route only the ports it asks for (app/.server/resident.ts)", () => {
  it("nothing asked: the user and the accounts object only", async () => {
    const browser = await loggedIn(DEMO.email, DEMO.password);
    const resident = await requireResident(browser.request("/mes-informations/adresse-mail"));
    expect(Object.keys(resident).sort()).toEqual(["accounts", "user"]);
    expect(resident.user.email).toBe(DEMO.email);
  });

  it("each port carries its own methods and no other", async () => {
    const browser = await loggedIn(DEMO.email, DEMO.password);
    const all = await requireResident(browser.request("/accueil"), { home: true, invoices: true, info: true, payment: true, contact: true, files: true });
    const methods = (port: object) => Object.keys(port).sort();
    expect(methods(all.home)).toEqual(["homePage"]);
    expect(methods(all.invoices)).toEqual(["invoicePage", "invoicesPage"]);
    expect(methods(all.info)).toEqual(["framePage", "infoPage", "requestPaperOptout"]);
    expect(methods(all.payment)).toEqual(["failPaymentStart", "paymentPage", "paymentReceipt", "paymentReturnPage", "paymentsPage", "setPaymentIdop", "startPayment"]);
    expect(methods(all.contact)).toEqual(["contactPage", "sendContactMessage"]);
    expect(methods(all.files)).toEqual(["invoicePdf", "invoicePdfList"]);

    const { payment, ...rest } = await requireResident(browser.request("/paiement"), { payment: true });
    expect(Object.keys(rest).sort()).toEqual(["accounts", "user"]);
    const page = await payment.paymentPage();
    expect(page.frame.displayName).toBe("Test SISTEC560");
    expect(page.invoices.length).toBeGreaterThan(0);
  });

  it("a port of each domain ends a session found dead: sign-out and the login page", async () => {
    const cases = [
      ["/accueil", "home", "homePage"],
      ["/mes-informations", "info", "infoPage"],
      ["/paiement", "payment", "paymentPage"],
      ["/contact", "contact", "contactPage"],
    ] as const;
    for (const [path, domain, method] of cases) {
      const browser = await loggedIn(DEMO.email, DEMO.password);
      // The request is past its cookie check when the session ends.
      const resident = await requireResident(browser.request(path), { [domain]: true });
      const port = (resident as unknown as Record<string, Record<string, () => Promise<unknown>>>)[domain]!;
      expect((await browser.call(logout.action, "/deconnexion", {})).status).toBe(302);
      const thrown = await port[method]!().catch((e: unknown) => e);
      expect(thrown, path).toBeInstanceOf(Response);
      const response = thrown as Response;
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(path === "/accueil" ? "/connexion" : `/connexion?redirectTo=${encodeURIComponent(path)}`);
      expect(response.headers.getSetCookie().some((c) => c.startsWith("pf_session=;") && /max-age=0/i.test(c))).toBe(true);
    }
  });
});

describe("a session ended elsewhere reads nothing more", () => {
  it("logout in one tab while the other's page is loading: that page's one call is refused, the tab goes to /connexion", async () => {
    const tabA = await loggedIn(DEMO.email, DEMO.password);
    const tabB = secondTab(tabA);
    // B's request is past its cookie check (getUser found the session live)…
    const resident = await requireResident(tabB.request("/factures?onglet=reglees"), { invoices: true });
    // …when A logs out, which ends the session on the server.
    expect((await tabA.call(logout.action, "/deconnexion", {})).status).toBe(302);

    const thrown = await resident.invoices.invoicesPage({ status: "paid", limit: 21 }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    const response = thrown as Response;
    expect(response).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/factures?onglet=reglees")}`, { status: 302 });
    expect(response).toClearSessionCookie();

    // Its next page: the login page, which shows the form (no user, no loop back).
    const next = await tabB.call(factures.loader, "/factures");
    expect(next).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/factures")}`, { status: 302 });
    tabB.cookies.delete("pf_session");
    expect((await tabB.call(login.loader, "/connexion?redirectTo=%2Ffactures")).status).toBe(200);
  });

  it("the PDF download too", async () => {
    const tabA = await loggedIn(DEMO.email, DEMO.password);
    const resident = await requireResident(secondTab(tabA).request("/factures/1a000000-0000-4000-8000-000000000001/pdf"), { files: true });
    await tabA.call(logout.action, "/deconnexion", {});
    const thrown = await resident.files.invoicePdf("1a000000-0000-4000-8000-000000000001").catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).headers.get("location")).toMatch(/^\/connexion\?redirectTo=/);
    // The route itself, for a cookie whose session is gone: the login page, never the file.
    const gone = secondTab(tabA);
    const outcome = await gone.call(pdf.loader, "/factures/1a000000-0000-4000-8000-000000000001/pdf", undefined, { id: "1a000000-0000-4000-8000-000000000001" });
    expect(outcome.status).toBe(302);
  });

  it("two sessions of one resident: a password change in one ends the other, whose next page is the login page", async () => {
    const laptop = await loggedIn(DEMO.email, DEMO.password);
    const phone = await loggedIn(DEMO.email, DEMO.password);
    expect(sessionCookie(laptop)).not.toBe(sessionCookie(phone));
    expect((await phone.call(factures.loader, "/factures")).status).toBe(200);

    const changed = await laptop.call(motDePasse.action, "/mes-informations/mot-de-passe", {
      currentPassword: DEMO.password,
      newPassword: "nouveau-mot-de-passe-2026",
    });
    expect(changed.status).toBe(302);

    const next = await phone.call(factures.loader, "/factures");
    expect(next).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/factures")}`, { status: 302 });
    expect((await laptop.call(factures.loader, "/factures")).status).toBe(200);
  });
});
