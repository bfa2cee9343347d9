import { expect, test, type Page } from "@playwright/test";
import { DEMO, expectVisibleFocus, tabAndPress, tabTo } from "./helpers";

/**
 * The resident's journey with the keyboard only (RGAA 7.3, 10.7, 12.7; WCAG 2.1.1, 2.4.3, 2.4.7),
 * with and without JavaScript: activation page → login → the invoices → an invoice → its PDF
 * link → payment through the local DGFiP simulator → paper opt-out → contact → logout. Every
 * step is driven by page.keyboard (Tab, Shift+Tab, Enter, Space): `tabTo` presses Tab until the
 * next control has the focus (a bounded number of times) and checks that the focus can be seen
 * there (an outline, inside the viewport).
 *
 * Demo data: this file changes nothing another file reads. It plays as demo@demo.fr (which the
 * other files only read), refuses the payment in the simulator (a refused payment leaves the
 * invoice unpaid and payable again: e2e/payment.spec.ts), answers « Annuler » to the paper
 * opt-out (only e2e/paper-optout.spec.ts confirms it) and submits the contact form empty (the
 * error summary, nothing sent). The activation of nouveau@demo.fr belongs to
 * e2e/accounts-lifecycle.spec.ts alone (its runs expect no other account on that address), so
 * here the activation page is driven with an address the portal does not know.
 * Its tests run in order: the two modes would otherwise start payments of the same invoice.
 *
 * With JavaScript, a client-side navigation announces the new page's title in a polite live
 * region and leaves the focus alone (docs/decisions/0029-focus-after-navigation.md): checked at
 * each page change, and the next Tab after the login reaches the skip link as after a full load.
 */
test.describe.configure({ mode: "serial", timeout: 60_000 });

const INVOICE = { id: "1a000000-0000-4000-8000-000000000002", number: "2017-020-002410" } as const;

for (const javaScript of [true, false]) {
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

      // Activation page: an unknown address is refused, in an alert.
      await page.goto("/connexion");
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Veuillez vous connecter");
      await tabAndPress(page, page.getByRole("link", { name: "J'active mon compte" }));
      await arrived(page, /\/activation$/, "J'active mon compte");
      await tabTo(page, page.getByLabel("Adresse mail"));
      await page.keyboard.type(`inconnu-clavier-${javaScript ? "js" : "nojs"}@exemple.fr`);
      await tabAndPress(page, page.getByRole("button", { name: "Activation" }));
      await expect(page.getByRole("alert")).toContainText("Activation impossible, adresse inconnue");

      // Login: e-mail, password, « Se souvenir de moi » unticked with Space, « Connexion » with Enter.
      await page.goto("/connexion");
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Veuillez vous connecter");
      await tabTo(page, page.getByLabel("Adresse mail"));
      await page.keyboard.type(DEMO.email);
      await tabTo(page, page.getByLabel("Mot de passe"));
      await page.keyboard.type(DEMO.password);
      const remember = page.getByRole("checkbox", { name: "Se souvenir de moi" });
      await tabAndPress(page, remember, "Space");
      await expect(remember).not.toBeChecked();
      await tabAndPress(page, page.getByRole("button", { name: "Connexion" }));
      await arrived(page, /\/accueil$/, "Accueil");
      // As after a full page load: the skip link first.
      await tabTo(page, page.getByRole("link", { name: "Aller au contenu" }), { max: 1 });

      // Mes factures → the unpaid invoice → its page, its PDF link.
      await tabAndPress(page, menu.getByRole("link", { name: "Mes factures" }));
      await arrived(page, /\/factures$/, "Mes factures");
      await tabAndPress(page, page.getByRole("link", { name: INVOICE.number, exact: true }));
      await arrived(page, new RegExp(`/factures/${INVOICE.id}$`), INVOICE.number);
      const pdf = page.getByRole("link", { name: "Télécharger PDF" });
      await tabTo(page, pdf);
      await expect(pdf).toHaveAttribute("href", `/factures/${INVOICE.id}/pdf`);

      // Payment: the selection, the confirmation, the simulator's « Refuser ».
      await tabAndPress(page, page.getByRole("link", { name: "Payer la facture" }));
      await arrived(page, new RegExp(`/paiement\\?facture=${INVOICE.id}$`), "Sélection des factures pour le règlement");
      await expect(page.getByRole("checkbox", { name: `Régler la facture ${INVOICE.number}` })).toBeChecked();
      await tabAndPress(page, page.getByRole("button", { name: "Payer la facture", exact: true }));
      // A plain GET form: a full page load.
      await arrived(page, /\/paiement\/confirmation\?/, "Informations pour le paiement PayFiP", { fullLoad: true });
      await tabAndPress(page, page.getByRole("button", { name: "Payer la facture sur le portail PayFiP" }));
      await expect(page).toHaveURL(/\/simulateur-dgfip\/tpa\/paiementws\.web\?idop=/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("PayFiP — paiement sécurisé");
      await tabAndPress(page, page.getByRole("button", { name: "Refuser", exact: true }));
      await expect(page).toHaveURL(/\/paiement\/retour\?/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Votre paiement a été refusé");

      // Paper opt-out, answered « Annuler ».
      await tabAndPress(page, menu.getByRole("link", { name: "Mes informations" }));
      await arrived(page, /\/mes-informations$/, "Mes informations");
      await tabAndPress(page, page.getByRole("link", { name: "Ne pas recevoir les factures au format papier" }));
      await arrived(page, /\/mes-informations\/papier$/, "Confirmation");
      await tabAndPress(page, page.getByRole("button", { name: "Annuler" }).or(page.getByRole("link", { name: "Annuler" })));
      await arrived(page, /\/mes-informations$/, "Mes informations");

      // Contact, sent empty: the error summary links to the field, which has the focus.
      await tabAndPress(page, menu.getByRole("link", { name: "Contact" }));
      await arrived(page, /\/contact$/, "Contacter le service");
      await tabAndPress(page, page.getByRole("button", { name: "Envoyer" }));
      const summary = page.getByRole("alert").filter({ hasText: "Le formulaire contient" });
      await expect(summary.getByRole("link", { name: "Message", exact: true })).toHaveAttribute("href", "#body");
      await expect(page.getByLabel("Message")).toBeFocused();
      await expectVisibleFocus(page);

      // Logout, back through the page (Shift+Tab) to the menu's button.
      await tabAndPress(page, menu.getByRole("button", { name: "Déconnexion" }), "Enter", { backwards: true });
      await expect(page).toHaveURL(/\/connexion$/);
      await expect(page.getByText("Veuillez vous connecter")).toBeVisible();
    });
  });
}
