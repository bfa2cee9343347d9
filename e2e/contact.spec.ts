import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, emailsWithSubject, expectDelivered, expectNoAxeViolations, login, SERVICE_EMAIL } from "./helpers";

/**
 * Contact: "Contacter le service" (/contact, signed in) and the public page
 * /nous-contacter. Runs in parallel with the other files: demo@demo.fr only sends messages here
 * (nothing another test reads), each to a subject unique to this run, and the e-mails go to the
 * service's address (contact@multiservices-demo.fr), which no other file looks for.
 *
 * The public page is throttled per client address (5 messages an hour, all tests come from
 * 127.0.0.1): this file sends 2 per project (and the honeypot post, which counts for nothing).
 */

// axe on every screen makes these journeys long on 2 cores.
test.describe.configure({ timeout: 60_000 });

const EMPTY_MESSAGE = "Écrivez votre message avant de l'envoyer.";
const GENERAL_INFO = [
  "Service Multi Services de démonstration",
  "1 place de la Mairie, 00000 Démoville",
  "Accueil du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h.",
  "Téléphone : 01 23 45 67 89 (prix d'un appel local).",
];

async function expectGeneralInfo(page: Page) {
  const info = page.getByRole("region", { name: "Informations générales" });
  await expect(info.getByRole("heading", { level: 2, name: "Informations générales" })).toBeVisible();
  for (const line of GENERAL_INFO) await expect(info).toContainText(line);
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  const tag = javaScript ? "js" : "nojs";

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });
    const axe = async (page: Page) => {
      if (javaScript) await expectNoAxeViolations(page);
    };

    test("Contact: « Effacer » clears the form, an empty message is refused in French, a message reaches the service with Reply-To the resident", async ({ page }, testInfo) => {
      const subject = `Question e2e ${tag} ${testInfo.project.name} ${randomUUID().slice(0, 8)}`;
      const body = `Bonjour,\nPouvez-vous m'envoyer un duplicata ? <b>merci</b> & bonne journée.\n(${subject})`;

      await login(page, DEMO.email, DEMO.password, { remember: false });
      await page.getByRole("navigation", { name: "Menu principal" }).getByRole("link", { name: "Contact" }).click();
      await expect(page).toHaveURL(/\/contact$/);
      await expect(page.getByRole("heading", { level: 1, name: "Contacter le service" })).toBeVisible();
      await expectGeneralInfo(page);
      const subjectField = page.getByLabel("Objet (facultatif)");
      const messageField = page.getByLabel("Message");
      await expect(subjectField).toHaveValue("");
      await expect(messageField).toHaveValue("");
      await axe(page);

      // Effacer: both fields empty again.
      await subjectField.fill("Brouillon");
      await messageField.fill("Un message que je ne veux plus envoyer.");
      await page.getByRole("button", { name: "Effacer" }).click();
      await expect(subjectField).toHaveValue("");
      await expect(messageField).toHaveValue("");
      await expect(page).toHaveURL(/\/contact$/);

      // Envoyer without a message: the French error, the subject kept.
      await subjectField.fill(subject);
      await page.getByRole("button", { name: "Envoyer" }).click();
      await expect(page.getByText(EMPTY_MESSAGE)).toBeVisible();
      await expect(messageField).toHaveAttribute("aria-invalid", "true");
      await expect(messageField).toHaveAccessibleDescription(/Écrivez votre message avant de l'envoyer\./);
      await expect(subjectField).toHaveValue(subject);
      await axe(page);

      // Effacer after an error clears the error too.
      await page.getByRole("button", { name: "Effacer" }).click();
      await expect(subjectField).toHaveValue("");
      await expect(page.getByText(EMPTY_MESSAGE)).toHaveCount(0);
      await expect(messageField).not.toHaveAttribute("aria-invalid", "true");

      await subjectField.fill(subject);
      await messageField.fill(body);
      await page.getByRole("button", { name: "Envoyer" }).click();
      await expect(page.getByRole("status")).toHaveText(
        `Votre message a bien été envoyé au service. Il vous répondra à votre adresse mail (${DEMO.email}).`,
      );
      await expect(subjectField).toHaveValue("");
      await expect(messageField).toHaveValue("");
      await axe(page);

      await page.goto("/dev/courriels");
      const email = emailsWithSubject(page, `Message d'un usager : ${subject}`);
      await expect(email).toHaveCount(1);
      await expect(email.getByTestId("email-to")).toHaveText(SERVICE_EMAIL);
      await expect(email.getByTestId("email-reply-to")).toHaveText(DEMO.email);
      const text = email.getByTestId("email-body");
      await expect(text).toContainText("Nom : Test SISTEC560");
      await expect(text).toContainText(`Adresse mail : ${DEMO.email}`);
      await expect(text).toContainText("Numéro d'abonné : SISTEC560");
      await expect(text).toContainText(`Objet : ${subject}`);
      await expect(text).toContainText(body); // as typed: the text part is not HTML
      await expectDelivered(page, email);
    });

    test("/nous-contacter: a visitor who cannot log in writes to the service; a honeypot post stores nothing", async ({ page }, testInfo) => {
      const id = `${tag}-${testInfo.project.name}-${randomUUID().slice(0, 8)}`;
      const visitor = `visiteur-${id}@exemple.fr`;
      const subject = `Compte introuvable ${id}`;

      await page.goto("/connexion");
      await page.getByRole("link", { name: /contact/i }).first().click();
      await expect(page).toHaveURL(/\/nous-contacter$/);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Contacter le service");
      await expectGeneralInfo(page);
      await axe(page);

      const fields = {
        email: page.getByLabel("Adresse mail"),
        name: page.getByLabel("Nom et prénom (facultatif)"),
        number: page.getByLabel("Numéro d'abonné (facultatif)"),
        subject: page.getByLabel("Objet (facultatif)"),
        message: page.getByLabel("Message"),
      };
      // The honeypot is out of the accessibility tree.
      await expect(page.getByRole("textbox", { name: "Ne pas remplir ce champ" })).toHaveCount(0);

      // Effacer.
      await fields.email.fill(visitor);
      await fields.message.fill("Brouillon");
      await page.getByRole("button", { name: "Effacer" }).click();
      await expect(fields.email).toHaveValue("");
      await expect(fields.message).toHaveValue("");

      // Empty message: the French error, the other fields kept.
      await fields.email.fill(visitor);
      await fields.name.fill("Camille Exemple");
      await page.getByRole("button", { name: "Envoyer" }).click();
      await expect(page.getByText(EMPTY_MESSAGE)).toBeVisible();
      await expect(fields.message).toHaveAttribute("aria-invalid", "true");
      await expect(fields.email).toHaveValue(visitor);
      await expect(fields.name).toHaveValue("Camille Exemple");
      await axe(page);

      await fields.number.fill("SISTEC999");
      await fields.subject.fill(subject);
      await fields.message.fill("Je n'arrive pas à activer mon compte.");
      await page.getByRole("button", { name: "Envoyer" }).click();
      await expect(page.getByRole("status")).toHaveText("Votre message a bien été envoyé au service. Il vous répondra à l'adresse mail indiquée.");
      await expect(page).toHaveURL(/\/nous-contacter\?envoye=1$/);
      await axe(page);

      // A bot fills the hidden field: the same confirmation, nothing stored nor sent.
      const botSubject = `Offre spéciale ${id}`;
      await page.goto("/nous-contacter");
      await fields.email.fill(`robot-${id}@exemple.fr`);
      await page.locator("#site_web").fill("https://spam.example", { force: true });
      await fields.subject.fill(botSubject);
      await fields.message.fill("Achetez maintenant.");
      await page.getByRole("button", { name: "Envoyer" }).click();
      await expect(page.getByRole("status")).toHaveText("Votre message a bien été envoyé au service. Il vous répondra à l'adresse mail indiquée.");

      await page.goto("/dev/courriels");
      const email = emailsWithSubject(page, `Message d'un visiteur du portail : ${subject}`);
      await expect(email).toHaveCount(1);
      await expect(email.getByTestId("email-to")).toHaveText(SERVICE_EMAIL);
      await expect(email.getByTestId("email-reply-to")).toHaveText(visitor);
      const text = email.getByTestId("email-body");
      await expect(text).toContainText("Nom : Camille Exemple");
      await expect(text).toContainText(`Adresse mail : ${visitor}`);
      await expect(text).toContainText("Numéro d'abonné indiqué : SISTEC999");
      await expect(text).toContainText("Je n'arrive pas à activer mon compte.");
      await expect(emailsWithSubject(page, `Message d'un visiteur du portail : ${botSubject}`)).toHaveCount(0);
      await expect(page.getByText(`robot-${id}@exemple.fr`)).toHaveCount(0);
      await expectDelivered(page, email);
    });
  });
}

test("a signed-in resident opening /nous-contacter is sent to /contact", async ({ page }) => {
  await login(page, DEMO.email, DEMO.password, { remember: false });
  await page.goto("/nous-contacter");
  await expect(page).toHaveURL(/\/contact$/);
  await expect(page.getByRole("heading", { level: 1, name: "Contacter le service" })).toBeVisible();
});
