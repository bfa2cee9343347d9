import { expect, test } from "@playwright/test";
import { expectNoAxeViolations, login, newestEmailTo } from "./helpers";

/**
 * « Rattacher un contrat » (docs/resident-screens.md, docs/decisions/0040-contract-links.md): the
 * seed's rattachement@demo.fr, an account with no contract of its own, links a contract whose
 * e-mail is another (supabase/seed.sql) with the number and the amount of one of its invoices,
 * then finds that invoice in Mes factures; the contract's address is told at /dev/courriels. With
 * and without JavaScript, one contract per run (the runs may go at the same time on two workers).
 */
const ACCOUNT = { email: "rattachement@demo.fr", password: "rattachement-factures" } as const;
const RUNS = [
  { javaScript: true, contract: { number: "RATT0001", email: "contrat-rattachement@demo.fr", invoice: "2018-020-000701", amount: "54,30", shown: "54,30 €" } },
  { javaScript: false, contract: { number: "RATT0002", email: "contrat-rattachement-sans-js@demo.fr", invoice: "2018-020-000702", amount: "61.20", shown: "61,20 €" } },
] as const;

for (const { javaScript, contract } of RUNS) {
  test.describe(javaScript ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: javaScript });

    test("links a contract by one of its invoices, then finds the invoice in Mes factures", async ({ page }) => {
      await login(page, ACCOUNT.email, ACCOUNT.password);
      await page.goto("/mes-informations");
      await page.getByRole("link", { name: "Rattacher un contrat" }).click();
      await expect(page).toHaveURL(/\/mes-informations\/rattacher-un-contrat$/);
      await expect(page).toHaveTitle("Rattacher un contrat — Le Portail des Factures");
      await expect(page.getByRole("heading", { level: 1, name: "Rattacher un contrat" })).toBeVisible();
      if (javaScript) await expectNoAxeViolations(page);

      // A wrong amount: the one refusal, in French, the values kept.
      await page.getByLabel("Service").selectOption({ label: "Service Multi Services de démonstration" });
      await page.getByLabel("Numéro client").fill(contract.number);
      await page.getByLabel("Numéro d'une facture de ce contrat").fill(contract.invoice);
      await page.getByLabel("Montant de cette facture").fill("1,00");
      await page.getByRole("button", { name: "Rattacher le contrat" }).click();
      await expect(page.getByRole("alert")).toContainText("Ces informations ne correspondent à aucun contrat.");
      await expect(page.getByLabel("Numéro client")).toHaveValue(contract.number);
      if (javaScript) await expectNoAxeViolations(page);

      // A malformed amount: the error beside the field.
      await page.getByLabel("Montant de cette facture").fill("1e9");
      await page.getByRole("button", { name: "Rattacher le contrat" }).click();
      await expect(page.getByText("Ce montant est illisible.", { exact: false })).toBeVisible();

      await page.getByLabel("Montant de cette facture").fill(contract.amount);
      await page.getByRole("button", { name: "Rattacher le contrat" }).click();
      await expect(page).toHaveURL(/\/mes-informations\/rattacher-un-contrat\?rattache=1$/);
      await expect(page.getByRole("status")).toContainText("Le contrat est rattaché à votre compte : ses factures sont dans Mes factures.");
      if (javaScript) await expectNoAxeViolations(page);

      await page.getByRole("status").getByRole("link", { name: "Mes factures" }).click();
      await expect(page).toHaveURL(/\/factures$/);
      const row = page.getByRole("row").filter({ hasText: contract.invoice });
      await expect(row).toHaveCount(1);
      await expect(row).toContainText(contract.shown);

      // The contract's own address was told, with the account's address masked.
      const email = await newestEmailTo(page, contract.email, `Portail des factures : votre contrat n° ${contract.number} a été rattaché à un compte`);
      const body = email.getByTestId("email-body");
      await expect(body).toContainText("r***@demo.fr");
      await expect(body).not.toContainText(ACCOUNT.email);
    });
  });
}
