import { expect, test, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

/**
 * Every screen of the portal reflows (RGAA 10.11, WCAG 1.4.10) and survives a change of text
 * spacing (RGAA 10.12, WCAG 1.4.12), with and without JavaScript:
 *
 * - 320 CSS px wide (a phone);
 * - 200 % zoom, as a 640 × 360 CSS px viewport with deviceScaleFactor 2: what a 1280 × 720 window
 *   shows at 200 % in the browser's zoom (the layout, media queries included, sees 640 CSS px;
 *   each CSS px is drawn with 2 device pixels). CSS `zoom` on the page is not used: media queries
 *   and getBoundingClientRect would not see it as the browser's zoom does;
 * - the text spacing bookmarklet of WCAG 1.4.12 (line height 1.5, paragraph spacing 2 em, letter
 *   spacing 0.12 em, word spacing 0.16 em) injected on a desktop window.
 *
 * On every page: no horizontal scrolling of the page, and no text cut off — no element that
 * hides its overflow is narrower or shorter than its content, no text beyond the window's edges.
 * A region that scrolls on purpose (a wide table's own horizontal scroll, overflow auto) is allowed.
 * Read only: demo@demo.fr's pages are looked at, nothing is posted but the login.
 */

const PUBLIC = ["/connexion", "/activation", "/mot-de-passe-oublie", "/nous-contacter", "/page-qui-n-existe-pas"];
const RESIDENT = [
  "/accueil",
  "/factures",
  "/factures?onglet=reglees",
  "/factures?onglet=tresorerie",
  "/factures/1a000000-0000-4000-8000-000000000001",
  "/attestations",
  "/factures/selection?onglet=reglees",
  "/paiement?facture=1a000000-0000-4000-8000-000000000001",
  "/paiements",
  "/mes-informations",
  "/mes-informations/papier",
  "/mes-informations/adresse-mail",
  "/mes-informations/mot-de-passe",
  "/mes-informations/fermer-mon-compte",
  "/mes-informations/mes-donnees",
  "/mes-informations/rattacher-un-contrat",
  "/mes-informations/rappels",
  "/contact",
];
const LOCAL = ["/dev/courriels"];

/** The WCAG 1.4.12 bookmarklet's rules. */
const TEXT_SPACING = `
  * { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
  p { margin-bottom: 2em !important; }
`;

/** What does not fit on the page as it is now: one line per problem, empty when all is well. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) problems.push(`page scrolls horizontally: ${root.scrollWidth} > ${root.clientWidth}`);
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} « ${(el.textContent ?? "").trim().slice(0, 40)} »`;
    const scrollsOnPurpose = (el: Element) => {
      for (let node: Element | null = el; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (["auto", "scroll"].includes(style.overflowX) && node !== root && node !== document.body) return true;
      }
      return false;
    };
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      // Out of sight on purpose: screen-reader-only text (1 px, clipped), hidden elements.
      if (style.display === "none" || style.visibility === "hidden" || rect.width <= 1 || rect.height <= 1) continue;
      // The contact form's honeypot: out of the accessibility tree and out of the window on purpose.
      if (el.closest('[aria-hidden="true"]') && rect.right < 0) continue;
      const hidesX = style.overflowX === "hidden" || style.overflowX === "clip";
      const hidesY = style.overflowY === "hidden" || style.overflowY === "clip";
      if (hidesX && el.scrollWidth > el.clientWidth + 1) problems.push(`cut off horizontally: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
      if (hidesY && el.scrollHeight > el.clientHeight + 1) problems.push(`cut off vertically: ${name(el)} (${el.scrollHeight} > ${el.clientHeight})`);
      const ownText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== "");
      if (ownText && (rect.right > innerWidth + 1 || rect.left < -1) && !scrollsOnPurpose(el)) {
        problems.push(`text beyond the window: ${name(el)} (${Math.round(rect.left)}–${Math.round(rect.right)} of ${innerWidth})`);
      }
    }
    return problems;
  });
}

async function checkPages(page: Page, paths: readonly string[], spacing: boolean) {
  const found: string[] = [];
  for (const path of paths) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // Through the CSSOM, as the page's Content-Security-Policy refuses an injected <style>.
    if (spacing) {
      await page.evaluate((css) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }, TEXT_SPACING);
    }
    for (const problem of await layoutProblems(page)) found.push(`${path}: ${problem}`);
  }
  return found;
}

const SETTINGS = [
  { name: "320 px wide", viewport: { width: 320, height: 640 }, deviceScaleFactor: 1, spacing: false },
  { name: "200 % zoom (640 × 360 CSS px, deviceScaleFactor 2)", viewport: { width: 640, height: 360 }, deviceScaleFactor: 2, spacing: false },
  { name: "text spacing of WCAG 1.4.12", viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1, spacing: true },
] as const;

for (const javaScript of [true, false]) {
  for (const setting of SETTINGS) {
    test.describe(`${setting.name}, ${javaScript ? "with" : "without"} JavaScript`, () => {
      test.use({ javaScriptEnabled: javaScript, viewport: setting.viewport, deviceScaleFactor: setting.deviceScaleFactor, isMobile: false });

      test("every screen fits: no horizontal scrolling, no text cut off", async ({ page }) => {
        test.setTimeout(90_000);
        const found = [...(await checkPages(page, PUBLIC, setting.spacing)), ...(await checkPages(page, LOCAL, setting.spacing))];
        await login(page, DEMO.email, DEMO.password, { remember: false });
        found.push(...(await checkPages(page, RESIDENT, setting.spacing)));
        expect(found).toEqual([]);
      });
    });
  }
}
