import { expect, test, type Page } from "@playwright/test";
import { expectNoAxeViolations, login } from "./helpers";

/**
 * « Mes paiements » (docs/resident-screens.md): a resident of its own that no other file reads,
 * historique@demo.fr (supabase/seed.sql), pays one invoice through the local DGFiP simulator, then
 * finds the payment in Mes paiements, its line on the invoice's page, and downloads the receipt;
 * with and without JavaScript, one invoice per run: each run finds its own payment by its invoice.
 */
const HISTORIQUE = { email: "historique@demo.fr", password: "historique-factures" } as const;
const RUNS = [
  { javaScript: true, invoice: { id: "1a000000-0000-4000-8000-0000000006a1", number: "2018-020-000601" } },
  { javaScript: false, invoice: { id: "1a000000-0000-4000-8000-0000000006a2", number: "2018-020-000602" } },
] as const;

/** Invoice page → selection → confirmation → the simulator's « Payer » → the result page. */
async function payThroughSimulator(page: Page, invoiceId: string) {
  await page.goto(`/factures/${invoiceId}`);
  await page.getByRole("link", { name: "Payer la facture" }).click();
  await page.getByRole("button", { name: "Payer la facture", exact: true }).click();
  await expect(page).toHaveURL(/\/paiement\/confirmation\?/);
  await page.getByRole("button", { name: "Payer la facture sur le portail PayFiP" }).click();
  await expect(page).toHaveURL(/\/simulateur-dgfip\/tpa\/paiementws\.web\?idop=/);
  await page.getByRole("button", { name: "Payer", exact: true }).click();
  await expect(page).toHaveURL(/\/paiement\/retour\?/);
  await expect(page.getByTestId("payment-result")).toHaveAttribute("data-status", "paid");
}

for (const { javaScript, invoice } of RUNS) {
  test.describe(javaScript ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: javaScript });

    test("pays an invoice, then finds it in « Mes paiements » and downloads its receipt", async ({ page }) => {
      await login(page, HISTORIQUE.email, HISTORIQUE.password);
      await payThroughSimulator(page, invoice.id);

      await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes paiements" }).click();
      await expect(page).toHaveURL(/\/paiements$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mes paiements");
      const table = page.getByRole("table", { name: /Mes paiements en ligne/ });
      await expect(table).toBeVisible();
      // This run's payment, found by its invoice: the other run (another worker) may pay at the same
      // time, so which of the two is newest is not fixed.
      const row = table.getByRole("row").filter({ hasText: invoice.number });
      await expect(row).toHaveCount(1);
      await expect(row).toContainText("réglé");
      await expect(row).toContainText("PayFiP");
      await expect(table.getByRole("columnheader")).toHaveText([
        "Date et heure", "Montant", "Factures", "Service", "Mode", "Référence", "N° d'autorisation", "Statut", "Justificatif",
      ]);
      if (javaScript) await expectNoAxeViolations(page);

      const link = row.getByRole("link", { name: /^Justificatif/ });
      const href = (await link.getAttribute("href"))!;
      expect(href).toMatch(/^\/paiements\/[0-9a-f-]{36}\/justificatif\.pdf$/);
      if (javaScript) {
        const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
        expect(download.suggestedFilename()).toMatch(/^justificatif-paiement-\d{4}-\d{2}-\d{2}-[A-Za-z0-9]+\.pdf$/);
      }
      const response = await page.request.get(href);
      expect(response.status()).toBe(200);
      expect(response.headers()["content-type"]).toBe("application/pdf");
      expect(response.headers()["cache-control"]).toBe("private, no-store");
      expect((await response.body()).subarray(0, 5).toString()).toBe("%PDF-");

      await page.goto(`/factures/${invoice.id}`);
      await expect(page.getByTestId("paid-online")).toContainText(/Réglée en ligne le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2} \(réf\. [A-Za-z0-9]+\)/);
      if (javaScript) await expectNoAxeViolations(page);

      // On a phone: the same payments as cards, nothing wider than the screen.
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto("/paiements");
      await expect(page.getByRole("list", { name: "Mes paiements, du plus récent au plus ancien" })).toContainText(invoice.number);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    });
  });
}
