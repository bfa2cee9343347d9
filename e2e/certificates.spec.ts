import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, expectNoAxeViolations, login } from "./helpers";

/**
 * « Attestations de paiement » of demo@demo.fr, with and without JavaScript: from Mes factures to
 * /attestations, then the 2017 certificate of record SISTEC560 downloaded through its link and
 * checked (a PDF, its file name, the seed's two invoices paid in 2017 and their total). Read only:
 * nothing is posted but the login; only the seed's 2017 payments are checked, not the years other
 * journeys may add (docs/decisions/0037-payment-certificates.md).
 */

const LINK_2017 = "Attestation de paiement 2017, abonné n° SISTEC560 (PDF)";

async function openPage(page: Page) {
  await login(page, DEMO.email, DEMO.password, { remember: false });
  await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes factures" }).click();
  await expect(page).toHaveURL(/\/factures$/);
  await page.getByRole("link", { name: "Attestations de paiement (factures payées par année)" }).click();
  await expect(page).toHaveURL(/\/attestations$/);
  await expect(page.getByRole("heading", { level: 1, name: "Attestations de paiement" })).toBeVisible();
  await expect(page).toHaveTitle("Attestations de paiement — Le Portail des Factures");
}

const MODES = [
  ["with JavaScript", true],
  ["without JavaScript", false],
] as const;

for (const [mode, javaScript] of MODES) {
  test.describe(mode, () => {
    test.use({ acceptDownloads: true, javaScriptEnabled: javaScript });

    test("from Mes factures, the record's years of payment, and the 2017 certificate downloaded", async ({ page }) => {
      await openPage(page);
      await expect(page.getByRole("heading", { level: 2, name: "Test SISTEC560, abonné n° SISTEC560" })).toBeVisible();
      await expect(page.getByTestId("no-certificate")).toHaveCount(0);
      if (javaScript) await expectNoAxeViolations(page);

      const waiting = page.waitForEvent("download");
      await page.getByRole("link", { name: LINK_2017, exact: true }).click();
      const download = await waiting;
      expect(download.suggestedFilename()).toBe("attestation-service-multi-services-de-demonstration-SISTEC560-2017.pdf");
      const text = (await readFile((await download.path())!)).toString("latin1");
      expect(text.startsWith("%PDF-")).toBe(true);
      // Uncompressed streams (docs/decisions/0023-pdf-library.md): the title is in the Info dictionary as is.
      expect(text).toContain("(Attestation de paiement 2017 - SISTEC560)");
      // Still on the page: a download does not navigate away.
      await expect(page).toHaveURL(/\/attestations$/);
    });

    test("the page fits a phone (320 px); another resident's or a malformed file is « Attestation introuvable »", async ({ page }) => {
      await openPage(page);
      await page.setViewportSize({ width: 320, height: 640 });
      await page.reload();
      // No horizontal scrolling at 320 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await expect(page.getByRole("link", { name: LINK_2017, exact: true })).toBeVisible();
      // paiement@demo.fr's record PAIE0001 (supabase/seed.sql), then a malformed year.
      for (const path of ["/attestations/c0000000-0000-4000-8000-000000000021/2017.pdf", "/attestations/c0000000-0000-4000-8000-000000000001/17.pdf"]) {
        const response = await page.goto(path);
        expect(response?.status()).toBe(404);
        await expect(page.getByRole("heading", { level: 1, name: "Attestation introuvable" })).toBeVisible();
      }
    });
  });
}

test("a visitor is sent to the login page", async ({ page }) => {
  await page.goto("/attestations");
  await expect(page).toHaveURL(/\/connexion\?redirectTo=%2Fattestations$/);
});
