import AxeBuilder from "@axe-core/playwright";
import { expect, type BrowserContext, type Locator, type Page } from "@playwright/test";

/**
 * Shared steps of the account journeys (e2e/accounts*.spec.ts). Every step works with and
 * without JavaScript: links are followed by clicking, forms are posted by their buttons.
 */

export const DEMO = { email: "demo@demo.fr", password: "demo-factures", name: "Test SISTEC560" } as const;

export const GENERIC_LOGIN_ERROR =
  "Adresse mail ou mot de passe incorrect. Vérifiez votre saisie, ou utilisez « Oublié ? » pour choisir un nouveau mot de passe.";

export const SUBJECTS = {
  invite: "Accès au portail des factures",
  recovery: "Portail des factures : nouveau mot de passe",
  emailChange: "Portail des factures : confirmez votre nouvelle adresse mail",
} as const;

/** axe-core on the page as it is now: zero violations (needs a context with JavaScript). */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${page.url()} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Fills and posts the login form; the caller asserts where it lands. */
export async function submitLogin(page: Page, email: string, password: string, { remember = true } = {}) {
  await page.getByLabel("Adresse mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  const checkbox = page.getByRole("checkbox", { name: "Se souvenir de moi" });
  if (remember) await checkbox.check();
  else await checkbox.uncheck();
  await page.getByRole("button", { name: "Connexion" }).click();
}

/** From /connexion to the resident's home page. */
export async function login(page: Page, email: string, password: string, options: { remember?: boolean } = {}) {
  await page.goto("/connexion");
  await submitLogin(page, email, password, options);
  await expect(page).toHaveURL(/\/accueil$/);
  await expect(page.getByRole("heading", { level: 1, name: "Accueil" })).toBeVisible();
}

/** A wrong pair: the login page again with the one generic message. */
export async function expectLoginRefused(page: Page, email: string, password: string) {
  await page.goto("/connexion");
  await submitLogin(page, email, password);
  await expect(page.getByRole("alert")).toHaveText(GENERIC_LOGIN_ERROR);
  await expect(page).toHaveURL(/\/connexion$/);
}

export async function logout(page: Page) {
  await page.getByRole("button", { name: "Déconnexion" }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByText("Veuillez vous connecter")).toBeVisible();
}

export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === "pf_session");
}

/**
 * The newest e-mail to `to` at /dev/courriels (newest first), checked to have `subject`.
 * Returns the article; the caller clicks the link in its body.
 */
export async function newestEmailTo(page: Page, to: string, subject: string): Promise<Locator> {
  await page.goto("/dev/courriels");
  const email = page
    .getByRole("article")
    .filter({ has: page.getByTestId("email-to").getByText(to, { exact: true }) })
    .first();
  await expect(email.getByRole("heading", { level: 2 })).toHaveText(subject);
  return email;
}

/** The single link of an account e-mail's body (to /auth/confirm). */
export function emailLink(email: Locator): Locator {
  return email.getByTestId("email-body").getByRole("link", { name: /\/auth\/confirm\?token_hash=/ });
}

/**
 * On the page an e-mail link opens (/auth/confirm), the one button that uses the link: opening
 * the link alone spends nothing (mail scanners open links too).
 */
export async function confirmLink(page: Page) {
  await expect(page).toHaveURL(/\/auth\/confirm\?/);
  await page.getByRole("button", { name: /^(Activer mon compte|Choisir un nouveau mot de passe|Confirmer ma nouvelle adresse mail)$/ }).click();
}

/** Follows the newest link sent to `to` and checks the "Saisissez votre nouveau mot de passe" page. */
export async function followLinkToNewPassword(page: Page, to: string, subject: string) {
  const email = await newestEmailTo(page, to, subject);
  await emailLink(email).click();
  await confirmLink(page);
  await expect(page).toHaveURL(/\/nouveau-mot-de-passe$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Saisissez votre nouveau mot de passe");
  await expect(page.getByTestId("account-email")).toHaveText(to);
}

export async function saveNewPassword(page: Page, password: string) {
  await page.getByLabel("Nouveau mot de passe").fill(password);
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.getByRole("status")).toHaveText("Le nouveau mot de passe a été enregistré avec succès.");
}

/** The demo service's contact address: the e-mails to the service (contact, paper opt-out) go there. */
export const SERVICE_EMAIL = "contact@multiservices-demo.fr";

/** The e-mails at /dev/courriels (newest first) whose subject is exactly `subject`. */
export function emailsWithSubject(page: Page, subject: string): Locator {
  return page.getByRole("article").filter({ has: page.getByRole("heading", { level: 2, name: subject, exact: true }) });
}

/** Waits until the outbox sender has delivered `email` (state "envoyé"), reloading /dev/courriels. */
export async function expectDelivered(page: Page, email: Locator) {
  await expect(async () => {
    await page.reload();
    await expect(email.getByText("envoyé", { exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

/**
 * Keyboard only (e2e/keyboard-journey.spec.ts): presses Tab (or Shift+Tab with `backwards`) until
 * `target` has the focus, at most `max` times, then checks that the focus can be seen: the
 * focused element shows an outline or a box-shadow and lies inside the viewport. Fails naming
 * the element that had the focus last.
 */
export async function tabTo(page: Page, target: Locator, { backwards = false, max = 40 } = {}) {
  const key = backwards ? "Shift+Tab" : "Tab";
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await target.evaluate((el) => el === document.activeElement, undefined, { timeout: 5_000 }).catch(() => false)) {
      await expectVisibleFocus(page);
      return;
    }
  }
  const last = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200) ?? "(none)");
  throw new Error(`${target} not reached in ${max} × ${key}; focus on ${last}`);
}

/** The focused element shows a focus indicator (outline or box-shadow) and is inside the viewport. */
export async function expectVisibleFocus(page: Page) {
  const focus = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return {
      element: el.outerHTML.slice(0, 120),
      outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
      shadow: style.boxShadow !== "none",
      inViewport: rect.width > 0 && rect.height > 0 && rect.top >= 0 && rect.left >= 0 && rect.bottom <= innerHeight && rect.right <= innerWidth,
    };
  });
  expect(focus, "an element has the focus").not.toBeNull();
  expect(focus!.outline || focus!.shadow, `focus indicator on ${focus!.element}`).toBe(true);
  expect(focus!.inViewport, `${focus!.element} inside the viewport`).toBe(true);
}

/** Presses Tab until `target` has the focus (tabTo), then activates it with `key`. */
export async function tabAndPress(page: Page, target: Locator, key: "Enter" | "Space" = "Enter", options: { backwards?: boolean; max?: number } = {}) {
  await tabTo(page, target, options);
  await page.keyboard.press(key);
}
