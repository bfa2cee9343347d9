import { readFile } from "node:fs/promises";
import { expect, test, type Download, type Page } from "@playwright/test";
import { DEMO, expectNoAxeViolations, login } from "./helpers";

/**
 * « Télécharger mes données » of demo@demo.fr, with and without JavaScript: from Mes informations
 * to /mes-informations/mes-donnees, then both files downloaded through their links and read
 * (docs/personal-data-export.md). Read only: nothing is posted but the login, and only what other
 * files never change is checked (the account, the customer record, the seed's invoices), not the
 * payments or opt-outs other journeys may add.
 */

const FILE_NAME = /^mes-donnees-portail-\d{4}-\d{2}-\d{2}\.(json|csv)$/;

async function openPage(page: Page) {
  await login(page, DEMO.email, DEMO.password, { remember: false });
  await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes informations" }).click();
  await expect(page).toHaveURL(/\/mes-informations$/);
  await page.getByRole("link", { name: "Télécharger mes données" }).click();
  await expect(page).toHaveURL(/\/mes-informations\/mes-donnees$/);
  await expect(page.getByRole("heading", { level: 1, name: "Télécharger mes données" })).toBeVisible();
  await expect(page).toHaveTitle("Télécharger mes données — Le Portail des Factures");
  await expect(page.getByRole("banner").getByTestId("resident-name")).toHaveText(DEMO.name);
}

async function downloadBy(page: Page, name: string): Promise<{ download: Download; text: string }> {
  const waiting = page.waitForEvent("download");
  await page.getByRole("link", { name, exact: true }).click();
  const download = await waiting;
  const bytes = await readFile((await download.path())!);
  return { download, text: bytes.toString("utf8") };
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript, acceptDownloads: true });

    test("from Mes informations, the page says what the file holds and gives the JSON file", async ({ page }) => {
      await openPage(page);
      const main = page.getByRole("main");
      for (const part of ["Votre compte", "Vos contrats", "Vos factures", "Vos paiements en ligne", "Vos messages au service"]) {
        await expect(main.getByText(part, { exact: true })).toBeVisible();
      }
      if (javaScript) await expectNoAxeViolations(page);

      const { download, text } = await downloadBy(page, "Format JSON");
      expect(download.suggestedFilename()).toMatch(FILE_NAME);
      expect(download.suggestedFilename()).toMatch(/\.json$/);
      const file = JSON.parse(text) as {
        format: string;
        version: number;
        compte: { adresseMail: string };
        contrats: { numeroAbonne: string; nom: string }[];
        factures: { numero: string; montantCentimes: number; montantEuros: number; emiseLe: string }[];
      };
      expect(file).toMatchObject({ format: "portail-des-factures/donnees-personnelles", version: 1, compte: { adresseMail: DEMO.email } });
      expect(file.contrats).toEqual([expect.objectContaining({ numeroAbonne: "SISTEC560", nom: DEMO.name })]);
      expect(file.factures.find((f) => f.numero === "2017-020-002059")).toMatchObject({ montantCentimes: 24311, montantEuros: 243.11, emiseLe: "2017-07-10" });
      // Still on the page: a download does not navigate away.
      await expect(page).toHaveURL(/\/mes-informations\/mes-donnees$/);
    });

    test("the CSV file, for a spreadsheet", async ({ page }) => {
      await openPage(page);
      const { download, text } = await downloadBy(page, "Format CSV (tableur)");
      expect(download.suggestedFilename()).toMatch(FILE_NAME);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      expect(text.startsWith("\uFEFFRubrique;Date;Heure;Service;")).toBe(true);
      const lines = text.slice(1).split("\r\n");
      expect(lines.some((l) => l.startsWith("Compte : création;") && l.includes(DEMO.email))).toBe(true);
      expect(lines.some((l) => l.startsWith("Contrat;") && l.includes(";SISTEC560;Test SISTEC560;"))).toBe(true);
      expect(lines.some((l) => l.startsWith("Facture;10/07/2017;") && l.includes(";2017-020-002059;") && l.includes(";243,11;24311;"))).toBe(true);
    });

    test("the page fits a phone (320 px) and sends a visitor to the login page", async ({ page }) => {
      await openPage(page);
      await page.setViewportSize({ width: 320, height: 640 });
      await page.reload();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await expect(page.getByRole("link", { name: "Format CSV (tableur)" })).toBeVisible();

      await page.context().clearCookies();
      await page.goto("/mes-donnees.json");
      await expect(page).toHaveURL(/\/connexion\?redirectTo=%2Fmes-donnees\.json$/);
    });
  });
}
