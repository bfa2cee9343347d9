import { expect, test, type Page } from "@playwright/test";
import { expectNoAxeViolations, login } from "./helpers";

/**
 * Payment journeys through the local DGFiP simulator (docs/e2e-payment.md), on both
 * servers, with and without JavaScript. They change invoice states, so they use a resident of
 * their own that no other file reads: paiement@demo.fr (supabase/seed.sql), with one invoice per
 * journey, so the tests run in parallel without seeing each other's payments:
 *   004200 PayFiP, several invoices allowed · 004281 classic TIPI, one at a time · 004282 suspended.
 */

const PAIEMENT = { email: "paiement@demo.fr", password: "paiement-factures" } as const;

interface Invoice {
  id: string;
  number: string;
  cents: number;
}
const invoice = (suffix: string, number: string, cents: number): Invoice => ({
  id: `1a000000-0000-4000-8000-000000000${suffix}`,
  number,
  cents,
});

const INVOICES = {
  // 004200, PayFiP web service, several invoices allowed
  payOne: invoice("101", "2018-020-000101", 1234),
  payOneNoJs: invoice("102", "2018-020-000102", 2345),
  payTwoA: invoice("103", "2018-020-000103", 3120),
  payTwoB: invoice("104", "2018-020-000104", 1880),
  refused: invoice("105", "2018-020-000105", 4200),
  abandoned: invoice("106", "2018-020-000106", 5730),
  notifiedTwice: invoice("107", "2018-020-000107", 6410),
  notifiedLate: invoice("108", "2018-020-000108", 7190),
  notNotified: invoice("109", "2018-020-000109", 8325),
  browserClosed: invoice("110", "2018-020-000110", 9560),
  notifiedLateNoJs: invoice("111", "2018-020-000111", 10475),
  // 004281, classic TIPI, one invoice at a time
  tipi: invoice("201", "2018-021-000201", 2650),
  tipiNoJs: invoice("202", "2018-021-000202", 3370),
  tipiForged: invoice("203", "2018-021-000203", 4815),
  oneAtATimeA: invoice("204", "2018-021-000204", 1999),
  oneAtATimeB: invoice("205", "2018-021-000205", 2101),
  // 004282, payment suspended
  suspended: invoice("301", "2018-022-000301", 3990),
} as const;

/** "12,34 €" whatever space Intl puts before the sign. */
function euros(cents: number): RegExp {
  const [units, decimals] = (cents / 100).toFixed(2).split(".");
  const grouped = units!.replace(/\B(?=(\d{3})+(?!\d))/g, "\\s");
  return new RegExp(`${grouped},${decimals}\\s€`);
}

const summary = (page: Page) => page.getByTestId("selection-summary");
const checkbox = (page: Page, inv: Invoice) => page.getByRole("checkbox", { name: `Régler la facture ${inv.number}` });
const result = (page: Page) => page.getByTestId("payment-result");

async function expectSummary(page: Page, count: number, cents: number) {
  await expect(summary(page)).toContainText(`Nombre de factures : ${count}`);
  await expect(summary(page)).toContainText(new RegExp(`Montant à régler : ${euros(cents).source}`));
}

/** From the invoice's page, "Payer la facture" → the selection with that invoice ticked. */
async function openSelectionFrom(page: Page, inv: Invoice) {
  await page.goto(`/factures/${inv.id}`);
  await page.getByRole("link", { name: "Payer la facture" }).click();
  await expect(page).toHaveURL(new RegExp(`/paiement\\?facture=${inv.id}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sélection des factures pour le règlement");
  await expect(checkbox(page, inv)).toBeChecked();
  // The visible cross of the ticked row, drawn by the style sheet (e2e/without-styles.spec.ts).
  const mark = page.getByTestId("payment-row").filter({ hasText: inv.number }).getByTestId("selection-mark");
  await expect.poll(() => mark.evaluate((el) => getComputedStyle(el, "::after").content)).toBe('"X"');
}

/** Selection → confirmation → the simulator's PayFiP page. */
async function confirmPayfip(page: Page, invoices: Invoice[], { axe = false } = {}) {
  await page.getByRole("button", { name: "Payer la facture", exact: true }).click();
  await expect(page).toHaveURL(/\/paiement\/confirmation\?/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Informations pour le paiement PayFiP");
  const info = page.getByTestId("payment-info");
  await expect(info).toContainText("Identifiant collectivité :004200");
  await expect(info).toContainText(new RegExp(`Montant du règlement :${euros(invoices.reduce((s, i) => s + i.cents, 0)).source}`));
  await expect(info).toContainText(`Références des factures :${invoices.map((i) => i.number).join(", ")}`);
  if (axe) await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Payer la facture sur le portail PayFiP" }).click();
  await expect(page).toHaveURL(/\/simulateur-dgfip\/tpa\/paiementws\.web\?idop=/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("PayFiP — paiement sécurisé");
  await expect(page.getByText("Simulateur local : aucun paiement réel n'est effectué.")).toBeVisible();
  if (axe) await expectNoAxeViolations(page);
}

type Notification = "Envoyer la notification" | "Envoyer la notification deux fois" | "Envoyer la notification en retard" | "Ne pas envoyer de notification";

async function decide(
  page: Page,
  button: "Payer" | "Refuser" | "Abandonner",
  { notification, delaySeconds, closeBrowser = false }: { notification?: Notification; delaySeconds?: number; closeBrowser?: boolean } = {},
) {
  if (notification) await page.getByRole("radio", { name: notification, exact: true }).check();
  if (delaySeconds !== undefined) await page.getByLabel("Retard de la notification (secondes)").fill(String(delaySeconds));
  if (closeBrowser) await page.getByRole("radio", { name: "Fermer le navigateur (ne pas revenir sur le portail)" }).check();
  await page.getByRole("button", { name: button, exact: true }).click();
}

async function expectResult(page: Page, status: string, heading: string) {
  await expect(page).toHaveURL(/\/paiement\/retour\?/);
  await expect(result(page)).toHaveAttribute("data-status", status);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
}

async function expectInTab(page: Page, tab: "non-reglees" | "reglees", invoices: Invoice[]) {
  await page.goto(`/factures?onglet=${tab}`);
  for (const inv of invoices) await expect(page.getByRole("link", { name: inv.number, exact: true })).toBeVisible();
}

/**
 * Abandoned within 20 minutes of the start: DGFiP may still take a payment on the same operation,
 * so the invoice stays held (docs/decisions/0013-tipi-trust-and-abandon-window.md): the result
 * page and the invoice page say from when it can be paid again, the selection does not offer it.
 */
async function expectHeldAfterAbandon(page: Page, inv: Invoice) {
  await expect(result(page)).toContainText(/vous pourrez payer à nouveau à partir (?:de|du \d{2}\/\d{2}\/\d{4} à) \d{2} h \d{2}/);
  await expect(page.getByRole("link", { name: "Payer à nouveau" })).toHaveCount(0);
  await expectInTab(page, "non-reglees", [inv]);
  await page.goto(`/factures/${inv.id}`);
  const inProgress = page.getByTestId("payment-in-progress");
  await expect(inProgress).toHaveAttribute("data-state", "pending");
  await expect(inProgress).toContainText("Paiement en cours");
  await expect(inProgress).toContainText(/à partir (?:de|du \d{2}\/\d{2}\/\d{4} à) \d{2} h \d{2}/);
  await expect(page.getByRole("link", { name: "Payer la facture" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.goto(`/paiement?facture=${inv.id}`);
  await expect(checkbox(page, inv)).toHaveCount(0);
  await expect(page.getByTestId("payment-row").filter({ hasText: inv.number })).toContainText("Un paiement de cette facture est en cours.");
}

async function expectPayableAgain(page: Page, inv: Invoice) {
  await expectInTab(page, "non-reglees", [inv]);
  await page.goto(`/paiement?facture=${inv.id}`);
  await expect(checkbox(page, inv)).toBeChecked();
  await expectSummary(page, 1, inv.cents);
}

/**
 * axe on the "en cours de confirmation" page, in a second tab whose own reloads (meta refresh,
 * every 5 s) answer 204 so the document stays while axe runs; the first tab keeps reloading.
 */
async function expectNoAxeViolationsWhilePending(page: Page) {
  const href = (await page.getByRole("link", { name: "Actualiser la page" }).getAttribute("href"))!;
  const tab = await page.context().newPage();
  let navigations = 0;
  await tab.route("**/paiement/retour?**", (route) =>
    route.request().isNavigationRequest() && navigations++ > 0 ? route.fulfill({ status: 204 }) : route.continue(),
  );
  await tab.goto(href);
  await expect(result(tab)).toHaveAttribute("data-status", "pending");
  await expectNoAxeViolations(tab);
  await tab.close();
}

/** Runs the reconciliation job now, as a cron would (the server was started with the secret). */
async function reconcileNow(page: Page) {
  const response = await page.request.post("/taches/rapprochement-paiements", {
    headers: { Authorization: `Bearer ${process.env.E2E_PAYMENTS_CRON_SECRET}` },
  });
  expect(response.status()).toBe(200);
  return response.json();
}

test.describe("with JavaScript", () => {
  test.beforeEach(async ({ page }) => {
    await login(page, PAIEMENT.email, PAIEMENT.password);
  });

  test("pays one invoice through the simulator; it is then under « Factures réglées » (axe on every page)", async ({ page }) => {
    const inv = INVOICES.payOne;
    await openSelectionFrom(page, inv);
    await expectSummary(page, 1, inv.cents);
    await expect(page.getByText("Factures sélectionnées :")).toBeVisible();
    await expect(page.getByRole("link", { name: "Fermer" })).toHaveAttribute("href", "/factures");
    await expectNoAxeViolations(page);
    await confirmPayfip(page, [inv], { axe: true });
    await decide(page, "Payer");
    await expectResult(page, "paid", "Votre paiement est accepté");
    await expect(result(page)).toContainText(inv.number);
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: "Voir mes factures réglées" }).click();
    await expect(page).toHaveURL(/\/factures\?onglet=reglees$/);
    await expect(page.getByRole("link", { name: inv.number, exact: true })).toBeVisible();
    // No longer payable: no "Payer la facture" on its page, and no checkbox on the selection.
    await page.goto(`/factures/${inv.id}`);
    await expect(page.getByRole("link", { name: "Payer la facture" })).toHaveCount(0);
    await page.goto("/paiement");
    await expect(checkbox(page, inv)).toHaveCount(0);
  });

  test("pays two invoices at once where the service allows it: count and total follow the ticks", async ({ page }) => {
    const [a, b] = [INVOICES.payTwoA, INVOICES.payTwoB];
    await openSelectionFrom(page, a);
    await expectSummary(page, 1, a.cents);
    await checkbox(page, b).check();
    await expectSummary(page, 2, a.cents + b.cents);
    await expect(checkbox(page, a)).toBeChecked();
    await checkbox(page, a).uncheck();
    await expectSummary(page, 1, b.cents);
    await checkbox(page, a).check();
    await expectSummary(page, 2, a.cents + b.cents);
    // Ordered as the selection lists them (newest first).
    await confirmPayfip(page, [b, a]);
    await decide(page, "Payer");
    await expectResult(page, "paid", "Votre paiement est accepté");
    await expect(result(page)).toContainText(/Les factures 2018-020-00010[34], 2018-020-00010[34] sont réglées/);
    await expect(result(page)).toContainText(a.number);
    await expect(result(page)).toContainText(b.number);
    await expectInTab(page, "reglees", [a, b]);
  });

  test("cannot select two invoices of a one-at-a-time service, nor invoices of two services", async ({ page }) => {
    const [a, b] = [INVOICES.oneAtATimeA, INVOICES.oneAtATimeB];
    // Every service on the page (`?facture=` alone opens on its invoice's service only).
    await page.goto(`/paiement?service=tous&facture=${a.id}&facture=${b.id}`);
    // The preselection keeps one.
    await expect(checkbox(page, a)).toBeChecked();
    await expect(checkbox(page, b)).not.toBeChecked();
    await expectSummary(page, 1, a.cents);
    const fieldset = page.getByRole("group", { name: "Régie des eaux de démonstration" });
    await expect(fieldset).toContainText("Ce service ne permet de régler qu'une facture à la fois.");
    await checkbox(page, b).check();
    await expect(checkbox(page, a)).not.toBeChecked();
    await expectSummary(page, 1, b.cents);
    // An invoice of another service replaces the selection.
    const other = INVOICES.payOneNoJs;
    await checkbox(page, other).check();
    await expect(checkbox(page, b)).not.toBeChecked();
    await expectSummary(page, 1, other.cents);
    await checkbox(page, other).uncheck();
    await expectSummary(page, 0, 0);
    // Posting both anyway (a forged URL) is refused with the reason.
    await page.goto(`/paiement/confirmation?facture=${a.id}&facture=${b.id}`);
    await expect(page).toHaveURL(/\/paiement\?.*erreur=multiple_not_allowed/);
    await expect(page.getByRole("alert")).toContainText("Votre service ne permet de régler qu'une facture à la fois.");
  });

  test("a refused payment leaves the invoice unpaid and payable again", async ({ page }) => {
    const inv = INVOICES.refused;
    await openSelectionFrom(page, inv);
    await confirmPayfip(page, [inv]);
    await decide(page, "Refuser");
    await expectResult(page, "refused", "Votre paiement a été refusé");
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: "Payer à nouveau" }).click();
    await expect(checkbox(page, inv)).toBeChecked();
    await expectPayableAgain(page, inv);
  });

  test("an abandoned payment leaves the invoice unpaid, held until 20 minutes after the start", async ({ page }) => {
    const inv = INVOICES.abandoned;
    await openSelectionFrom(page, inv);
    await confirmPayfip(page, [inv]);
    await decide(page, "Abandonner");
    await expectResult(page, "abandoned", "Vous avez abandonné le paiement");
    await expectNoAxeViolations(page);
    await expectHeldAfterAbandon(page, inv);
  });

  test("a suspended service shows the suspension message and no pay action", async ({ page }) => {
    const inv = INVOICES.suspended;
    await page.goto(`/factures/${inv.id}`);
    await expect(page.getByText("Le paiement a été temporairement suspendu.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Payer la facture" })).toHaveCount(0);
    await page.goto(`/paiement?facture=${inv.id}`);
    const row = page.getByTestId("payment-row").filter({ hasText: inv.number });
    await expect(row).toContainText("Le paiement a été temporairement suspendu.");
    await expect(row.getByRole("checkbox")).toHaveCount(0);
    await expectSummary(page, 0, 0);
    // Forcing the confirmation is refused.
    await page.goto(`/paiement/confirmation?facture=${inv.id}`);
    await expect(page).toHaveURL(/\/paiement\?/);
    await expect(page.getByRole("alert")).toBeVisible();
    await expect(page.getByRole("button", { name: "Payer la facture sur le portail PayFiP" })).toHaveCount(0);
  });

  test("the notification sent twice marks the invoice paid once", async ({ page }) => {
    const inv = INVOICES.notifiedTwice;
    await openSelectionFrom(page, inv);
    await confirmPayfip(page, [inv]);
    await decide(page, "Payer", { notification: "Envoyer la notification deux fois" });
    await expectResult(page, "paid", "Votre paiement est accepté");
    await page.reload();
    await expect(result(page)).toHaveAttribute("data-status", "paid");
    await expectInTab(page, "reglees", [inv]);
  });

  test("a late notification: « en cours de confirmation », then paid after the page refreshes itself", async ({ page }) => {
    test.setTimeout(60_000);
    const inv = INVOICES.notifiedLate;
    await openSelectionFrom(page, inv);
    await confirmPayfip(page, [inv]);
    await decide(page, "Payer", { notification: "Envoyer la notification en retard", delaySeconds: 15 });
    await expectResult(page, "pending", "Votre paiement est en cours de confirmation");
    await expect(page.getByRole("link", { name: "Actualiser la page" })).toHaveAttribute("href", /\/paiement\/retour\?tentative=/);
    await expectNoAxeViolationsWhilePending(page);
    // Meanwhile the invoice cannot be paid a second time.
    const selection = await page.context().newPage();
    await selection.goto(`/paiement?facture=${inv.id}`);
    await expect(selection.getByTestId("payment-row").filter({ hasText: inv.number })).toContainText("Un paiement de cette facture est en cours.");
    await expect(checkbox(selection, inv)).toHaveCount(0);
    await selection.close();
    // The meta refresh (every 5 s) brings the result once PayFiP knows it.
    await expect(result(page)).toHaveAttribute("data-status", "paid", { timeout: 30_000 });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Votre paiement est accepté");
    await expectInTab(page, "reglees", [inv]);
  });

  test("no notification at all: the return page asks PayFiP and shows paid", async ({ page }) => {
    const inv = INVOICES.notNotified;
    await openSelectionFrom(page, inv);
    await confirmPayfip(page, [inv]);
    await decide(page, "Payer", { notification: "Ne pas envoyer de notification" });
    await expectResult(page, "paid", "Votre paiement est accepté");
    await expectInTab(page, "reglees", [inv]);
  });

  test("no notification and the browser closed: the reconciliation job records the payment", async ({ page }) => {
    const inv = INVOICES.browserClosed;
    await openSelectionFrom(page, inv);
    await confirmPayfip(page, [inv]);
    await decide(page, "Payer", { notification: "Ne pas envoyer de notification", closeBrowser: true });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Fenêtre fermée (simulation)");
    await expectNoAxeViolations(page);
    // Nothing told the portal: the invoice is locked by the pending attempt (unless the server's
    // own 60 s timer has just run the job).
    await page.goto(`/paiement?facture=${inv.id}`);
    await expect(checkbox(page, inv)).toHaveCount(0);
    const summaryOfRun = await reconcileNow(page);
    // The job reaches the simulator (it asked localhost:3000 before, whatever the server's port).
    expect(summaryOfRun).toMatchObject({ errors: 0 });
    await expectInTab(page, "reglees", [inv]);
  });
});

test.describe("classic TIPI, with JavaScript", () => {
  test.beforeEach(async ({ page }) => {
    await login(page, PAIEMENT.email, PAIEMENT.password);
  });

  test("pays one invoice: the form to TIPI submits itself, the result comes back with the token", async ({ page }) => {
    const inv = INVOICES.tipi;
    await openSelectionFrom(page, inv);
    await expectSummary(page, 1, inv.cents);
    await page.getByRole("button", { name: "Payer la facture", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Informations pour le paiement TIPI");
    await expect(page.getByTestId("payment-info")).toContainText("Identifiant collectivité :004281");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Payer la facture sur le portail TIPI" }).click();
    await expect(page).toHaveURL(/\/simulateur-dgfip\/tpa\/paiement\.web\?session=/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("TIPI — Titres payables par Internet");
    await expectNoAxeViolations(page);
    await decide(page, "Payer");
    await expectResult(page, "paid", "Votre paiement est accepté");
    await expectInTab(page, "reglees", [inv]);
  });

  test("a forged TIPI result without the attempt's token changes nothing", async ({ page }) => {
    const inv = INVOICES.tipiForged;
    await openSelectionFrom(page, inv);
    await page.getByRole("button", { name: "Payer la facture", exact: true }).click();
    await page.getByRole("button", { name: "Payer la facture sur le portail TIPI" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("TIPI — Titres payables par Internet");
    const simulatorUrl = page.url();
    const refdet = (await page.locator("dt:text-is('Référence') + dd").textContent())!.trim();
    expect(refdet).toMatch(/^[A-Za-z0-9]{6,30}$/);
    // The attacker knows everything but the per-attempt token in urlcl.
    const forged = {
      numcli: "004281",
      refdet,
      montant: String(inv.cents),
      objet: inv.number,
      mel: PAIEMENT.email,
      saisie: "T",
      resultrans: "P",
      numauto: "123456",
      dattrans: "01012026",
      heurtrans: "1200",
    };
    const response = await page.request.post(`/paiement/resultat-tipi/${"0".repeat(64)}`, { form: forged });
    expect(response.status()).toBe(200);
    expect(new URL(response.url()).pathname + new URL(response.url()).search).toBe("/paiement/retour");
    expect(await response.text()).toContain("Paiement introuvable");
    // A path without a token's shape is not urlcl: the Origin check refuses it (server/payment.js).
    expect((await page.request.post("/paiement/resultat-tipi/jeton-invente", { form: forged })).status()).toBe(403);
    await expectInTab(page, "non-reglees", [inv]);
    await page.goto("/factures?onglet=reglees");
    await expect(page.getByRole("link", { name: inv.number, exact: true })).toHaveCount(0);
    // The real attempt is still open: the resident abandons it; the invoice is held for the window.
    await page.goto(simulatorUrl);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("TIPI — Titres payables par Internet");
    await decide(page, "Abandonner");
    await expectResult(page, "abandoned", "Vous avez abandonné le paiement");
    await expectNoAxeViolations(page);
    await expectHeldAfterAbandon(page, inv);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test.beforeEach(async ({ page }) => {
    await login(page, PAIEMENT.email, PAIEMENT.password);
  });

  test("pays one invoice: real checkboxes, « Mettre à jour le total », confirmation, simulator, result", async ({ page }) => {
    const inv = INVOICES.payOneNoJs;
    await openSelectionFrom(page, inv);
    await expectSummary(page, 1, inv.cents);
    await checkbox(page, inv).uncheck();
    await page.getByRole("button", { name: "Mettre à jour le total" }).click();
    await expect(checkbox(page, inv)).not.toBeChecked();
    await expectSummary(page, 0, 0);
    await checkbox(page, inv).check();
    await page.getByRole("button", { name: "Mettre à jour le total" }).click();
    await expect(checkbox(page, inv)).toBeChecked();
    await expectSummary(page, 1, inv.cents);
    await confirmPayfip(page, [inv]);
    await decide(page, "Payer");
    await expectResult(page, "paid", "Votre paiement est accepté");
    await page.getByRole("link", { name: "Voir mes factures réglées" }).click();
    await expect(page.getByRole("link", { name: inv.number, exact: true })).toBeVisible();
  });

  test("cannot pay two invoices of a one-at-a-time service", async ({ page }) => {
    const [a, b] = [INVOICES.oneAtATimeA, INVOICES.oneAtATimeB];
    await page.goto(`/paiement?facture=${a.id}`);
    await checkbox(page, b).check();
    await page.getByRole("button", { name: "Payer la facture", exact: true }).click();
    await expect(page).toHaveURL(/\/paiement\?.*erreur=multiple_not_allowed/);
    await expect(page.getByRole("alert")).toContainText("Votre service ne permet de régler qu'une facture à la fois.");
  });

  test("classic TIPI: the visible buttons replace the automatic forms", async ({ page }) => {
    const inv = INVOICES.tipiNoJs;
    await openSelectionFrom(page, inv);
    await page.getByRole("button", { name: "Payer la facture", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Informations pour le paiement TIPI");
    await page.getByRole("button", { name: "Payer la facture sur le portail TIPI" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Redirection vers le portail TIPI");
    await page.getByRole("button", { name: "Continuer vers le portail TIPI" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("TIPI — Titres payables par Internet");
    await decide(page, "Payer");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Retour vers le site de votre collectivité");
    await page.getByRole("button", { name: "Retourner sur le site de la collectivité" }).click();
    await expectResult(page, "paid", "Votre paiement est accepté");
    await expectInTab(page, "reglees", [inv]);
  });

  test("a late notification: the « Actualiser la page » link brings the result", async ({ page }) => {
    test.setTimeout(60_000);
    const inv = INVOICES.notifiedLateNoJs;
    await openSelectionFrom(page, inv);
    await confirmPayfip(page, [inv]);
    await decide(page, "Payer", { notification: "Envoyer la notification en retard", delaySeconds: 6 });
    await expectResult(page, "pending", "Votre paiement est en cours de confirmation");
    const refresh = page.getByRole("link", { name: "Actualiser la page" });
    await expect(refresh).toHaveAttribute("href", /\/paiement\/retour\?tentative=/);
    await expect(async () => {
      if ((await result(page).getAttribute("data-status")) === "pending") await refresh.click({ timeout: 2_000 });
      await expect(result(page)).toHaveAttribute("data-status", "paid", { timeout: 2_000 });
    }).toPass({ timeout: 40_000, intervals: [2_000] });
    await expectInTab(page, "reglees", [inv]);
  });
});
