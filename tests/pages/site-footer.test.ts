import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ACCESSIBILITY_STATE, SiteFooter } from "~/components/site-footer";
import { accessibilityState } from "~/utils/rgaa-audit";

/**
 * The footer (app/components/site-footer.tsx) as the server renders it; its place on real pages,
 * public and behind login, is checked in the browser by e2e/footer-help.spec.ts.
 */

function links(html: string): [string, string][] {
  return [...html.matchAll(/<a href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].map((m) => [m[1]!, m[2]!]);
}

describe("site footer", () => {
  it("is a contentinfo landmark with a « Pied de page » navigation, links in order, « Contact » to /nous-contacter for a visitor", () => {
    const html = renderToStaticMarkup(createElement(SiteFooter, { signedIn: false }));
    expect(html).toMatch(/^<footer role="contentinfo"[^>]*><nav aria-label="Pied de page"/);
    expect(links(html)).toEqual([
      ["/accessibilite", `Accessibilité : ${ACCESSIBILITY_STATE}`],
      ["/mentions-legales", "Mentions légales"],
      ["/donnees-personnelles", "Données personnelles"],
      ["/plan-du-site", "Plan du site"],
      ["/aide", "Aide"],
      ["/nous-contacter", "Contact"],
    ]);
  });

  it("sends a signed-in resident's « Contact » to /contact", () => {
    const html = renderToStaticMarkup(createElement(SiteFooter, { signedIn: true }));
    expect(links(html).at(-1)).toEqual(["/contact", "Contact"]);
    expect(html).not.toContain("/nous-contacter");
  });

  it("announces the accessibility state it is given, by default the audit grid's", () => {
    expect(ACCESSIBILITY_STATE).toBe(accessibilityState());
    const html = renderToStaticMarkup(createElement(SiteFooter, { signedIn: false, accessibilityState: "partiellement conforme" }));
    expect(links(html)[0]).toEqual(["/accessibilite", "Accessibilité : partiellement conforme"]);
  });
});
