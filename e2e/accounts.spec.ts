import { expect, test } from "@playwright/test";
import { DEMO, expectNoAxeViolations, GENERIC_LOGIN_ERROR, login, logout, sessionCookie, submitLogin } from "./helpers";

/**
 * Account journeys that run in parallel with everything else: demo@demo.fr only READS here
 * (logs in and out; its password and e-mail never change — that is accounts-lifecycle.spec.ts,
 * on nouveau@demo.fr), and throttling uses made-up addresses nobody else logs in with.
 *
 * Budget of failed logins per project (throttling also counts per client address, and every
 * test comes from 127.0.0.1: from the 20th failure within 15 minutes the address waits 30 s):
 * login.spec.ts 2, throttling here 2 × 5, accounts-lifecycle.spec.ts 2 × 3 — 18 in all.
 * Keep it under 20 when adding tests.
 */

const THIRTY_DAYS = 30 * 24 * 3600;

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  const tag = javaScript ? "js" : "nojs";

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test("login with « Se souvenir de moi »: a 30-day HttpOnly cookie, the resident's name and menu", async ({ page, context }) => {
      await login(page, DEMO.email, DEMO.password, { remember: true });
      const cookie = await sessionCookie(context);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
      expect(Math.abs(cookie!.expires - (Date.now() / 1000 + THIRTY_DAYS))).toBeLessThan(120);

      const header = page.getByRole("banner");
      await expect(header.getByTestId("resident-name")).toHaveText(DEMO.name);
      const menu = page.getByRole("navigation", { name: "Menu principal" });
      for (const item of ["Mes factures", "Mes paiements", "Mes informations", "Contact"]) await expect(menu.getByRole("link", { name: item })).toBeVisible();
      await expect(menu.getByRole("button", { name: "Déconnexion" })).toBeVisible();

      // "/" takes a resident to the home page; the visitor pages send them there too.
      await page.goto("/");
      await expect(page).toHaveURL(/\/accueil$/);
      await page.goto("/connexion");
      await expect(page).toHaveURL(/\/accueil$/);

      await logout(page);
      expect(await sessionCookie(context)).toBeUndefined();
    });

    test("after Déconnexion, the Back button does not show the resident's information again", async ({ page }) => {
      // A shared computer (library, town hall): the next person must not read the previous one's pages.
      await login(page, DEMO.email, DEMO.password, { remember: false });
      await page.getByRole("link", { name: "Mes informations" }).click();
      await expect(page.getByTestId("login-email")).toHaveText(DEMO.email);
      const personal = await page.request.get("/mes-informations");
      expect(personal.headers()["cache-control"]).toBe("private, no-store");
      await logout(page);
      await page.goBack();
      await expect(page.getByText("Veuillez vous connecter")).toBeVisible();
      await expect(page.getByText(DEMO.email)).toHaveCount(0);
      await expect(page.getByText(DEMO.name)).toHaveCount(0);
    });

    test("login without « Se souvenir de moi »: a browser-session cookie", async ({ page, context }) => {
      await login(page, DEMO.email, DEMO.password, { remember: false });
      const cookie = await sessionCookie(context);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", expires: -1 });
      await logout(page);
    });

    test("an anonymous visit to /mes-informations goes through the login page and comes back", async ({ page }) => {
      await page.goto("/mes-informations");
      await expect(page).toHaveURL(/\/connexion\?redirectTo=%2Fmes-informations$/);
      await submitLogin(page, DEMO.email, DEMO.password);
      await expect(page).toHaveURL(/\/mes-informations$/);
      await expect(page.getByTestId("login-email")).toHaveText(DEMO.email);

      // Only same-site targets: anything else lands on the home page.
      await logout(page);
      await page.goto("/connexion?redirectTo=%2F%2Fmalveillant.example%2F");
      await submitLogin(page, DEMO.email, DEMO.password);
      await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/accueil$/);
    });

    test("throttling: one generic message for each failure, then the 5th blocks and says when to retry", async ({ page }) => {
      const email = `bloque-${tag}@exemple.fr`;
      await page.goto("/connexion");
      for (let attempt = 1; attempt <= 4; attempt++) {
        await submitLogin(page, email, `mauvais-${attempt}`);
        await expect(page.getByRole("alert")).toHaveText(GENERIC_LOGIN_ERROR);
        await expect(page.getByLabel("Adresse mail")).toHaveValue(email);
        if (javaScript && attempt === 1) await expectNoAxeViolations(page);
      }
      const throttled = /^Trop de tentatives de connexion\. Par sécurité, réessayez à partir (?:de|du \d{2}\/\d{2}\/\d{4} à) \d{2} h \d{2}\./;
      await submitLogin(page, email, "mauvais-5");
      await expect(page.getByRole("alert")).toHaveText(throttled);
      if (javaScript) await expectNoAxeViolations(page);
      // Still blocked (this try is not even checked, so it does not count either).
      await submitLogin(page, email, "mauvais-6");
      await expect(page.getByRole("alert")).toHaveText(throttled);

      // The block is for that e-mail: another account still logs in from the same browser.
      await login(page, DEMO.email, DEMO.password);
    });
  });
}

test.describe("pages behind login and link failures (axe, with JavaScript)", () => {
  test("accueil, mes-informations and the two change forms with their errors have no axe violations", async ({ page }) => {
    await login(page, DEMO.email, DEMO.password);
    await expectNoAxeViolations(page);

    await page.getByRole("link", { name: "Mes informations" }).click();
    await expect(page).toHaveURL(/\/mes-informations$/);
    await expect(page.getByText("Abonné n° SISTEC560")).toBeVisible();
    await expectNoAxeViolations(page);

    await page.getByRole("link", { name: "Changer l'adresse mail" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Changer l'adresse mail" })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByLabel("Nouvelle adresse mail").fill(DEMO.email);
    await page.getByRole("button", { name: "Envoyer le lien de confirmation" }).click();
    await expect(page.getByText("C'est déjà votre adresse mail de connexion.")).toBeVisible();
    await expect(page.getByLabel("Nouvelle adresse mail")).toHaveAttribute("aria-invalid", "true");
    await expectNoAxeViolations(page);

    await page.goto("/mes-informations/mot-de-passe");
    await expect(page.getByRole("heading", { level: 1, name: "Changer le mot de passe" })).toBeVisible();
    await expectNoAxeViolations(page);
    // Rejected by the form's rules before the current password is even checked: nothing changes.
    await page.getByLabel("Mot de passe actuel").fill(DEMO.password);
    await page.getByLabel("Nouveau mot de passe").fill("seulementdeslettres");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await expect(page.getByText("Le mot de passe doit mélanger au moins deux types de caractères")).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test("a link only shows a button; a forged, incomplete or unknown-type link gives the French page offering a new link", async ({ page }) => {
    // Well-formed: a page with one button (a mail scanner opening the link spends nothing); the
    // token is checked when the button is pressed.
    await page.goto("/auth/confirm?token_hash=forged-token-123456&type=recovery");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Nouveau mot de passe");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Choisir un nouveau mot de passe" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Ce lien ne fonctionne plus");
    await expect(page.getByRole("link", { name: "mot de passe oublié" })).toBeVisible();
    await expectNoAxeViolations(page);
    for (const query of ["type=invite", "token_hash=abcdefghijkl&type=magiclink&next=https://malveillant.example"]) {
      const response = await page.goto(`/auth/confirm?${query}`);
      expect(response?.status()).toBe(400);
      await expect(page).toHaveURL(/\/auth\/confirm\?/); // no redirect carrying an error in its URL
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Ce lien ne fonctionne plus");
      await expect(page.getByRole("link", { name: "mot de passe oublié" })).toBeVisible();
    }
    await page.goto("/auth/confirm?token_hash=forged-token-123456&type=email_change");
    await page.getByRole("button", { name: "Confirmer ma nouvelle adresse mail" }).click();
    await expect(page.getByRole("link", { name: "changer à nouveau l'adresse mail" })).toBeVisible();
  });

  test("the new-password page needs a session; /dev/courriels exists in the embedded default", async ({ page }) => {
    await page.goto("/nouveau-mot-de-passe");
    await expect(page).toHaveURL(/\/mot-de-passe-oublie$/);
    await page.goto("/dev/courriels");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Courriels envoyés");
  });
});
