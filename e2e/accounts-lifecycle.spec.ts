import { expect, test, type Page } from "@playwright/test";
import {
  confirmLink,
  emailLink,
  expectLoginRefused,
  expectNoAxeViolations,
  followLinkToNewPassword,
  login,
  logout,
  newestEmailTo,
  saveNewPassword,
  SUBJECTS,
} from "./helpers";

/**
 * The whole life of an account, on the seed's customer nouveau@demo.fr (not activated), with
 * JavaScript and then without: activation through the link at /dev/courriels, new password,
 * logout, forgotten password, change of password, change of e-mail.
 *
 * This is the ONLY file that touches nouveau@demo.fr, and its tests run in order (serial).
 * The JavaScript run ends by moving its account to another address; the customer record still
 * carries nouveau@demo.fr and no account does any more, so the run without JavaScript activates
 * nouveau@demo.fr again (a second account) and plays the same journeys.
 *
 * Failed logins count against the client address too (all tests come from 127.0.0.1; the 20th
 * failure within 15 minutes blocks it for 30 s): this file makes 3 per run, 6 in all — see the
 * budget in accounts.spec.ts.
 */
// Longer journeys than elsewhere (bcrypt on every login, axe on every screen): 60 s each.
test.describe.configure({ mode: "serial", timeout: 60_000 });

const NOUVEAU = "nouveau@demo.fr";

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  const tag = javaScript ? "js" : "nojs";
  const passwords = { activation: `Activation-${tag}-1`, recovered: `Oubli ${tag} 2`, changed: `Change.${tag}.3` };
  const movedTo = `nouveau-${tag}@exemple.fr`;
  /**
   * The first account of nouveau@demo.fr is linked to the customer record "Famille Nouveau" and
   * keeps it when it moves; the second one (run without JavaScript) gets no customer record: a
   * new account never takes over a record another account holds (supabase/migrations/20261126000100_customers_and_accounts.sql).
   */
  const holdsCustomer = javaScript;
  /** axe needs JavaScript in the page: it runs in the journey with JavaScript. */
  const axe = (page: Page) => (javaScript ? expectNoAxeViolations(page) : Promise.resolve());

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test("activation: unknown address, then nouveau@demo.fr asks twice and only the newest link works", async ({ page }) => {
      await page.goto("/connexion");
      await page.getByRole("link", { name: "J'active mon compte" }).click();
      await expect(page).toHaveURL(/\/activation$/);
      await axe(page);

      await page.getByLabel("Adresse mail").fill(`inconnu-${tag}@exemple.fr`);
      await page.getByRole("button", { name: "Activation" }).click();
      await expect(page.getByRole("alert")).toContainText("Activation impossible, adresse inconnue");
      await axe(page);

      // Asked twice: only the second link works.
      await page.getByLabel("Adresse mail").fill(NOUVEAU);
      await page.getByRole("button", { name: "Activation" }).click();
      await expect(page.getByRole("status")).toContainText("Un message d'activation du compte vous a été envoyé avec succès");
      const firstLink = await emailLink(await newestEmailTo(page, NOUVEAU, SUBJECTS.invite)).getAttribute("href");
      await page.goto("/activation");
      await page.getByLabel("Adresse mail").fill(NOUVEAU);
      await page.getByRole("button", { name: "Activation" }).click();
      await expect(page.getByRole("status")).toContainText("Un message d'activation du compte vous a été envoyé avec succès");
      await expect(page.getByRole("status")).toContainText("Le lien est valable 1 heure");
      await axe(page);

      const email = await newestEmailTo(page, NOUVEAU, SUBJECTS.invite);
      await expect(email.getByTestId("email-body")).toContainText("Vous avez demandé l'activation de votre espace sur le portail des factures.");
      await axe(page);
      expect(await emailLink(email).getAttribute("href")).not.toBe(firstLink);

      // The replaced link: the French failure page, offering to ask again.
      await page.goto(firstLink!);
      await confirmLink(page);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Ce lien ne fonctionne plus");
      await expect(page.getByRole("link", { name: "J'active mon compte" })).toBeVisible();
    });

    test("activation link: new-password page with its rule, password saved, then logout ends the session", async ({ page, context }) => {
      await followLinkToNewPassword(page, NOUVEAU, SUBJECTS.invite);
      await axe(page);
      // The rule is shown beside the field, and enforced.
      await expect(page.getByText("Au moins 8 caractères")).toBeVisible();
      await page.getByLabel("Nouveau mot de passe").fill("court");
      await page.getByRole("button", { name: "Enregistrer" }).click();
      await expect(page.getByText("Le mot de passe doit contenir au moins 8 caractères.")).toBeVisible();
      await axe(page);
      await saveNewPassword(page, passwords.activation);
      await axe(page);

      // The link opened a session: the resident's space is there.
      await page.getByRole("link", { name: "Accéder à mon espace" }).click();
      await expect(page).toHaveURL(/\/accueil$/);
      const cookie = (await context.cookies()).find((c) => c.name === "pf_session");
      await logout(page);

      // Logged out on the server, not only in the browser: the old cookie no longer opens the space.
      await context.addCookies([cookie!]);
      await page.goto("/accueil");
      await expect(page).toHaveURL(/\/connexion$/);
    });

    test("activation link: single-use, and activating again is refused; the chosen password logs in", async ({ page }) => {
      // The link was single-use.
      await newestEmailTo(page, NOUVEAU, SUBJECTS.invite).then((e) => emailLink(e).click());
      await confirmLink(page);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Ce lien ne fonctionne plus");

      // Activating again is refused: the account is active.
      await page.goto("/activation");
      await page.getByLabel("Adresse mail").fill(NOUVEAU);
      await page.getByRole("button", { name: "Activation" }).click();
      await expect(page.getByRole("alert")).toContainText("Activation impossible, il existe déjà un compte actif avec cette adresse mail");
      await expect(page.getByRole("alert").getByRole("link", { name: "mot de passe oublié" })).toBeVisible();
      await axe(page);

      await login(page, NOUVEAU, passwords.activation);
    });

    test("forgotten password: recovery link at /dev/courriels, new password, the old one is refused", async ({ page }) => {
      await page.goto("/connexion");
      await page.getByRole("link", { name: "Oublié ?" }).click();
      await expect(page).toHaveURL(/\/mot-de-passe-oublie$/);
      await expect(page.getByRole("link", { name: "Annuler" })).toBeVisible();
      await axe(page);
      await page.getByLabel("Adresse mail").fill(NOUVEAU);
      await page.getByRole("button", { name: "Valider" }).click();
      await expect(page.getByRole("status")).toContainText(`Si l'adresse ${NOUVEAU} correspond à un compte du portail`);
      await axe(page);

      await followLinkToNewPassword(page, NOUVEAU, SUBJECTS.recovery);
      await saveNewPassword(page, passwords.recovered);
      await page.getByRole("link", { name: "Accéder à mon espace" }).click();
      await logout(page);

      // A wrong password for a real account: the same generic message as for an unknown address.
      await expectLoginRefused(page, NOUVEAU, passwords.activation);
      await login(page, NOUVEAU, passwords.recovered);
    });

    test("change password: asks the current one, ends the other sessions; then only the new one logs in", async ({ page, browser, baseURL }) => {
      const elsewhere = await browser.newContext({ baseURL, locale: "fr-FR", javaScriptEnabled: javaScript });
      const elsewherePage = await elsewhere.newPage();
      await login(elsewherePage, NOUVEAU, passwords.recovered);
      await login(page, NOUVEAU, passwords.recovered);
      await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes informations" }).click();
      await expect(page).toHaveURL(/\/mes-informations$/);
      await page.getByRole("link", { name: "Changer le mot de passe" }).click();
      await expect(page).toHaveURL(/\/mes-informations\/mot-de-passe$/);

      await page.getByLabel("Mot de passe actuel").fill("pas-le-bon-1");
      await page.getByLabel("Nouveau mot de passe").fill(passwords.changed);
      await page.getByRole("button", { name: "Enregistrer" }).click();
      await expect(page.getByText("Ce n'est pas votre mot de passe actuel.")).toBeVisible();
      await expect(page.getByLabel("Mot de passe actuel")).toHaveAttribute("aria-invalid", "true");

      await page.getByLabel("Mot de passe actuel").fill(passwords.recovered);
      await page.getByLabel("Nouveau mot de passe").fill(passwords.changed);
      await page.getByRole("button", { name: "Enregistrer" }).click();
      await expect(page).toHaveURL(/\/mes-informations\?changement=mot-de-passe$/);
      await expect(page.getByRole("status")).toHaveText("Votre mot de passe a été changé. Vos autres sessions ouvertes ont été fermées.");
      await axe(page);
      // The session in the other browser is over.
      await elsewherePage.goto("/mes-informations");
      await expect(elsewherePage).toHaveURL(/\/connexion\?redirectTo=%2Fmes-informations$/);
      await elsewhere.close();

      await logout(page);
      await login(page, NOUVEAU, passwords.changed);
    });

    test("change e-mail: the link goes to the new address, and the login changes only once it is followed", async ({ page, browser, baseURL }) => {
      await login(page, NOUVEAU, passwords.changed);
      await page.goto("/mes-informations");
      await expect(page.getByTestId("login-email")).toHaveText(NOUVEAU);
      await page.getByRole("link", { name: "Changer l'adresse mail" }).click();
      await expect(page).toHaveURL(/\/mes-informations\/adresse-mail$/);

      // An address another account uses is refused.
      await page.getByLabel("Nouvelle adresse mail").fill("demo@demo.fr");
      await page.getByRole("button", { name: "Envoyer le lien de confirmation" }).click();
      await expect(page.getByText("Cette adresse mail est déjà celle d'un autre compte du portail.")).toBeVisible();

      await page.getByLabel("Nouvelle adresse mail").fill(movedTo);
      await page.getByRole("button", { name: "Envoyer le lien de confirmation" }).click();
      await expect(page.getByRole("status")).toContainText(`Un message de confirmation a été envoyé à ${movedTo}.`);
      await axe(page);

      // Sent to the NEW address; nothing new for the old one.
      const confirmation = await newestEmailTo(page, movedTo, SUBJECTS.emailChange);
      await expect(page.getByRole("article").first()).toHaveAccessibleName(`${SUBJECTS.emailChange} — ${movedTo}`);
      const toOld = page.getByRole("article").filter({ has: page.getByTestId("email-to").getByText(NOUVEAU, { exact: true }) });
      await expect(toOld.first().getByRole("heading")).not.toHaveText(SUBJECTS.emailChange);
      const link = await emailLink(confirmation).getAttribute("href");

      // Not followed yet: still the old login.
      await page.goto("/accueil");
      await logout(page);
      await expectLoginRefused(page, movedTo, passwords.changed);
      await login(page, NOUVEAU, passwords.changed);
      await logout(page);

      // Followed from another browser (the mailbox may be elsewhere): it opens a session there.
      const other = await browser.newContext({ baseURL, locale: "fr-FR", javaScriptEnabled: javaScript });
      const otherPage = await other.newPage();
      await otherPage.goto(link!);
      await confirmLink(otherPage);
      await expect(otherPage).toHaveURL(/\/mes-informations\?courriel=modifie$/);
      await expect(otherPage.getByRole("status")).toContainText("Votre nouvelle adresse mail est confirmée");
      await expect(otherPage.getByTestId("login-email")).toHaveText(movedTo);
      if (holdsCustomer) {
        // The customer record stays linked: its name in the header, its number here.
        await expect(otherPage.getByTestId("resident-name")).toHaveText("Famille Nouveau");
        await expect(otherPage.getByText("Abonné n° NOUV0001")).toBeVisible();
      }
      await other.close();

      await expectLoginRefused(page, NOUVEAU, passwords.changed);
      await login(page, movedTo, passwords.changed);
      await expect(page.getByTestId("resident-name")).toHaveText(holdsCustomer ? "Famille Nouveau" : movedTo);
    });
  });
}
