import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { DEMO, expectNoAxeViolations, login, logout, submitLogin } from "./helpers";

/**
 * Home, "Mes factures", an invoice, its PDF (labels: docs/e2e-invoices.md). demo@demo.fr
 * only READS here (the announcement's "Fermer" is a cookie of this browser context), so these
 * tests run in parallel with every other file. Each journey runs with and without JavaScript;
 * axe runs in the JavaScript runs (it needs scripts), on every screen and state.
 *
 * Not here: a second resident opening demo's invoice or PDF. The only other seeded resident,
 * nouveau@demo.fr, belongs to accounts-lifecycle.spec.ts, and no account can be created from the
 * browser; that case is covered under RLS by tests/invoices/pdf.test.ts and
 * tests/db/rls-invoices.test.ts. Here: an unknown and a malformed id give the very same 404.
 */

// axe on every screen makes these journeys long on 2 cores.
test.describe.configure({ timeout: 60_000 });

const INVOICE = {
  id: "1a000000-0000-4000-8000-000000000001",
  number: "2017-020-002059",
  pdf: fileURLToPath(new URL("../supabase/storage/invoices/004200/2017-020-002059.pdf", import.meta.url)),
} as const;
const PAID = { id: "1a000000-0000-4000-8000-000000000003", number: "2017-020-001512" } as const;
const TREASURY = { id: "1a000000-0000-4000-8000-000000000005", number: "2016-020-003305" } as const;

const ANNOUNCEMENT = "Portail de démonstration : les paiements sont simulés, aucune somme n'est prélevée.";
const TABS = [
  { label: "Factures non réglées", slug: "non-reglees", numbers: ["2017-020-002410", "2017-020-002059"] },
  { label: "Factures réglées", slug: "reglees", numbers: ["2017-020-001512", "2017-020-000731"] },
  { label: "Factures en trésorerie", slug: "tresorerie", numbers: ["2016-020-003305", "2016-020-002118"] },
] as const;

/** The value next to a term of the invoice's description list. */
function field(page: Page, term: string): Locator {
  return page.getByTestId("invoice-fields").locator(`dt:text-is("${term}") + dd`);
}

function announcement(page: Page): Locator {
  return page.getByRole("complementary", { name: "Information importante du service" });
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });
    const axe = async (page: Page) => {
      if (javaScript) await expectNoAxeViolations(page);
    };

    test("home: the announcement, « Fermer » hides it for the session, it is back after a new login", async ({ page }) => {
      await login(page, DEMO.email, DEMO.password, { remember: false });
      await expect(announcement(page)).toBeVisible();
      await expect(announcement(page)).toContainText(ANNOUNCEMENT);
      await expect(page.getByTestId("welcome-message").getByRole("paragraph").first()).toHaveText(
        "Bienvenue sur le portail des factures de votre service.",
      );
      await axe(page);

      await announcement(page).getByRole("button", { name: "Fermer" }).click();
      await expect(page).toHaveURL(/\/accueil$/);
      await expect(announcement(page)).toHaveCount(0);
      await expect(page.getByTestId("welcome-message")).toBeVisible();
      await axe(page);

      // Still hidden on the next visit in the same browser session.
      await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes factures" }).click();
      await expect(page).toHaveURL(/\/factures$/);
      await page.goto("/accueil");
      await expect(page.getByRole("heading", { level: 1, name: "Accueil" })).toBeVisible();
      await expect(announcement(page)).toHaveCount(0);

      // A new login shows it again.
      await logout(page);
      await login(page, DEMO.email, DEMO.password, { remember: false });
      await expect(announcement(page)).toContainText(ANNOUNCEMENT);

      await page.getByRole("link", { name: "Voir mes factures" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Mes factures" })).toBeVisible();
    });

    test("Mes factures: three tabs as links (the tab in the URL), columns, French formats, newest first, treasury explained", async ({ page }) => {
      await login(page, DEMO.email, DEMO.password, { remember: false });
      await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes factures" }).click();
      await expect(page).toHaveURL(/\/factures$/);
      const tabs = page.getByRole("navigation", { name: "Catégories de factures" });
      await expect(tabs.getByRole("link")).toHaveText([/^Factures non réglées \(2\)$/, /^Factures réglées \(2\)$/, /^Factures en trésorerie \(2\)$/]);

      for (const tab of TABS) {
        await tabs.getByRole("link", { name: `${tab.label} (2)` }).click();
        await expect(page).toHaveURL(new RegExp(`/factures\\?onglet=${tab.slug}$`));
        await expect(tabs.getByRole("link", { name: `${tab.label} (2)` })).toHaveAttribute("aria-current", "page");
        await expect(tabs.locator('[aria-current="page"]')).toHaveCount(1);
        await expect(page.getByRole("heading", { level: 2, name: tab.label })).toBeVisible();
        await expect(page).toHaveTitle(`${tab.label} — Mes factures — Le Portail des Factures`);

        const table = page.getByRole("region", { name: new RegExp(`^${tab.label}, de la plus récente à la plus ancienne`) }).getByRole("table");
        await expect(table.getByRole("columnheader")).toHaveText(["Date", "Echéance", "Montant", "Numéro", "Objet"]);
        await expect(table.locator("tbody tr td:nth-child(4)")).toHaveText([...tab.numbers]);
        await expect(page.getByTestId("empty-tab")).toHaveCount(0);
        await expect(page.getByRole("navigation", { name: "Pages de factures" })).toHaveCount(0);
        if (tab.slug === "tresorerie") {
          const explanation = page.getByTestId("treasury-explanation");
          await expect(explanation).toHaveText(/^Les factures en trésorerie n'ont pas été réglées dans les délais imposés/);
          await expect(explanation).toContainText("Un avis de somme à payer vous sera transmis par courrier");
        } else {
          await expect(page.getByTestId("treasury-explanation")).toHaveCount(0);
        }
        await axe(page);
      }

      // The row of the manual, in French formats.
      await tabs.getByRole("link", { name: "Factures non réglées (2)" }).click();
      await expect(page).toHaveURL(/onglet=non-reglees$/);
      const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: INVOICE.number, exact: true }) });
      await expect(row.getByRole("cell")).toHaveText(["10/07/2017", "21/07/2017", /^243,11\s€$/, INVOICE.number, "Multi Services"]);

      await row.getByRole("link", { name: INVOICE.number }).click();
      await expect(page).toHaveURL(new RegExp(`/factures/${INVOICE.id}$`));
      await expect(page.getByRole("heading", { level: 1, name: `Facture n° ${INVOICE.number}` })).toBeVisible();
      await page.getByRole("link", { name: "Retour à mes factures" }).click();
      await expect(page).toHaveURL(/\/factures\?onglet=non-reglees$/);
    });

    test(`invoice ${INVOICE.number}: every field, the status in words, « Télécharger PDF » gives the PDF, « Payer la facture »`, async ({ page }) => {
      await login(page, DEMO.email, DEMO.password, { remember: false });
      await page.goto("/factures");
      await page.getByRole("link", { name: INVOICE.number, exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: `Facture n° ${INVOICE.number}` })).toBeVisible();
      await expect(page).toHaveTitle(`Facture ${INVOICE.number} — Le Portail des Factures`);
      await expect(page.getByTestId("invoice-fields").locator("dt")).toHaveText(["Numéro", "Date", "Echéance", "Montant", "Objet", "Statut", "Abonné", "Service"]);
      await expect(field(page, "Numéro")).toHaveText(INVOICE.number);
      await expect(field(page, "Date")).toHaveText("10/07/2017");
      await expect(field(page, "Echéance")).toHaveText("21/07/2017");
      await expect(field(page, "Montant")).toHaveText(/^243,11\s€$/);
      await expect(field(page, "Objet")).toHaveText("Multi Services");
      await expect(field(page, "Statut")).toHaveText("Non réglée");
      await expect(field(page, "Abonné")).toHaveText("Test SISTEC560 (n° SISTEC560)");
      await expect(field(page, "Service")).toHaveText("Service Multi Services de démonstration");

      const actions = page.getByRole("region", { name: "Actions" });
      await expect(actions.getByRole("link", { name: "Payer la facture" })).toHaveAttribute("href", `/paiement?facture=${INVOICE.id}`);
      const pdfLink = actions.getByRole("link", { name: "Télécharger PDF" });
      await expect(pdfLink).toHaveAttribute("href", `/factures/${INVOICE.id}/pdf`);
      await axe(page);

      const expected = await readFile(INVOICE.pdf);
      const downloadPromise = page.waitForEvent("download");
      await pdfLink.click();
      const download = await downloadPromise;
      expect(download.suggestedFilename()).toBe(`facture-${INVOICE.number}.pdf`);
      const path = await download.path();
      const bytes = await readFile(path);
      expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(bytes.length).toBe((await stat(INVOICE.pdf)).size);
      expect(bytes.equals(expected)).toBe(true);

      // The headers, with this browser's session.
      const response = await page.request.get(`/factures/${INVOICE.id}/pdf`);
      expect(response.status()).toBe(200);
      expect(response.headers()["content-type"]).toBe("application/pdf");
      expect(response.headers()["content-disposition"]).toBe(`attachment; filename="facture-${INVOICE.number}.pdf"`);
      expect(response.headers()["content-length"]).toBe(String(expected.length));
      expect(response.headers()["cache-control"]).toBe("private, no-store");
    });

    test("a paid invoice has nothing to pay; a treasury invoice says why it cannot be paid here and what to do", async ({ page }) => {
      await login(page, DEMO.email, DEMO.password, { remember: false });
      await page.goto("/factures?onglet=reglees");
      await page.getByRole("link", { name: PAID.number, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/factures/${PAID.id}$`));
      await expect(field(page, "Statut")).toHaveText("Réglée");
      await expect(field(page, "Réglée le")).toHaveText("18/04/2017");
      await expect(page.getByText("Cette facture est réglée : vous n'avez rien à payer.")).toBeVisible();
      await expect(page.getByRole("link", { name: "Payer la facture" })).toHaveCount(0);
      await expect(page.getByRole("link", { name: "Télécharger PDF" })).toBeVisible();
      await axe(page);
      await page.getByRole("link", { name: "Retour à mes factures" }).click();
      await expect(page).toHaveURL(/\/factures\?onglet=reglees$/);

      await page.goto("/factures?onglet=tresorerie");
      await page.getByRole("link", { name: TREASURY.number, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/factures/${TREASURY.id}$`));
      await expect(field(page, "Statut")).toHaveText("Transmise en trésorerie (ne peut plus être payée sur le portail)");
      const why = page.getByRole("region", { name: "Actions" }).getByTestId("treasury-explanation");
      await expect(why).toContainText("Elles ne peuvent plus être payées sur ce portail.");
      await expect(why).toContainText("Un avis de somme à payer vous sera transmis par courrier pour procéder au règlement.");
      await expect(why).toContainText("écrivez au service depuis la rubrique « Contact »");
      await expect(page.getByRole("link", { name: "Payer la facture" })).toHaveCount(0);
      await expect(page.getByRole("link", { name: "Télécharger PDF" })).toBeVisible();
      await axe(page);
    });

    test("an unknown or malformed invoice id: the same 404 for the page and the PDF; an anonymous PDF request goes to the login page", async ({ page, playwright, baseURL }) => {
      const anonymous = await playwright.request.newContext({ baseURL });
      const pdfUrl = `/factures/${INVOICE.id}/pdf`;
      const redirected = await anonymous.get(pdfUrl, { maxRedirects: 0 });
      expect(redirected.status()).toBe(302);
      expect(redirected.headers()["location"]).toBe(`/connexion?redirectTo=${encodeURIComponent(pdfUrl)}`);
      const anonymousUnknown = await anonymous.get(`/factures/${randomUUID()}/pdf`, { maxRedirects: 0 });
      expect(anonymousUnknown.status()).toBe(302); // nothing tells an anonymous visitor whether an id exists
      await anonymous.dispose();

      await login(page, DEMO.email, DEMO.password, { remember: false });
      for (const id of [randomUUID(), "pas-un-identifiant"]) {
        const response = await page.goto(`/factures/${id}`);
        expect(response?.status()).toBe(404);
        await expect(page.getByRole("heading", { level: 1, name: "Facture introuvable" })).toBeVisible();
        await expect(page.getByRole("navigation", { name: "Menu principal" })).toBeVisible();
        await axe(page);
      }
      await page.getByRole("link", { name: "Voir mes factures" }).click();
      await expect(page).toHaveURL(/\/factures$/);

      const unknownPdf = await page.request.get(`/factures/${randomUUID()}/pdf`);
      const malformedPdf = await page.request.get("/factures/pas-un-identifiant/pdf");
      expect([unknownPdf.status(), malformedPdf.status()]).toEqual([404, 404]);
      expect(unknownPdf.headers()["content-type"]).toBe("text/html; charset=utf-8");
      expect((await unknownPdf.body()).equals(await malformedPdf.body())).toBe(true);

      const shown = await page.goto(`/factures/${randomUUID()}/pdf`);
      expect(shown?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1, name: "Facture introuvable" })).toBeVisible();
      await axe(page);
      await page.getByRole("link", { name: "Voir mes factures" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Mes factures" })).toBeVisible();
    });

    test("an anonymous visitor following a PDF link logs in and gets the PDF", async ({ page }) => {
      await page.goto(`/factures/${INVOICE.id}`);
      await expect(page).toHaveURL(new RegExp(`/connexion\\?redirectTo=${encodeURIComponent(`/factures/${INVOICE.id}`)}$`));
      await submitLogin(page, DEMO.email, DEMO.password, { remember: false });
      await expect(page.getByRole("heading", { level: 1, name: `Facture n° ${INVOICE.number}` })).toBeVisible();
      await logout(page);

      // The PDF's own URL (e.g. a bookmark): after the login, the browser downloads the file.
      await page.goto("/connexion?redirectTo=" + encodeURIComponent(`/factures/${INVOICE.id}/pdf`));
      const downloadPromise = page.waitForEvent("download");
      await submitLogin(page, DEMO.email, DEMO.password, { remember: false });
      const download = await downloadPromise;
      expect(download.suggestedFilename()).toBe(`facture-${INVOICE.number}.pdf`);
      const bytes = await readFile(await download.path());
      expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    });

    test.describe("on a 360-px-wide phone", () => {
      test.use({ viewport: { width: 360, height: 740 }, isMobile: false, hasTouch: true });

      /** No horizontal scrolling of the page itself (a wide table may scroll inside its own region). */
      async function expectNoHorizontalScroll(page: Page) {
        const html = page.locator("html");
        expect(await html.evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(360);
      }

      test("the home page fits, and the menu is reachable with the keyboard", async ({ page }) => {
        await login(page, DEMO.email, DEMO.password, { remember: false });
        await expect(announcement(page)).toBeVisible();
        await expectNoHorizontalScroll(page);
        await axe(page);

        // Keyboard only: the skip link, the portal name, then the menu in order.
        await page.keyboard.press("Tab");
        await expect(page.getByRole("link", { name: "Aller au contenu" })).toBeFocused();
        await page.keyboard.press("Tab");
        await expect(page.getByRole("banner").getByRole("link", { name: "LE PORTAIL DES FACTURES" })).toBeFocused();
        const menu = page.getByRole("navigation", { name: "Menu principal" });
        for (const name of ["Mes factures", "Mes paiements", "Mes informations", "Contact"]) {
          await page.keyboard.press("Tab");
          await expect(menu.getByRole("link", { name })).toBeFocused();
        }
        await page.keyboard.press("Tab");
        await expect(menu.getByRole("button", { name: "Déconnexion" })).toBeFocused();
        for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+Tab");
        await expect(menu.getByRole("link", { name: "Mes factures" })).toBeFocused();
        await page.keyboard.press("Enter");
        await expect(page).toHaveURL(/\/factures$/);
        await expect(page.getByRole("heading", { level: 1, name: "Mes factures" })).toBeVisible();
      });

      test("the invoice tabs, an invoice, Mes informations and Contact fit without horizontal scrolling", async ({ page }) => {
        await login(page, DEMO.email, DEMO.password, { remember: false });
        for (const tab of TABS) {
          await page.goto(`/factures?onglet=${tab.slug}`);
          // Phones get one card per invoice instead of the table.
          const cards = page.getByRole("list", { name: `${tab.label}, de la plus récente à la plus ancienne` });
          await expect(cards.getByRole("link")).toHaveText(tab.numbers.map((n) => `Facture n° ${n}`));
          await expect(page.getByRole("table")).toBeHidden();
          await expectNoHorizontalScroll(page);
          await axe(page);
        }
        await page.goto("/factures");
        await page.getByRole("link", { name: `Facture n° ${INVOICE.number}` }).click();
        await expect(page.getByRole("heading", { level: 1, name: `Facture n° ${INVOICE.number}` })).toBeVisible();
        await expect(page.getByRole("link", { name: "Télécharger PDF" })).toBeVisible();
        await expect(page.getByRole("link", { name: "Payer la facture" })).toBeVisible();
        await expectNoHorizontalScroll(page);
        await axe(page);

        for (const [path, heading] of [
          ["/mes-informations", "Mes informations"],
          ["/contact", "Contacter le service"],
        ] as const) {
          await page.goto(path);
          await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
          await expectNoHorizontalScroll(page);
          await axe(page);
        }
      });
    });
  });
}
