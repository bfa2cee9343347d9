import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

/** Runs once per project: against the Node server and against the Deno server (playwright.config.ts). */

async function expectLoginPage(page: Page) {
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByRole("heading", { level: 1, name: "LE PORTAIL DES FACTURES" })).toBeVisible();
  await expect(page.getByText("Veuillez vous connecter")).toBeVisible();
  await expect(page.getByLabel("Adresse mail")).toBeVisible();
  await expect(page.getByLabel("Mot de passe")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Se souvenir de moi" })).toBeChecked();
  await expect(page.getByRole("link", { name: "Oublié ?" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Connexion" })).toBeVisible();
  await expect(page.getByRole("link", { name: "J'active mon compte" })).toBeVisible();
}

test.describe("login page", () => {
  test("/ redirects to /connexion, which shows the login form with strict security headers", async ({ page }) => {
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expectLoginPage(page);

    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("unsafe-inline");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(headers["strict-transport-security"]).toBeUndefined(); // plain http here

    // The nonce on the inline scripts is the one in the header, so the page hydrates.
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    await expect(page.locator(`script[nonce]`).first()).toBeAttached();
    await expect.poll(() => page.evaluate(() => "__remixContext" in window)).toBe(true);
    expect(cspViolations).toEqual([]);
  });

  test("hashed assets are served with a long immutable cache", async ({ page, request }) => {
    await page.goto("/connexion");
    const href = await page.locator('link[rel="stylesheet"]').first().getAttribute("href");
    expect(href).toMatch(/^\/assets\//);
    const asset = await request.get(href!);
    expect(asset.status()).toBe(200);
    expect(asset.headers()["content-type"]).toContain("text/css");
    expect(asset.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(asset.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  });

  test("has no accessibility violations (axe)", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto("/connexion");
    await expect(page.getByRole("heading", { name: "LE PORTAIL DES FACTURES" })).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    await context.close();
  });

  test("works without JavaScript: renders and posts the form", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false, locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto("/");
    await expectLoginPage(page);

    // A real browser form post carries Origin, so it passes the server's same-origin check.
    await page.getByLabel("Adresse mail").fill("personne@exemple.fr");
    await page.getByLabel("Mot de passe").fill("pas-le-bon-mot-de-passe");
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.getByRole("button", { name: "Connexion" }).click(),
    ]);
    expect(post.status()).toBe(401); // wrong pair: the form again, with the generic message
    await expect(page.getByRole("alert")).toContainText("Adresse mail ou mot de passe incorrect.");
    await expect(page.getByLabel("Adresse mail")).toHaveValue("personne@exemple.fr");
    await context.close();
  });

  test("with JavaScript, submitting the form reaches the action (fetch POST passes the Origin check)", async ({ page }) => {
    await page.goto("/connexion");
    await expect.poll(() => page.evaluate(() => "__remixRouter" in window)).toBe(true);
    await page.getByLabel("Adresse mail").fill("personne@exemple.fr");
    await page.getByLabel("Mot de passe").fill("pas-le-bon-mot-de-passe");
    await page.getByRole("button", { name: "Connexion" }).click();
    await expect(page.getByRole("alert")).toContainText("Adresse mail ou mot de passe incorrect.");
  });
});

test("a POST from another site is refused with a French 403 page", async ({ request }) => {
  const response = await request.post("/connexion", {
    headers: { Origin: "https://malveillant.example" },
    form: { email: "personne@exemple.fr", password: "pas-le-bon-mot-de-passe" },
  });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain("Requête refusée : elle ne vient pas du portail.");
});

test("/health answers 200 JSON with the database ok", async ({ request }) => {
  const response = await request.get("/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/json");
  expect(await response.json()).toMatchObject({ status: "ok", database: "ok" });
});

test("an unknown URL shows the French 404 page", async ({ page }) => {
  const response = await page.goto("/cette-page-n-existe-pas");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Retour à l'accueil du portail" })).toBeVisible();
  expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});
