import { expect, test, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

/**
 * Forms and links as a screen reader and a voice user meet them:
 * - RGAA 6.1: the login page's « Oublié ? » (the product's exact wording) is named « Mot de passe
 *   Oublié ? » (words read by screen readers only, then its visible text: WCAG 2.5.3);
 * - RGAA 11.3: the field for the account's e-mail address has the same name on every page;
 * - RGAA 11.10: every required field says so in its visible label before any submit (« (obligatoire) »),
 *   and no optional one does.
 * Only reads: demo@demo.fr changes nothing.
 */

/** Every page with a form, for a visitor and for a resident. */
const PUBLIC_FORMS = ["/connexion", "/activation", "/mot-de-passe-oublie", "/nous-contacter"];
const RESIDENT_FORMS = ["/contact", "/mes-informations/adresse-mail", "/mes-informations/mot-de-passe"];

/** Each visible field of the page's forms: required or not, and its label's visible text. */
async function fields(page: Page) {
  return page.locator("main form").locator("input:not([type=hidden]), select, textarea").evaluateAll((controls) =>
    controls
      .filter((c) => (c as HTMLElement).offsetParent !== null && (c as HTMLElement).tabIndex >= 0)
      .map((c) => {
        const control = c as HTMLInputElement;
        const label = control.labels?.[0] as HTMLElement | undefined;
        return { id: control.id, type: control.type, required: control.required, label: label?.innerText.replace(/\s+/g, " ").trim() ?? "" };
      }),
  );
}

test("« Oublié ? » is named « Mot de passe Oublié ? » and shows its product label", async ({ page }) => {
  await page.goto("/connexion");
  const link = page.getByRole("link", { name: "Mot de passe Oublié ?", exact: true });
  await expect(link).toHaveAccessibleName("Mot de passe Oublié ?");
  // What can be seen: the product's label alone; « Mot de passe » is for screen readers (1 px, clipped).
  const seen = await link.evaluate((el) => {
    const hidden = [...el.querySelectorAll(".sr-only")].map((span) => span.getBoundingClientRect());
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll(".sr-only").forEach((span) => span.remove());
    return { text: copy.textContent?.trim(), hidden: hidden.map((r) => r.width <= 1 && r.height <= 1) };
  });
  expect(seen).toEqual({ text: "Oublié ?", hidden: [true] });
  await expect(link).toHaveAttribute("href", "/mot-de-passe-oublie");
});

test("the account's e-mail field has the same name on every page that asks for it", async ({ page }) => {
  const names: string[] = [];
  for (const path of PUBLIC_FORMS) {
    await page.goto(path);
    const email = page.locator("main form input[type=email]");
    await expect(email).toHaveCount(1);
    names.push(`${path}: ${await email.evaluate((el) => el.getAttribute("aria-label") ?? (el as HTMLInputElement).labels?.[0]?.innerText.replace(/\s+/g, " ").trim())}`);
    await expect(email).toHaveAccessibleName("Adresse mail (obligatoire)");
  }
  expect(names).toEqual(PUBLIC_FORMS.map((path) => `${path}: Adresse mail (obligatoire)`));
  // The product's exact label stays visible where it is « Mail : ».
  await page.goto("/mot-de-passe-oublie");
  await expect(page.locator("main form label")).toHaveText("Mail : (obligatoire)");
});

test("every required field says « (obligatoire) » in its visible label before any submit, and no optional one does", async ({ page }) => {
  const problems: string[] = [];
  let required = 0;
  const check = async (path: string) => {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const list = await fields(page);
    expect(list.length, path).toBeGreaterThan(0);
    for (const field of list) {
      if (field.type === "checkbox") continue;
      if (field.required) required++;
      if (field.required !== field.label.endsWith("(obligatoire)")) problems.push(`${path} #${field.id} (${field.required ? "required" : "optional"}): « ${field.label} »`);
      if (!field.required && !field.label.endsWith("(facultatif)")) problems.push(`${path} #${field.id}: optional without « (facultatif) »`);
    }
  };
  for (const path of PUBLIC_FORMS) await check(path);
  await login(page, DEMO.email, DEMO.password, { remember: false });
  for (const path of RESIDENT_FORMS) await check(path);
  expect(required).toBeGreaterThan(8);
  expect(problems).toEqual([]);
});
