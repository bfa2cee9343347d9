import { expect, test, type Page } from "@playwright/test";
import { DEMO, expectNoAxeViolations, login } from "./helpers";
import { accessibilityState } from "../app/utils/rgaa-audit";

/**
 * The footer of every page (app/components/site-footer.tsx) on a public page and behind login,
 * and the two public pages it adds, /plan-du-site and /aide: axe, with and without JavaScript, and
 * at 320 px without horizontal scrolling.
 */

test.describe.configure({ timeout: 60_000 });

const FOOTER_LINKS = [
  [`Accessibilité : ${accessibilityState()}`, "/accessibilite"],
  ["Mentions légales", "/mentions-legales"],
  ["Données personnelles", "/donnees-personnelles"],
  ["Plan du site", "/plan-du-site"],
  ["Aide", "/aide"],
] as const;

async function expectFooter(page: Page, contactHref: "/contact" | "/nous-contacter") {
  const nav = page.getByRole("contentinfo").getByRole("navigation", { name: "Pied de page" });
  for (const [name, href] of FOOTER_LINKS) await expect(nav.getByRole("link", { name, exact: true })).toHaveAttribute("href", href);
  await expect(nav.getByRole("link", { name: "Contact", exact: true })).toHaveAttribute("href", contactHref);
  await expect(nav.getByRole("link")).toHaveCount(FOOTER_LINKS.length + 1);
}

async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const root = document.scrollingElement!;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
  expect(scrollWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
}

const MODES = [
  { mode: "with JavaScript", javaScript: true },
  { mode: "without JavaScript", javaScript: false },
] as const;

for (const { mode, javaScript } of MODES) {
  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });
    // axe runs in the page: with JavaScript only.
    const axe = (page: Page) => (javaScript ? expectNoAxeViolations(page) : Promise.resolve());

    test("the footer's links on /connexion, then on /accueil signed in; « Plan du site » and « Aide » open from it", async ({ page }) => {
      await page.goto("/connexion");
      await expectFooter(page, "/nous-contacter");
      await page.getByRole("contentinfo").getByRole("link", { name: "Aide", exact: true }).click();
      await expect(page).toHaveURL(/\/aide$/);
      await expect(page.getByRole("heading", { level: 1, name: /Aide$/ })).toBeVisible();
      await expectFooter(page, "/nous-contacter");

      await login(page, DEMO.email, DEMO.password, { remember: false });
      await expectFooter(page, "/contact");
      await expect(page.getByRole("contentinfo")).toHaveCount(1);
      await page.getByRole("contentinfo").getByRole("link", { name: "Plan du site" }).click();
      await expect(page).toHaveURL(/\/plan-du-site$/);
      await expect(page.getByRole("heading", { level: 1, name: /Plan du site$/ })).toBeVisible();
      // Signed in: the page knows it, and so does its footer.
      await expectFooter(page, "/contact");
      await expect(page.getByRole("link", { name: "Retour à l'accueil" })).toBeVisible();
    });

    test("/plan-du-site lists the public pages and the resident's, marked « après connexion »; axe", async ({ page }) => {
      await page.goto("/plan-du-site");
      await expect(page).toHaveTitle("Plan du site — Le Portail des Factures");
      const publicPages = page.getByRole("region", { name: "Pages accessibles à tous" });
      await expect(publicPages.getByRole("link", { name: "J'active mon compte" })).toHaveAttribute("href", "/activation");
      await expect(publicPages.getByRole("link", { name: "Mentions légales" })).toHaveAttribute("href", "/mentions-legales");
      const residentPages = page.getByRole("region", { name: "Votre espace (après connexion)" });
      await expect(residentPages.getByRole("link", { name: "Factures en trésorerie" })).toHaveAttribute("href", "/factures?onglet=tresorerie");
      await expect(residentPages.getByRole("listitem").filter({ hasText: "Mes informations" }).first()).toContainText("(après connexion)");
      await axe(page);

      // A resident's page from the map: a visitor is asked to log in first.
      await residentPages.getByRole("link", { name: "Changer le mot de passe" }).click();
      await expect(page).toHaveURL(/\/connexion\?redirectTo=%2Fmes-informations%2Fmot-de-passe$/);
    });

    test("/aide answers the residents' questions under headings; axe", async ({ page }) => {
      await page.goto("/aide");
      await expect(page).toHaveTitle("Aide — Le Portail des Factures");
      for (const question of [
        "Je n'arrive pas à activer mon compte : mon adresse mail est inconnue",
        "Que contiennent les trois onglets de « Mes factures » ?",
        "Puis-je régler plusieurs factures en une seule fois ?",
        "Comment ne plus recevoir les factures papier ?",
        "J'ai oublié mon mot de passe",
        "Comment changer mon adresse mail ?",
      ]) {
        await expect(page.getByRole("heading", { level: 2, name: question })).toBeVisible();
      }
      await expect(page.getByRole("region", { name: "Que contiennent les trois onglets de « Mes factures » ?" })).toContainText(
        "Elles ne peuvent plus être payées sur ce portail.",
      );
      await axe(page);
    });

    test.describe("on a 320-px-wide phone", () => {
      test.use({ viewport: { width: 320, height: 640 } });

      test("no horizontal scrolling on /connexion, /plan-du-site, /aide and /accueil, footer included", async ({ page }) => {
        for (const path of ["/connexion", "/plan-du-site", "/aide"]) {
          await page.goto(path);
          await expect(page.getByRole("contentinfo")).toBeVisible();
          await expectNoHorizontalScroll(page);
        }
        await login(page, DEMO.email, DEMO.password, { remember: false });
        await expect(page.getByRole("contentinfo")).toBeVisible();
        await expectNoHorizontalScroll(page);
        await axe(page);
      });
    });
  });
}
