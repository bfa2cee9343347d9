import { expect, test, type Page } from "@playwright/test";
import { DEMO, expectNoAxeViolations, login } from "./helpers";

/**
 * /mentions-legales and /donnees-personnelles: public pages, in French, readable without
 * JavaScript and on a 320 px wide phone, with no axe violation (axe needs JavaScript: it runs in
 * the JavaScript pass). The embedded default's seed fills every field (supabase/seed.sql), so
 * no "Information non renseignée" warning shows here (tests/legal/ covers the warnings).
 */

async function expectMentions(page: Page) {
  await expect(page).toHaveTitle("Mentions légales — Le Portail des Factures");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1, name: /Mentions légales/ })).toBeVisible();
  for (const heading of ["Éditeur du portail", "Directeur de la publication", "Hébergeur", "Données personnelles et cookies"]) {
    await expect(page.getByRole("heading", { level: 2, name: heading })).toBeVisible();
  }
  await expect(page.getByText("Commune de Démoville (démonstration)", { exact: true })).toBeVisible();
  await expect(page.getByText("00000000000018")).toBeVisible();
  await expect(page.getByText("Hébergeur de démonstration")).toBeVisible();
  await expect(page.getByText("Information non renseignée")).toHaveCount(0);
}

async function expectDonnees(page: Page) {
  await expect(page).toHaveTitle("Données personnelles — Le Portail des Factures");
  await expect(page.getByRole("heading", { level: 1, name: /Données personnelles/ })).toBeVisible();
  await expect(page.getByText("RGPD, article 6, paragraphe 1, point e")).toBeVisible();
  await expect(page.getByText("120 mois (10 ans)")).toBeVisible();
  await expect(page.getByRole("link", { name: "dpo@demoville.example" })).toHaveAttribute("href", "mailto:dpo@demoville.example");
  await expect(page.getByRole("link", { name: "cnil.fr" })).toHaveAttribute("href", "https://www.cnil.fr/fr/plaintes");
  // The embedded default's own cookies, no Supabase one.
  await expect(page.getByText("pf_session", { exact: true })).toBeVisible();
  await expect(page.getByText("pf_access", { exact: true })).toBeVisible();
  await expect(page.getByText(/sb-.*-auth-token/)).toHaveCount(0);
}

for (const javaScript of [true, false]) {
  test.describe(javaScript ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: javaScript });

    test("a visitor reads the legal notices, follows the link to the personal data page, and back", async ({ page }) => {
      await page.goto("/mentions-legales");
      await expectMentions(page);
      if (javaScript) await expectNoAxeViolations(page);
      await page.getByRole("main").getByRole("link", { name: "Données personnelles" }).click();
      await expect(page).toHaveURL(/\/donnees-personnelles$/);
      await expectDonnees(page);
      if (javaScript) await expectNoAxeViolations(page);
      await page.getByRole("main").getByRole("link", { name: "Mentions légales" }).click();
      await expect(page).toHaveURL(/\/mentions-legales$/);
    });

    test("on a 320 px phone, nothing is wider than the screen", async ({ page }) => {
      await page.setViewportSize({ width: 320, height: 640 });
      for (const path of ["/mentions-legales", "/donnees-personnelles"]) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        // The page's width as the browser laid it out (works without the page's JavaScript).
        const box = await page.locator("main").boundingBox();
        expect(box && box.width <= 320, path).toBe(true);
        const widest = await page.locator("main *").evaluateAll((nodes) => Math.max(...nodes.map((n) => n.getBoundingClientRect().right)));
        expect(widest, path).toBeLessThanOrEqual(320);
        if (javaScript) await expectNoAxeViolations(page);
      }
    });
  });
}

test("a signed-in resident reads the same pages", async ({ page }) => {
  await login(page, DEMO.email, DEMO.password, { remember: false });
  await page.goto("/mentions-legales");
  await expectMentions(page);
  await page.goto("/donnees-personnelles");
  await expectDonnees(page);
});
