import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RouteErrorPage } from "~/components/error-page";
import { meta } from "~/root";

/**
 * RGAA 8.6: an error page's <title> names the error, as every other page names itself (app/root.tsx's
 * `meta`, given the error of the root ErrorBoundary), and says the same as the page's <h1>. The
 * served 404 page's title is checked in tests/accessibility/html-validity.test.ts and e2e/accessibility-statement.spec.ts.
 */
const routeError = (status: number, data: unknown = "") => ({ status, statusText: "", internal: false, data });

const titleFor = (error: unknown) => (meta({ error } as Parameters<typeof meta>[0]) as { title: string }[])[0]!.title;

describe("error page titles", () => {
  it("the portal's name alone without an error", () => {
    expect(titleFor(undefined)).toBe("Le Portail des Factures");
  });

  it("each kind of error page is titled by its error, as its heading says", () => {
    for (const [error, title] of [
      [routeError(404), "Page introuvable"],
      [routeError(400), "Demande impossible"],
      [routeError(403), "Demande impossible"],
      [routeError(503, { reason: "portal_busy" }), "Le portail est très sollicité"],
      [routeError(503), "Une erreur est survenue"],
      [new Error("boom"), "Une erreur est survenue"],
    ] as const) {
      expect(titleFor(error)).toBe(`${title} — Le Portail des Factures`);
      expect(renderToStaticMarkup(createElement(RouteErrorPage, { error }))).toContain(`<h1 class="text-2xl font-bold">${title}</h1>`);
    }
  });
});
