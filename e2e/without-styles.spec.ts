import { expect, test } from "@playwright/test";
import { DEMO, login } from "./helpers";

/**
 * RGAA 10.3: without its style sheet, the payment selection still says the right thing. The cross
 * beside a ticked invoice is drawn by the style sheet only (app/components/espace-payment-selection.tsx):
 * with styles it follows the ticks, without them the page shows the checkboxes alone and no stray
 * « X ». Plays as demo@demo.fr, whose two unpaid invoices no browser test pays (only read here).
 */
const TICKED = { id: "1a000000-0000-4000-8000-000000000001", number: "2017-020-002059" } as const;
/** The other unpaid invoice of the same service (several at once allowed), not ticked. */
const OTHER = "2017-020-002410";

for (const javaScript of [true, false]) {
  test.describe(javaScript ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: javaScript });

    test("the payment selection: the cross of a ticked invoice comes from the style sheet, and without it only the checkboxes remain", async ({ page }) => {
      await login(page, DEMO.email, DEMO.password, { remember: false });
      await page.goto(`/paiement?facture=${TICKED.id}`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sélection des factures pour le règlement");
      const rows = page.getByTestId("payment-row");
      const ticked = rows.filter({ hasText: TICKED.number });
      await expect(page.getByRole("checkbox", { name: `Régler la facture ${TICKED.number}` })).toBeChecked();

      // With styles: the cross beside the ticked invoice only, and it follows a tick.
      const cross = (row: typeof rows) => row.getByTestId("selection-mark").evaluate((el) => getComputedStyle(el, "::after").content);
      expect(await cross(ticked)).toBe('"X"');
      const other = rows.filter({ hasText: OTHER });
      expect(await cross(other)).toBe("none");
      await other.getByRole("checkbox").check();
      expect(await cross(other)).toBe('"X"');
      await other.getByRole("checkbox").uncheck();

      // Without styles: no « X » in any row's text, the checkboxes say which invoice is ticked.
      await page.evaluate(() => document.querySelectorAll('link[rel="stylesheet"], style').forEach((sheet) => sheet.remove()));
      expect(await cross(ticked)).toBe("none");
      const texts = await rows.evaluateAll((list) => list.map((row) => (row as HTMLElement).innerText));
      expect(texts.length).toBeGreaterThan(1);
      for (const text of texts) expect(text).not.toMatch(/(^|\s)X(\s|$)/);
      expect(await ticked.innerText()).toContain(`Régler la facture ${TICKED.number}`);
      await expect(ticked.getByRole("checkbox")).toBeChecked();
      await expect(other.getByRole("checkbox")).not.toBeChecked();
    });
  });
}
