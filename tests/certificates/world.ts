import type { Database } from "~/.server/embedded/database";
import { SEED } from "../support/database";
import { createOtherResident } from "../support/residents";

/**
 * The payment certificates' world, added to a seeded database as its owner (as staff and the
 * payment outcome would): the demo resident (demo@demo.fr, record SISTEC560 of service 004200)
 * keeps the seed's two invoices paid in 2017 and gets
 *   - one paid at 23:30 UTC on 31 December 2017, i.e. 1 January 2018 in Paris (year 2018),
 *   - one paid in 2019, one marked paid without a date (on no certificate), one at the treasury,
 *   - a second record of the same number SISTEC560 in service 004281, paid in 2017;
 * and a second resident of another service has an invoice paid in 2017 (OTHER_MARKER).
 */
export const DEMO_SERVICE = "004200";
export const WATER_SERVICE = "004281";
export const DEMO_NUMBER = "SISTEC560";
export const OTHER_MARKER = "CERT-AUTRE-2017";
export const SERVICE_ADDRESS = "1 place de la Mairie, 00000 Démoville";

/** The seed's two invoices of SISTEC560 paid in 2017 (supabase/seed.sql). */
export const PAID_2017 = [
  { paidOn: "2017-01-16", number: "2017-020-000731", object: "Collecte des déchets", amountCents: 4200 },
  { paidOn: "2017-04-18", number: "2017-020-001512", object: "Assainissement", amountCents: 15620 },
];

export async function createCertificateWorld(db: Database) {
  await db.pg.query("update portal.services set postal_address = $2 where numcli = $1", [DEMO_SERVICE, SERVICE_ADDRESS]);
  const { rows } = await db.pg.query<{ id: string }>(
    `insert into portal.customers (service_id, customer_number, display_name, email)
     select s.id, $2, 'Test SISTEC560 Eau', 'demo@demo.fr' from portal.services s where s.numcli = $1 returning id`,
    [WATER_SERVICE, DEMO_NUMBER],
  );
  const waterCustomer = rows[0]!.id;
  const invoice = `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, paid_at)
    select c.service_id, c.id, $2, '2017-12-01', '2017-12-20', $3, $4, $5::portal.invoice_status, $6::timestamptz from portal.customers c where c.id = $1`;
  const demo = SEED.demoCustomerId;
  await db.pg.query(invoice, [demo, "CERT-2018-NOUVEL-AN", 1000, "Eau potable", "paid", "2017-12-31 23:30:00+00"]);
  await db.pg.query(invoice, [demo, "CERT-2019", 2500, "Restauration scolaire", "paid", "2019-06-15 12:00:00+02"]);
  await db.pg.query(invoice, [demo, "CERT-SANS-DATE", 3300, "Eau potable", "paid", null]);
  await db.pg.query(invoice, [demo, "CERT-TRESOR", 4400, "Eau potable", "treasury", null]);
  await db.pg.query(invoice, [waterCustomer, "CERT-EAU-2017", 777, "Eau potable", "paid", "2017-05-05 10:00:00+02"]);
  const other = await createOtherResident(db, "voisin-attestation@exemple.fr");
  await db.pg.query(invoice, [other.customer_id, OTHER_MARKER, 999, "Eau potable", "paid", "2017-03-03 10:00:00+01"]);
  const { rows: numcli } = await db.pg.query<{ numcli: string }>("select numcli from portal.services where id = $1", [other.service_id]);
  return { waterCustomer, other: { ...other, numcli: numcli[0]!.numcli, customerNumber: "VOIS01" } };
}
