import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { strFromU8, unzipSync } from "fflate";
import { DEMO, expectNoAxeViolations, login } from "./helpers";

/**
 * « Télécharger les PDF » of demo@demo.fr, with and without JavaScript: the link of a tab of
 * Mes factures downloads the tab's PDFs in one zip, and its selection screen the ticked ones,
 * read back here (docs/resident-screens.md).
 * Read only: nothing is posted but the login; only the seed's invoices are checked.
 */

async function openTab(page: Page, tab: string) {
  await login(page, DEMO.email, DEMO.password, { remember: false });
  await page.goto(`/factures?onglet=${tab}`);
  await expect(page.getByRole("heading", { level: 1, name: "Mes factures" })).toBeVisible();
}

async function downloadZip(page: Page) {
  const waiting = page.waitForEvent("download");
  await page.getByRole("link", { name: "Télécharger les PDF (archive ZIP)" }).click();
  const download = await waiting;
  const entries = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  return { download, entries, names: Object.keys(entries) };
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript, acceptDownloads: true });

    test("the unpaid tab's link downloads its PDFs in one zip, LISEZMOI.txt last", async ({ page }) => {
      await openTab(page, "non-reglees");
      if (javaScript) await expectNoAxeViolations(page);
      const { download, entries, names } = await downloadZip(page);
      expect(download.suggestedFilename()).toMatch(/^factures-non-reglees-\d{4}-\d{2}-\d{2}\.zip$/);
      expect(names).toContain("Service-Multi-Services-de-demonstration_2017-020-002059.pdf");
      expect(names[names.length - 1]).toBe("LISEZMOI.txt");
      for (const name of names.slice(0, -1)) expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9.-]*_[A-Za-z0-9.-]+\.pdf$/);
      const pdf = entries["Service-Multi-Services-de-demonstration_2017-020-002059.pdf"]!;
      expect(strFromU8(pdf.slice(0, 5))).toBe("%PDF-");
      expect(strFromU8(entries["LISEZMOI.txt"]!)).toContain("Onglet : Factures non réglées");
      // A download does not navigate away.
      await expect(page).toHaveURL(/\/factures\?onglet=non-reglees$/);
    });

    test("« Choisir les factures à télécharger »: two invoices ticked, a zip of exactly those two", async ({ page }) => {
      await openTab(page, "reglees");
      await page.getByRole("link", { name: "Choisir les factures à télécharger" }).click();
      await expect(page).toHaveURL(/\/factures\/selection\?onglet=reglees$/);
      await expect(page.getByRole("heading", { level: 1, name: "Choisir les factures à télécharger" })).toBeVisible();
      const group = page.getByRole("group", { name: "Factures réglées : factures à télécharger" });
      if (javaScript) await expectNoAxeViolations(page);
      const chosen = ["2017-020-001512", "2017-020-000731"];
      for (const number of chosen) await group.getByRole("checkbox", { name: new RegExp(`^Facture n° ${number} du `) }).check();
      const waiting = page.waitForEvent("download");
      await page.getByRole("button", { name: "Télécharger la sélection (ZIP)" }).click();
      const download = await waiting;
      expect(download.suggestedFilename()).toMatch(/^factures-reglees-\d{4}-\d{2}-\d{2}\.zip$/);
      const entries = unzipSync(new Uint8Array(await readFile((await download.path())!)));
      expect(Object.keys(entries)).toEqual([...chosen.map((n) => `Service-Multi-Services-de-demonstration_${n}.pdf`), "LISEZMOI.txt"]);
      for (const n of chosen) expect(strFromU8(entries[`Service-Multi-Services-de-demonstration_${n}.pdf`]!.slice(0, 5))).toBe("%PDF-");
      expect(strFromU8(entries["LISEZMOI.txt"]!)).toContain("Onglet : Factures réglées (factures choisies)");
      // A download does not navigate away.
      await expect(page).toHaveURL(/\/factures\/selection\?onglet=reglees$/);
    });

    test("the paid tab's archive holds no unpaid invoice", async ({ page }) => {
      await openTab(page, "reglees");
      const { download, names } = await downloadZip(page);
      expect(download.suggestedFilename()).toMatch(/^factures-reglees-\d{4}-\d{2}-\d{2}\.zip$/);
      expect(names.length).toBeGreaterThan(1);
      expect(names).not.toContain("Service-Multi-Services-de-demonstration_2017-020-002059.pdf");
    });
  });
}

test("a malformed address answers a French page, not an error", async ({ page }) => {
  await login(page, DEMO.email, DEMO.password, { remember: false });
  const response = await page.goto("/factures/pdf.zip?onglet=toutes");
  expect(response?.status()).toBe(400);
  await expect(page.getByRole("heading", { level: 1, name: "Téléchargement impossible" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
});
