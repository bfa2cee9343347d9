import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { retentionRows } from "~/.server/legal-page";
import { Browser, startPortal } from "../support/route-harness";

/**
 * /donnees-personnelles states the retention periods the purge applies (the same
 * portal.legal_identity row public.purge_expired reads), that the purge runs daily, what each
 * period deletes, and that an unset period deletes nothing. Real loader on the embedded backend,
 * page rendered to HTML as tests/legal/render.test.ts does.
 */
let loaded: unknown;
vi.mock("@remix-run/react", () => ({
  useLoaderData: () => loaded,
  Link: ({ to, children, ...props }: { to: string; children: ReactNode }) => createElement("a", { href: to, ...props }, children),
}));

const donnees = await import("~/routes/donnees-personnelles/route");
const { db }: { db: Database } = await startPortal();
afterAll(() => db.close());

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ");

async function page(edit?: (data: Record<string, unknown>) => void): Promise<string> {
  const outcome = await new Browser().call(donnees.loader, "/donnees-personnelles");
  loaded = outcome.data;
  edit?.(loaded as Record<string, unknown>);
  return text(renderToStaticMarkup(createElement(donnees.default)));
}

describe("/donnees-personnelles and the purge", () => {
  it("says the periods are applied daily, and what each one deletes", async () => {
    const shown = await page();
    const said = [
      "Ces durées sont appliquées : chaque jour, le portail supprime automatiquement",
      "Tentatives de connexion 1 jour Ce qui est supprimé : l'adresse IP et l'adresse mail",
      "Paiements (durée de la comptabilité publique) 120 mois (10 ans) Ce qui est supprimé : le paiement",
      "un paiement en cours ou en attente de confirmation n'est jamais supprimé",
      "la trace de la demande ; l'arrêt du papier, lui, reste enregistré",
      "les sessions de connexion terminées sont supprimés après cette durée",
    ];
    for (const sentence of said) expect(shown).toContain(sentence);
    expect(shown).not.toContain("ne sont pas supprimées automatiquement");
  });

  it("a period left unset: the warning, and the data said not to be deleted", async () => {
    await db.asService((tx) => tx.query("update portal.legal_identity set contact_messages_months = null where id"));
    try {
      const shown = await page();
      expect(shown).toContain("Information non renseignée par le service : durée de conservation des données « Messages au service ».");
      expect(shown).toContain("Tant qu'une durée n'est pas renseignée, les données concernées ne sont pas supprimées automatiquement.");
    } finally {
      await db.asService((tx) => tx.query("update portal.legal_identity set contact_messages_months = 12 where id"));
    }
  });

  it("with Supabase, links and sessions are said to be Supabase Auth's, not purged by the portal", async () => {
    const shown = await page((data) => {
      data.retention = retentionRows("supabase");
    });
    expect(shown).toContain("ils sont gérés par Supabase Auth");
    expect(shown).toContain("le portail ne les supprime pas lui-même");
    expect(retentionRows("embedded").map((r) => r.field)).toEqual(retentionRows("supabase").map((r) => r.field));
  });
});
