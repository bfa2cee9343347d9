import { expect, test, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

/**
 * RGAA 3.3 (WCAG 1.4.11): the focus indicator of every control contrasts at least 3:1 with the
 * colour next to it. On each page below, Tab goes through every control, and for each one the
 * browser's computed style gives the outline (app/tailwind.css: 3 px, 2 px away from the control)
 * and the colour behind it — the first opaque background among the control's ancestors, since the
 * offset puts the outline on its surroundings, not on the control (with no offset, the control's
 * own background too). Colours are read through a canvas, so any CSS colour (Tailwind's oklch)
 * becomes sRGB. Every kind of control is met: links, buttons, text fields, a multi-line field,
 * checkboxes, the header and menu on dark red, the footer. Only reads: demo@demo.fr changes nothing.
 */
test.describe.configure({ timeout: 90_000 });

const INVOICE_ID = "1a000000-0000-4000-8000-000000000002";

interface Stop {
  kind: string;
  element: string;
  outline: boolean;
  ratio: number;
  outlineColor: string;
  background: string;
}

/** What the focused element shows: the outline, and its contrast with the colour around it. */
function measureFocused(): Stop | null {
  const el = document.activeElement as HTMLElement | null;
  // Back at the top, or at a control already measured: the page has been gone through.
  if (!el || el === document.body || el.dataset.focusMeasured) return null;
  el.dataset.focusMeasured = "1";
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  const rgba = (color: string): [number, number, number, number] => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "#000";
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r!, g!, b!, a! / 255];
  };
  /** The colour behind `from`: its backgrounds blended from the first opaque one (white at the bottom). */
  const behind = (from: Element | null): [number, number, number] => {
    const layers: [number, number, number, number][] = [];
    for (let node = from; node; node = node.parentElement) {
      const layer = rgba(getComputedStyle(node).backgroundColor);
      if (layer[3] > 0) layers.push(layer);
      if (layer[3] >= 1) break;
    }
    return layers.reduceRight<[number, number, number]>((under, [r, g, b, a]) => [r * a + under[0] * (1 - a), g * a + under[1] * (1 - a), b * a + under[2] * (1 - a)], [255, 255, 255]);
  };
  const luminance = ([r, g, b]: readonly number[]) => {
    const channel = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
  };
  const contrast = (a: readonly number[], b: readonly number[]) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const color = rgba(style.outlineColor).slice(0, 3);
  const around = [behind(el.parentElement)];
  if (parseFloat(style.outlineOffset) <= 0) around.push(behind(el));
  const ratio = Math.min(...around.map((bg) => contrast(color, bg)));
  const tag = el.tagName.toLowerCase();
  const type = el.getAttribute("type");
  const kind =
    el.closest("footer") ? "footer link"
    : el.closest("header, nav[aria-label='Menu principal']") ? `header or menu ${tag === "a" ? "link" : "button"}`
    : tag === "a" ? "link"
    : tag === "button" ? "button"
    : tag === "textarea" ? "multi-line field"
    : tag === "select" ? "list"
    : type === "checkbox" ? "checkbox"
    : "text field";
  const name = (el.getAttribute("aria-label") ?? el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
  return { kind, element: `<${tag}${type ? ` type=${type}` : ""}${el.id ? ` #${el.id}` : ""}> « ${name} »`, outline, ratio: Math.round(ratio * 100) / 100, outlineColor: style.outlineColor, background: `rgb(${around[0]!.map(Math.round).join(", ")})` };
}

/** Tab from the top of the page to its last control, measuring the focus at each stop. */
async function tabThrough(page: Page, path: string): Promise<Stop[]> {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const stops: Stop[] = [];
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(measureFocused);
    if (!stop) break;
    stops.push({ ...stop, element: `${path} ${stop.element}` });
  }
  return stops;
}

test("every focusable component shows an outline that contrasts 3:1 with its surroundings", async ({ page }) => {
  const stops: Stop[] = [];
  for (const path of ["/connexion", "/nous-contacter", "/mot-de-passe-oublie", "/accessibilite"]) stops.push(...(await tabThrough(page, path)));
  await login(page, DEMO.email, DEMO.password, { remember: false });
  for (const path of ["/accueil", "/factures", `/factures/${INVOICE_ID}`, `/paiement?facture=${INVOICE_ID}`, "/mes-informations", "/mes-informations/papier", "/contact"]) {
    stops.push(...(await tabThrough(page, path)));
  }

  const kinds = new Set(stops.map((s) => s.kind));
  const missing = ["link", "button", "text field", "multi-line field", "checkbox", "header or menu link", "header or menu button", "footer link"].filter((kind) => !kinds.has(kind));
  const failing = stops.filter((s) => !s.outline || s.ratio < 3).map((s) => `${s.element}: ${s.outline ? "" : "no outline, "}${s.outlineColor} on ${s.background} = ${s.ratio}:1`);
  expect({ missing, failing }).toEqual({ missing: [], failing: [] });
  expect(stops.length).toBeGreaterThan(60);
});
