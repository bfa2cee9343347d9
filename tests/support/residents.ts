import { expect } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as login from "~/routes/connexion/route";
import { createAuthUser } from "./database";
import { Browser } from "./route-harness";

export const DEMO = { email: "demo@demo.fr", password: "demo-factures" };

/** A browser logged in through the real login action. */
export async function loggedIn(email: string, password: string): Promise<Browser> {
  const browser = new Browser();
  const result = await browser.call(login.action, "/connexion", { email, password, redirectTo: "/accueil" });
  expect(result.status).toBe(302);
  return browser;
}

/**
 * A second resident, of another service, with an active account and one unpaid invoice
 * (created as the database owner, the way staff and GoTrue would).
 */
let nextNumcli = 4290;

export async function createOtherResident(db: Database, email = "voisin@exemple.fr", password = "mot-de-passe-voisin") {
  const userId = await createAuthUser(db, email, password);
  const numcli = String(nextNumcli++).padStart(6, "0");
  const { rows } = await db.pg.query<{ service_id: string; customer_id: string; invoice_id: string }>(
    `with s as (insert into portal.services (name, numcli) values ('Régie des eaux voisine', $2) returning id),
          c as (insert into portal.customers (service_id, customer_number, display_name, email)
                select s.id, 'VOIS01', 'Famille Voisin', $1 from s returning id, service_id),
          i as (insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, pdf_object_key)
                select c.service_id, c.id, '2024-099-000001', '2024-03-01', '2024-03-31', 5000, 'Eau potable', $2 || '/2024-099-000001.pdf'
                from c returning id)
     select (select id from s) as service_id, (select id from c) as customer_id, (select id from i) as invoice_id`,
    [email, numcli],
  );
  return { userId, email, password, ...rows[0]! };
}

/** Intl's real output with plain spaces, to compare with readable literals. */
export function plain(text: string): string {
  return text.replace(/[\u202f\u00a0]/g, " ");
}
