import { expect, test, type Page } from "@playwright/test";
import { emailLink, expectVisibleFocus, newestEmailTo, SUBJECTS, tabAndPress, tabTo } from "./helpers";

/**
 * The resident's whole journey with the keyboard only (RGAA 7.3, 10.7, 12.7; WCAG 2.1.1, 2.4.3,
 * 2.4.7), with and without JavaScript: activation (the link from /dev/courriels, the new
 * password) → logout → login → the invoices → an invoice → its PDF → payment of two invoices at
 * once through the local DGFiP simulator → paper opt-out → contact → logout. Every step is driven
 * by page.keyboard (Tab, Shift+Tab, Enter, Space): `tabTo` presses Tab until the next control has
 * the focus (a bounded number of times) and checks that the focus can be seen there (an outline,
 * inside the viewport). Only the local mailbox is opened by its address, as a resident opens
 * their mail elsewhere.
 *
 * Demo data of its own (supabase/seed.sql): customers known to the service and not activated,
 * one per run so that each run activates, pays and writes with its own account on the fresh
 * database each server gets: clavier@demo.fr with JavaScript, clavier-sans-js@demo.fr without
 * (as e2e/accounts-lifecycle.spec.ts plays nouveau@demo.fr once per run). No other file reads them.
 *
 * With JavaScript, a client-side navigation announces the new page's title in a polite live
 * region and leaves the focus alone (docs/decisions/0029-focus-after-navigation.md): checked at
 * each page change, and the next Tab after the login reaches the skip link as after a full load.
 */
test.describe.configure({ mode: "serial", timeout: 90_000 });

const RUNS = {
  js: {
    email: "clavier@demo.fr",
    invoices: [
      { id: "1a000000-0000-4000-8000-000000000502", number: "2018-020-000502" },
      { id: "1a000000-0000-4000-8000-000000000501", number: "2018-020-000501" },
    ],
  },
  nojs: {
    email: "clavier-sans-js@demo.fr",
    invoices: [
      { id: "1a000000-0000-4000-8000-000000000512", number: "2018-020-000512" },
      { id: "1a000000-0000-4000-8000-000000000511", number: "2018-020-000511" },
    ],
  },
} as const;

for (const javaScript of [true, false]) {
  const run = RUNS[javaScript ? "js" : "nojs"];
  const password = `Clavier ${javaScript ? "avec" : "sans"} script 2026`;
  /** The newest invoice (opened first, listed first) and the other one. */
  const [newest, older] = run.invoices;

  test.describe(javaScript ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: javaScript });

    /**
     * After a page change: the URL, the heading, and the announcer — the new title after a
     * client-side navigation (with JavaScript), empty after a full page load (without
     * JavaScript, or a page reached by a plain form or link: `fullLoad`).
     */
    async function arrived(page: Page, url: RegExp, heading: string | RegExp, { fullLoad = false } = {}) {
      await expect(page).toHaveURL(url);
      await expect(page.getByRole("heading", { level: 1 })).toContainText(heading);
      const announcer = page.locator('body > p[aria-live="polite"]');
      if (javaScript && !fullLoad) await expect(announcer).toHaveText(await page.title());
      else await expect(announcer).toBeEmpty();
    }

    test("activation, login, invoices, PDF, payment, paper opt-out, contact and logout with the keyboard only", async ({ page }) => {
      const menu = page.getByRole("navigation", { name: "Menu principal" });

      // Activation: the address the service knows, then the link of the e-mail, then a password.
      await page.goto("/connexion");
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Veuillez vous connecter");
      await tabAndPress(page, page.getByRole("link", { name: "J'active mon compte" }));
      await arrived(page, /\/activation$/, "J'active mon compte");
      await tabTo(page, page.getByLabel("Adresse mail"));
      await page.keyboard.type(run.email);
      await tabAndPress(page, page.getByRole("button", { name: "Activation" }));
      await expect(page.getByRole("status")).toContainText("Un message d'activation du compte vous a été envoyé avec succès");

      const email = await newestEmailTo(page, run.email, SUBJECTS.invite);
      await tabAndPress(page, emailLink(email));
      await expect(page).toHaveURL(/\/auth\/confirm\?/);
      await tabAndPress(page, page.getByRole("button", { name: "Activer mon compte" }));
      await expect(page).toHaveURL(/\/nouveau-mot-de-passe$/);
      await expect(page.getByTestId("account-email")).toHaveText(run.email);
      await expect(page.getByTestId("time-limit")).toContainText("vous disposez de 15 minutes");
      await tabTo(page, page.getByLabel("Nouveau mot de passe"));
      await page.keyboard.type(password);
      await tabAndPress(page, page.getByRole("button", { name: "Enregistrer" }));
      await expect(page.getByRole("status")).toHaveText("Le nouveau mot de passe a été enregistré avec succès.");
      await tabAndPress(page, page.getByRole("link", { name: "Accéder à mon espace" }));
      await arrived(page, /\/accueil$/, "Accueil");

      // Logout, then login: e-mail, password, « Se souvenir de moi » unticked with Space, « Connexion » with Enter.
      await tabAndPress(page, menu.getByRole("button", { name: "Déconnexion" }));
      await expect(page).toHaveURL(/\/connexion$/);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Veuillez vous connecter");
      await tabTo(page, page.getByLabel("Adresse mail"));
      await page.keyboard.type(run.email);
      await tabTo(page, page.getByLabel("Mot de passe"));
      await page.keyboard.type(password);
      const remember = page.getByRole("checkbox", { name: "Se souvenir de moi" });
      await tabAndPress(page, remember, "Space");
      await expect(remember).not.toBeChecked();
      await tabAndPress(page, page.getByRole("button", { name: "Connexion" }));
      await arrived(page, /\/accueil$/, "Accueil");
      await expect(page.getByTestId("resident-name")).toHaveText("Famille Clavier");
      // As after a full page load: the skip link first.
      await tabTo(page, page.getByRole("link", { name: "Aller au contenu" }), { max: 1 });

      // Mes factures → the newest unpaid invoice → its page → its PDF, downloaded with Enter.
      await tabAndPress(page, menu.getByRole("link", { name: "Mes factures" }));
      await arrived(page, /\/factures$/, "Mes factures");
      await tabAndPress(page, page.getByRole("link", { name: newest.number, exact: true }));
      await arrived(page, new RegExp(`/factures/${newest.id}$`), newest.number);
      const pdf = page.getByRole("link", { name: "Télécharger PDF" });
      await expect(pdf).toHaveAttribute("href", `/factures/${newest.id}/pdf`);
      const download = page.waitForEvent("download");
      await tabAndPress(page, pdf);
      expect(await (await download).failure()).toBeNull();
      expect((await download).suggestedFilename()).toMatch(/\.pdf$/);

      // Payment of both invoices at once: the selection (the second one ticked with Space), the
      // confirmation, the simulator's « Payer », the result.
      await tabAndPress(page, page.getByRole("link", { name: "Payer la facture" }));
      await arrived(page, new RegExp(`/paiement\\?facture=${newest.id}$`), "Sélection des factures pour le règlement");
      await expect(page.getByRole("checkbox", { name: `Régler la facture ${newest.number}` })).toBeChecked();
      const second = page.getByRole("checkbox", { name: `Régler la facture ${older.number}` });
      await tabAndPress(page, second, "Space");
      await expect(second).toBeChecked();
      if (javaScript) await expect(page.getByText("Nombre de factures : 2")).toBeVisible();
      await tabAndPress(page, page.getByRole("button", { name: "Payer la facture", exact: true }));
      // A plain GET form: a full page load.
      await arrived(page, /\/paiement\/confirmation\?/, "Informations pour le paiement PayFiP", { fullLoad: true });
      for (const invoice of run.invoices) await expect(page.getByTestId("payment-info")).toContainText(invoice.number);
      await tabAndPress(page, page.getByRole("button", { name: "Payer la facture sur le portail PayFiP" }));
      await expect(page).toHaveURL(/\/simulateur-dgfip\/tpa\/paiementws\.web\?idop=/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("PayFiP — paiement sécurisé");
      await tabAndPress(page, page.getByRole("button", { name: "Payer", exact: true }));
      await expect(page).toHaveURL(/\/paiement\/retour\?/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Votre paiement est accepté");

      // Paper opt-out, confirmed.
      await tabAndPress(page, menu.getByRole("link", { name: "Mes informations" }));
      await arrived(page, /\/mes-informations$/, "Mes informations");
      await tabAndPress(page, page.getByRole("link", { name: "Ne pas recevoir les factures au format papier" }));
      await arrived(page, /\/mes-informations\/papier$/, "Confirmation");
      await tabAndPress(page, page.getByRole("button", { name: "Confirmer" }));
      await expect(page).toHaveURL(/\/mes-informations\?papier=demande$/);
      await expect(page.getByTestId("paper-status")).toContainText("arrêt demandé");

      // Contact: sent empty, the error summary links to the field, which has the focus; then written and sent.
      await tabAndPress(page, menu.getByRole("link", { name: "Contact" }));
      await arrived(page, /\/contact$/, "Contacter le service");
      await tabAndPress(page, page.getByRole("button", { name: "Envoyer" }));
      const summary = page.getByRole("alert").filter({ hasText: "Le formulaire contient" });
      await expect(summary.getByRole("link", { name: "Message", exact: true })).toHaveAttribute("href", "#body");
      await expect(page.getByLabel("Message")).toBeFocused();
      await expectVisibleFocus(page);
      await page.keyboard.type("Bonjour, je règle mes factures au clavier. Merci.");
      await tabAndPress(page, page.getByRole("button", { name: "Envoyer" }));
      await expect(page.getByRole("status")).toHaveText(`Votre message a bien été envoyé au service. Il vous répondra à votre adresse mail (${run.email}).`);

      // Logout, back through the page (Shift+Tab) to the menu's button.
      await tabAndPress(page, menu.getByRole("button", { name: "Déconnexion" }), "Enter", { backwards: true });
      await expect(page).toHaveURL(/\/connexion$/);
      await expect(page.getByText("Veuillez vous connecter")).toBeVisible();
    });
  });
}
