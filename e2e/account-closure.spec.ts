import { expect, test, type Page } from "@playwright/test";
import { expectNoAxeViolations, followLinkToNewPassword, login, newestEmailTo, saveNewPassword, SUBJECTS } from "./helpers";

/**
 * « Fermer mon compte » (docs/decisions/0032-account-closure.md), on the seed's resident
 * fermeture@demo.fr, with JavaScript and then without: from Mes informations to the page (axe),
 * the confirmation refused when the box is not ticked, the closure (the other device signed out,
 * the login page's message, the confirmation e-mail at /dev/courriels), then « J'active mon
 * compte » with the same address brings the invoices back.
 *
 * This is the ONLY file that touches fermeture@demo.fr, and its tests run in order (serial):
 * the run without JavaScript closes the account the run with JavaScript activated again.
 * No wrong password is typed here: failed logins count per client address and their budget is
 * spent by other files (accounts.spec.ts); a wrong password on this page is tested in
 * tests/accounts/account-closure.test.ts.
 */
test.describe.configure({ mode: "serial", timeout: 90_000 });

const EMAIL = "fermeture@demo.fr";
const CLOSED_SUBJECT = "Portail des factures : votre compte a été fermé";
const UNPAID = "2018-020-000401";

async function activateAgain(page: Page, password: string) {
  await page.goto("/connexion?compte=ferme");
  await page.getByRole("link", { name: "J'active mon compte" }).click();
  await expect(page).toHaveURL(/\/activation$/);
  await page.getByLabel("Adresse mail").fill(EMAIL);
  await page.getByRole("button", { name: "Activation" }).click();
  await expect(page.getByRole("status")).toContainText("Un message d'activation du compte vous a été envoyé avec succès");
  await followLinkToNewPassword(page, EMAIL, SUBJECTS.invite);
  await saveNewPassword(page, password);
}

const runs = [
  { javaScript: true, password: "fermeture-factures", next: "Retour-js-2026" },
  { javaScript: false, password: "Retour-js-2026", next: "Retour-nojs-2026" },
];

for (const { javaScript, password, next } of runs) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  /** axe needs JavaScript in the page: it runs in the journey with JavaScript. */
  const axe = (page: Page) => (javaScript ? expectNoAxeViolations(page) : Promise.resolve());

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test("close the account from Mes informations, then activate the same address again", async ({ page, context, browser }) => {
      // A second device, signed in too: its session ends with the account.
      const other = await browser.newContext({ javaScriptEnabled: javaScript });
      const otherPage = await other.newPage();
      await login(otherPage, EMAIL, password);

      await login(page, EMAIL, password);
      await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes informations" }).click();
      await page.getByRole("link", { name: "Fermer mon compte" }).click();
      await expect(page).toHaveURL(/\/mes-informations\/fermer-mon-compte$/);
      await expect(page.getByRole("heading", { level: 1, name: "Fermer mon compte" })).toBeVisible();
      const main = page.getByRole("main");
      await expect(main).toContainText("Votre compte du portail est supprimé");
      await expect(main).toContainText("il continue à vous envoyer vos factures, au format papier ou non");
      await expect(main).toContainText("« J'active mon compte »");
      await expect(page.getByLabel("Mot de passe actuel")).toHaveAttribute("autocomplete", "current-password");
      await axe(page);
      // On a phone (320 CSS px): no horizontal scrolling (e2e/reflow.spec.ts checks the rest).
      const viewport = page.viewportSize()!;
      await page.setViewportSize({ width: 320, height: 640 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await page.setViewportSize(viewport);

      // Not ticked: refused beside the box, nothing closed.
      await page.getByLabel("Mot de passe actuel").fill(password);
      await page.getByRole("button", { name: "Fermer définitivement mon compte" }).click();
      await expect(page.getByText("Cochez la case pour confirmer que vous voulez fermer définitivement votre compte.")).toBeVisible();
      await expect(page.getByRole("checkbox", { name: "Je veux fermer définitivement mon compte du portail." })).toHaveAttribute("aria-invalid", "true");
      await axe(page);

      await page.getByLabel("Mot de passe actuel").fill(password);
      await page.getByRole("checkbox", { name: "Je veux fermer définitivement mon compte du portail." }).check();
      await page.getByRole("button", { name: "Fermer définitivement mon compte" }).click();
      await expect(page).toHaveURL(/\/connexion\?compte=ferme$/);
      await expect(page.getByRole("status")).toContainText("Votre compte a été fermé.");
      await axe(page);
      expect((await context.cookies()).map((c) => c.name)).not.toContain("pf_session");

      // Every session ended: the other device is sent to the login page.
      await otherPage.goto("/factures");
      await expect(otherPage).toHaveURL(/\/connexion/);
      await other.close();

      // The confirmation e-mail, through the outbox.
      const email = await newestEmailTo(page, EMAIL, CLOSED_SUBJECT);
      await expect(email.getByTestId("email-body")).toContainText("Vos abonnements et vos factures restent gérés par votre service");

      // The same address activates an account again and finds its invoices.
      await activateAgain(page, next);
      await page.getByRole("link", { name: "Accéder à mon espace" }).click();
      await expect(page).toHaveURL(/\/accueil$/);
      await page.goto("/factures");
      await expect(page.getByRole("main")).toContainText(UNPAID);
    });
  });
}
