import { expect, test } from "@playwright/test";
import { expectNoAxeViolations, login, newestEmailTo } from "./helpers";

/**
 * « Me prévenir par e-mail » (docs/decisions/0039-email-reminders.md), with and without
 * JavaScript, each run with its own seed resident (rappels@demo.fr, rappels-sans-js@demo.fr: one
 * unpaid invoice due 3 days after the seed): both choices are off, the resident ticks « quelques
 * jours avant la date d'échéance » and sees the confirmation; the reminder job runs
 * (POST /taches/rappels, the server's REMINDERS_CRON_SECRET from playwright.config.ts); the
 * reminder is in /dev/courriels with its List-Unsubscribe headers; its link opens « Ne plus recevoir
 * ces courriels », whose button unsubscribes; Mes informations shows both choices off again.
 */
test.describe.configure({ timeout: 90_000 });

const PASSWORD = "rappels-factures";
const SUBJECT = "Portail des factures : une facture est bientôt à régler";
const SAVED = "Vos choix sont enregistrés : vous recevrez un courriel pour chaque choix coché.";
const DONE = /C'est fait : vous ne recevrez plus les courriels de rappel du portail/;

for (const javaScript of [true, false]) {
  const email = javaScript ? "rappels@demo.fr" : "rappels-sans-js@demo.fr";
  const invoice = javaScript ? "2026-020-000701" : "2026-020-000702";
  test.describe(javaScript ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: javaScript });

    test("turns the due-date reminder on, receives it once, and unsubscribes from its link", async ({ page, browser, baseURL }) => {
      await login(page, email, PASSWORD, { remember: false });
      await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes informations" }).click();
      await page.getByRole("link", { name: "Me prévenir par e-mail" }).click();
      await expect(page).toHaveURL(/\/mes-informations\/rappels$/);
      await expect(page.getByRole("heading", { level: 1, name: "Me prévenir par e-mail" })).toBeVisible();
      const newInvoices = page.getByRole("checkbox", { name: "quand une nouvelle facture est disponible" });
      const dueSoon = page.getByRole("checkbox", { name: "quelques jours avant la date d'échéance d'une facture à régler (5 jours avant)" });
      await expect(newInvoices).not.toBeChecked();
      await expect(dueSoon).not.toBeChecked();
      await dueSoon.check();
      await page.getByRole("button", { name: "Enregistrer mes choix" }).click();
      await expect(page.getByText(SAVED, { exact: true })).toBeVisible();
      await expect(page).toHaveURL(/\/mes-informations\/rappels\?enregistre=oui$/);
      await expect(dueSoon).toBeChecked();
      await expect(newInvoices).not.toBeChecked();

      // The job, twice: the invoice is reminded once.
      for (let run = 0; run < 2; run++) {
        const answer = await page.request.post("/taches/rappels", { headers: { Authorization: `Bearer ${process.env.E2E_REMINDERS_CRON_SECRET}` } });
        expect(answer.status()).toBe(200);
      }
      const mail = await newestEmailTo(page, email, SUBJECT);
      await expect(page.getByRole("article").filter({ has: page.getByTestId("email-to").getByText(email, { exact: true }) })).toHaveCount(1);
      await expect(mail.getByTestId("email-body")).toContainText(invoice);
      await expect(mail.getByTestId("email-header").first()).toHaveText(new RegExp(`^<${baseURL}/desabonnement\\?jeton=[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}>$`));
      await expect(mail.getByTestId("email-header").nth(1)).toHaveText("List-Unsubscribe=One-Click");
      const link = mail.getByTestId("email-body").getByRole("link", { name: /\/desabonnement\?jeton=/ });
      const href = await link.getAttribute("href");

      // The link, in a browser without the resident's session (as from a mail client).
      const context = await browser.newContext({ javaScriptEnabled: javaScript, baseURL });
      const visitor = await context.newPage();
      await visitor.goto(href!);
      await expect(visitor.getByRole("heading", { level: 1, name: /Ne plus recevoir ces courriels/ })).toBeVisible();
      if (javaScript) await expectNoAxeViolations(visitor);
      await visitor.getByRole("button", { name: "Ne plus recevoir ces courriels" }).click();
      await expect(visitor.getByText(DONE)).toBeVisible();
      if (javaScript) await expectNoAxeViolations(visitor);
      await context.close();

      await page.goto("/mes-informations/rappels");
      await expect(dueSoon).not.toBeChecked();
      await expect(newInvoices).not.toBeChecked();
      if (javaScript) await expectNoAxeViolations(page);
    });
  });
}
