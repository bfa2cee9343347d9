import { expect, test, type Page } from "@playwright/test";
import { DEMO, emailsWithSubject, expectDelivered, expectNoAxeViolations, login, SERVICE_EMAIL } from "./helpers";

/**
 * "Mes informations" and the paper opt-out of demo@demo.fr. Opting out is recorded once
 * per database (per project), so this is the ONLY file that confirms it, and its tests run in
 * order (serial): "Annuler" first (nothing recorded, nothing sent), with and without JavaScript;
 * then "Confirmer" from two browsers that both show the confirmation page — the first confirms
 * (recorded, one e-mail), the second, from its now stale page, confirms again and nothing is sent.
 * Which browser goes first alternates per project (node: with JavaScript, deno: without), so a
 * first confirmation is played in both modes. Other files only read demo's invoices, name, e-mail
 * and customer numbers, which opting out does not change.
 */
test.describe.configure({ mode: "serial", timeout: 60_000 });

const OPTOUT_SUBJECT = "Demande d'arrêt des factures papier — abonné n° SISTEC560";
const CONFIRMATION = [
  "Vous avez demandé à ne plus recevoir les factures au format papier.",
  "Si vous confirmez, un message électronique sera automatiquement envoyé au service concerné.",
];
const SENT =
  "Votre demande a bien été enregistrée : un message électronique a été envoyé au service concerné pour qu'il arrête l'envoi des factures au format papier.";
const ALREADY = "Vous avez déjà demandé à ne plus recevoir les factures au format papier : aucun nouveau message n'a été envoyé.";
const PAPER_LINK = "Ne pas recevoir les factures au format papier";

/** Today in Paris, as the page writes it (dd/mm/yyyy). */
function todayInParis(): string {
  return new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" }).format(new Date());
}

async function expectDetails(page: Page) {
  await expect(page.getByRole("heading", { level: 1, name: "Mes informations" })).toBeVisible();
  await expect(page.getByTestId("login-email")).toHaveText(DEMO.email);
  await expect(page.locator('dt:text-is("Adresse mail de connexion")')).toBeVisible();
  await expect(page.locator('dt:text-is("Abonné n° SISTEC560") + dd')).toContainText("Test SISTEC560 — Service Multi Services de démonstration");
  await expect(page.getByRole("banner").getByTestId("resident-name")).toHaveText(DEMO.name);
  await expect(page.getByRole("link", { name: "Changer l'adresse mail" })).toHaveAttribute("href", "/mes-informations/adresse-mail");
  await expect(page.getByRole("link", { name: "Changer le mot de passe" })).toHaveAttribute("href", "/mes-informations/mot-de-passe");
}

/** From Mes informations to the "Confirmation" page, checking its exact text. */
async function openConfirmation(page: Page) {
  await page.getByRole("link", { name: PAPER_LINK }).click();
  await expect(page).toHaveURL(/\/mes-informations\/papier$/);
  await expect(page.getByRole("heading", { level: 1, name: "Confirmation", exact: true })).toBeVisible();
  const main = page.getByRole("main");
  for (const sentence of CONFIRMATION) await expect(main.getByText(sentence, { exact: true })).toBeVisible();
  await expect(main.getByText("Abonné concerné : n° SISTEC560", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Confirmer" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Annuler" })).toBeVisible();
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test("Mes informations shows name, e-mail and customer number; « Annuler » records and sends nothing", async ({ page }) => {
      await login(page, DEMO.email, DEMO.password, { remember: false });
      await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Mes informations" }).click();
      await expect(page).toHaveURL(/\/mes-informations$/);
      await expectDetails(page);
      await expect(page.getByTestId("paper-status")).toHaveText("Factures papier : reçues par courrier");
      if (javaScript) await expectNoAxeViolations(page);

      await openConfirmation(page);
      if (javaScript) await expectNoAxeViolations(page);
      await page.getByRole("link", { name: "Annuler" }).click();
      await expect(page).toHaveURL(/\/mes-informations$/);
      await expect(page.getByRole("status")).toHaveCount(0);
      await expect(page.getByTestId("paper-status")).toHaveText("Factures papier : reçues par courrier");
      await expect(page.getByRole("link", { name: PAPER_LINK })).toBeVisible();

      await page.goto("/dev/courriels");
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Courriels envoyés");
      await expect(emailsWithSubject(page, OPTOUT_SUBJECT)).toHaveCount(0);
    });
  });
}

test("« Confirmer » records the request and e-mails the service once; confirming again from a stale page sends nothing", async ({ browser, baseURL }, testInfo) => {
  const jsFirst = testInfo.project.name !== "deno";
  const first = await browser.newContext({ baseURL, locale: "fr-FR", javaScriptEnabled: jsFirst });
  const second = await browser.newContext({ baseURL, locale: "fr-FR", javaScriptEnabled: !jsFirst });
  const [a, b] = [await first.newPage(), await second.newPage()];
  for (const page of [a, b]) {
    await login(page, DEMO.email, DEMO.password, { remember: false });
    await page.goto("/mes-informations");
    await openConfirmation(page);
  }

  // The first browser confirms: recorded, announced, and paper shown as requested to stop.
  await a.getByRole("button", { name: "Confirmer" }).click();
  await expect(a).toHaveURL(/\/mes-informations\?papier=demande$/);
  await expect(a.getByRole("status")).toHaveText(SENT);
  await expect(a.getByTestId("paper-status")).toHaveText(`Factures papier : arrêt demandé le ${todayInParis()}`);
  await expect(a.getByRole("link", { name: PAPER_LINK })).toHaveCount(0);
  await expectDetails(a);
  if (jsFirst) await expectNoAxeViolations(a);

  // The e-mail to the service: who, which customer number, when.
  await a.goto("/dev/courriels");
  const email = emailsWithSubject(a, OPTOUT_SUBJECT);
  await expect(email).toHaveCount(1);
  await expect(email.getByTestId("email-to")).toHaveText(SERVICE_EMAIL);
  await expect(email.getByTestId("email-reply-to")).toHaveText(DEMO.email);
  const text = email.getByTestId("email-body");
  await expect(text).toContainText("Un usager a demandé, depuis le portail des factures, à ne plus recevoir ses factures au format papier.");
  await expect(text).toContainText("Nom : Test SISTEC560");
  await expect(text).toContainText(`Adresse mail : ${DEMO.email}`);
  await expect(text).toContainText("Numéro d'abonné : SISTEC560");
  await expect(text).toContainText("Service : Service Multi Services de démonstration");
  await expect(text).toContainText(new RegExp(`Date de la demande : ${todayInParis().replace(/\//g, "\\/")} à \\d{2} h \\d{2} \\(heure de Paris\\)`));
  await expectDelivered(a, email);

  // The second browser still shows "Confirmer": asking twice records and sends nothing more.
  await b.getByRole("button", { name: "Confirmer" }).click();
  await expect(b).toHaveURL(/\/mes-informations\?papier=deja-demande$/);
  await expect(b.getByRole("status")).toHaveText(ALREADY);
  await expect(b.getByTestId("paper-status")).toHaveText(`Factures papier : arrêt demandé le ${todayInParis()}`);
  await expect(b.getByRole("link", { name: PAPER_LINK })).toHaveCount(0);
  if (!jsFirst) await expectNoAxeViolations(b);

  // The confirmation page itself now has nothing to confirm.
  for (const page of [a, b]) {
    await page.goto("/mes-informations/papier");
    await expect(page.getByRole("heading", { level: 1, name: "Confirmation", exact: true })).toBeVisible();
    await expect(page.getByText("il n'y a rien à confirmer")).toBeVisible();
    await expect(page.getByRole("button", { name: "Confirmer" })).toHaveCount(0);
  }
  await expectNoAxeViolations(jsFirst ? a : b);
  await (jsFirst ? a : b).getByRole("link", { name: "Retour à Mes informations" }).click();
  await expect(jsFirst ? a : b).toHaveURL(/\/mes-informations$/);

  await b.goto("/dev/courriels");
  await expect(emailsWithSubject(b, OPTOUT_SUBJECT)).toHaveCount(1);
  await first.close();
  await second.close();
});
