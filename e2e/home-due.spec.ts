import { expect, test, type Page } from "@playwright/test";
import { DEMO, expectNoAxeViolations, login } from "./helpers";

/**
 * « Factures à régler » on /accueil and the payment selection it opens on one service
 * (docs/resident-screens.md, « Accueil »; docs/decisions/0035-home-due-summary.md). Read only:
 * nothing is paid here. demo@demo.fr's invoices are paid by no spec, so its figures are exact;
 * paiement@demo.fr's are paid by e2e/payment.spec.ts in parallel, so for that resident only what
 * no payment changes is asserted: its suspended service, and that each « Payer » opens the
 * selection on its own service.
 */
const PAIEMENT = { email: "paiement@demo.fr", password: "paiement-factures" } as const;
const SUSPENDED = "Restauration scolaire de démonstration";

test.describe.configure({ timeout: 60_000 });

const due = (page: Page) => page.getByRole("region", { name: "Factures à régler" });
/** Intl's narrow no-break spaces as plain spaces. */
const plain = (text: string | null) => (text ?? "").replace(/[\u202f\u00a0]/g, " ");

for (const javaScript of [true, false]) {
  test.describe(javaScript ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: javaScript });
    const axe = async (page: Page) => {
      if (javaScript) await expectNoAxeViolations(page);
    };

    test("one service: the totals, the treasury apart, « Payer mes factures » opens the selection on it", async ({ page }) => {
      await login(page, DEMO.email, DEMO.password, { remember: false });
      const block = due(page);
      expect(plain(await block.getByTestId("due-total").textContent())).toBe(
        "2 factures à régler, pour un total de 330,61 €. Prochaine échéance : 21/07/2017.",
      );
      await expect(block.getByTestId("due-treasury")).toContainText("2 factures ont été transmises en trésorerie");
      await expect(block.getByRole("link", { name: "Voir les factures en trésorerie" })).toHaveAttribute("href", "/factures?onglet=tresorerie");
      await axe(page);

      await block.getByRole("link", { name: "Payer mes factures" }).click();
      await expect(page).toHaveURL(/\/paiement\?service=004200$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sélection des factures pour le règlement");
      await expect(page.getByRole("group")).toHaveCount(1);
      await expect(page.getByRole("checkbox", { name: "Régler la facture 2017-020-002059" })).not.toBeChecked();
      // One service only: no link to others.
      await expect(page.getByRole("link", { name: "Voir les factures des autres services" })).toHaveCount(0);
      await axe(page);
    });

    test("several services: one line each, no link for the suspended one, each « Payer » opens its service", async ({ page }) => {
      await login(page, PAIEMENT.email, PAIEMENT.password, { remember: false });
      const block = due(page);
      const lines = block.getByTestId("due-service");
      const suspended = lines.filter({ has: page.getByRole("heading", { level: 3, name: SUSPENDED }) });
      await expect(suspended).toContainText("1 facture, pour un total de");
      await expect(suspended).toContainText("Paiement en ligne suspendu");
      await expect(suspended.getByRole("link")).toHaveCount(0);
      await axe(page);

      const payable = await lines.evaluateAll((list) =>
        list
          .map((li) => ({ numcli: li.getAttribute("data-numcli")!, name: li.querySelector("h3")!.textContent!, href: li.querySelector("a")?.getAttribute("href") }))
          .filter((line) => line.href),
      );
      for (const line of payable) {
        expect(line.href).toBe(`/paiement?service=${line.numcli}`);
        await page.goto("/accueil");
        await due(page).getByRole("link", { name: `Payer les factures de ${line.name}` }).click();
        await expect(page).toHaveURL(new RegExp(`/paiement\\?service=${line.numcli}$`));
        await expect(page.getByRole("group")).toHaveCount(1);
        await expect(page.getByRole("group", { name: line.name })).toBeVisible();
        await page.getByRole("link", { name: "Voir les factures des autres services" }).click();
        await expect(page).toHaveURL(/\/paiement\?service=tous$/);
        await expect(page.getByRole("group", { name: SUSPENDED })).toBeVisible();
        await expect(page.getByRole("group", { name: line.name })).toBeVisible();
      }
      await axe(page);
    });
  });
}
