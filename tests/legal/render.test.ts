import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { Browser, startPortal } from "../support/route-harness";

/**
 * What the two pages show for what their loader read: the real loader on the embedded backend,
 * then the page rendered to HTML (Remix's hooks replaced by that data and a plain link). A field
 * the service has not filled shows « Information non renseignée par le service : … », never a value.
 */
let loaded: unknown;
vi.mock("@remix-run/react", () => ({
  useLoaderData: () => loaded,
  Link: ({ to, children, ...props }: { to: string; children: ReactNode }) => createElement("a", { href: to, ...props }, children),
}));

const mentions = await import("~/routes/mentions-legales/route");
const donnees = await import("~/routes/donnees-personnelles/route");
const { db }: { db: Database } = await startPortal();
afterAll(() => db.close());

type Page = typeof mentions | typeof donnees;
async function render(page: Page, path: string): Promise<string> {
  const outcome = await new Browser().call(page.loader, path);
  loaded = outcome.data;
  return renderToStaticMarkup(createElement(page.default));
}

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ");

describe("a deployment that filled everything (the demo seed)", () => {
  it("/mentions-legales names the publisher, the director, the host, and no warning", async () => {
    const page = text(await render(mentions, "/mentions-legales"));
    for (const shown of ["Commune de Démoville (démonstration)", "00000000000018", "Le maire de Démoville (démonstration)", "Hébergeur de démonstration", "00 00 00 00 01 (démonstration)"]) {
      expect(page).toContain(shown);
    }
    expect(page).not.toContain("non renseignée");
  });

  it("/donnees-personnelles gives the periods and the DPO, and the embedded default's cookies", async () => {
    const html = await render(donnees, "/donnees-personnelles");
    const page = text(html);
    for (const shown of ["120 mois (10 ans)", "90 jours", "pf_session", "pf_access", "RGPD, article 6, paragraphe 1, point e"]) expect(page).toContain(shown);
    expect(html).toContain('href="mailto:dpo@demoville.example"');
    for (const absent of ["auth-token", "non renseignée"]) expect(page).not.toContain(absent);
  });
});

describe("a deployment that left fields empty", () => {
  it("shows a warning naming each missing field, and nothing made up", async () => {
    await db.asService((tx) => tx.query("update portal.legal_identity set host_phone = null, dpo_email = null, payment_records_months = null, mail_transfer_safeguards = null where id"));
    try {
      const legal = text(await render(mentions, "/mentions-legales"));
      expect(legal).toContain("Information non renseignée par le service : téléphone de l'hébergeur.");
      expect(legal).not.toContain("00 00 00 00 01");
      const data = text(await render(donnees, "/donnees-personnelles"));
      expect(data).toContain("Information non renseignée par le service : adresse mail du délégué à la protection des données.");
      expect(data).toContain("Information non renseignée par le service : durée de conservation des données « Paiements (durée de la comptabilité publique) ».");
      expect(data).toContain("Information non renseignée par le service : garanties du transfert vers le sous-traitant d'envoi des courriels.");
      expect(data).not.toContain("120 mois");
    } finally {
      await db.asService((tx) =>
        tx.query(
          `update portal.legal_identity set host_phone = '00 00 00 00 01 (démonstration)', dpo_email = 'dpo@demoville.example', payment_records_months = 120,
           mail_transfer_safeguards = 'Démonstration' where id`,
        ),
      );
    }
  });
});
