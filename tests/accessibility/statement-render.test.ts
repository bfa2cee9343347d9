import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { Browser, startPortal } from "../support/route-harness";

/**
 * /accessibilite as rendered from its loader's data (Remix's hooks replaced by that data and a
 * plain link, as tests/legal/render.test.ts does): the entity that commits to accessibility is the
 * publisher of the legal identity, or the same warning as the legal pages when the service has not
 * filled it; the exemptions are stated with their reason.
 */
let loaded: unknown;
vi.mock("@remix-run/react", () => ({
  useLoaderData: () => loaded,
  Link: ({ to, children, ...props }: { to: string; children: ReactNode }) => createElement("a", { href: to, ...props }, children),
}));

const statement = await import("~/routes/accessibilite/route");
const { db }: { db: Database } = await startPortal();
afterAll(() => db.close());

async function render(): Promise<string> {
  loaded = (await new Browser().call(statement.loader, "/accessibilite")).data;
  return renderToStaticMarkup(createElement(statement.default))
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, " ");
}

describe("/accessibilite", () => {
  it("names the publisher of the legal identity as the entity that commits", async () => {
    const page = await render();
    expect(page).toContain("Commune de Démoville (démonstration) s'engage à rendre son service en ligne accessible");
    expect(page).toContain("Le Portail des Factures est totalement conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1.");
    expect(page).not.toContain("non renseignée");
  });

  it("shows « Information non renseignée par le service » when the publisher is not filled", async () => {
    await db.pg.query("update portal.legal_identity set publisher_name = null");
    try {
      const page = await render();
      expect(page).toContain("Information non renseignée par le service : éditeur du portail (nom du service ou de la collectivité). s'engage");
    } finally {
      await db.pg.query("update portal.legal_identity set publisher_name = 'Commune de Démoville (démonstration)'");
    }
  });

  it("states the dérogation (13.3) and the special case (13.1) with their reasons", async () => {
    const page = await render();
    expect(page).toMatch(/Dérogations pour charge disproportionnée Critère 13\.3 \(.+\) : Dérogation pour charge disproportionnée : les factures en PDF/);
    expect(page).toMatch(/Cas particuliers prévus par le RGAA Critère 13\.1 \(.+\) : Cas particulier du RGAA \(limite de temps essentielle\)/);
  });
});
