/**
 * The world of the personal data export's tests (tests/personal-data/): on a migrated and seeded
 * PGlite (tests/support/database.ts),
 *   * the seed's demo resident with everything the export covers: a paid PayFiP payment and one
 *     pending, two messages to the service (one whose subject and text a spreadsheet would run
 *     as formulas), a paper opt-out request, a known last sign-in;
 *   * another resident sharing nothing with them (service 004299), with a row of their own in
 *     every table the export reads, each carrying the marker OTHER_MARKER;
 *   * a customer record moved from one account to another: « ancien@exemple.fr » paid an invoice
 *     of record DEPL01 and asked to stop its paper invoices, then the service gave DEPL01 the
 *     other resident's e-mail (the one way a record changes account: the customers trigger).
 * Rows are written as the database owner, the way staff, the import and the payment functions
 * leave them.
 */
import type { Database } from "~/.server/embedded/database";
import { createAuthUser, SEED } from "../support/database";

export const OTHER_MARKER = "AUTRE-COMPTE-7Q";

export const DEMO_PAID = {
  refdet: "2017020001512P123456",
  idop: "cc0cb210-1cd4-11ea-8cca-0213ad91a1ff",
  numauto: "A12345",
  amountCents: 15620,
  invoiceNumber: "2017-020-001512",
  invoiceId: "1a000000-0000-4000-8000-000000000003",
};
export const DEMO_PENDING = { refdet: "2017020002059P654321", amountCents: 24311, invoiceNumber: "2017-020-002059" };
/** A message whose subject and text a spreadsheet would take for formulas, with `;`, quotes and line breaks. */
export const DEMO_TRICKY_MESSAGE = {
  subject: '=HYPERLINK("http://exemple.invalid";"cliquez")',
  body: '+33 6 12 34 56 78; merci\r\n"ma facture" est-elle\nbien payée ?\n@service -1',
};
export const DEMO_PLAIN_MESSAGE = { subject: "Question sur ma facture", body: "Bonjour, une question sur ma facture de juillet." };
export const DEMO_LAST_SIGN_IN = "2026-11-20T08:15:00.000Z";

export interface PersonalDataWorld {
  db: Database;
  other: { userId: string; email: string };
  former: { userId: string; email: string };
}

export async function createPersonalDataWorld(db: Database): Promise<PersonalDataWorld> {
  const otherEmail = "autre.7q@exemple.fr";
  const formerEmail = "ancien@exemple.fr";
  const otherUserId = await createAuthUser(db, otherEmail);
  const formerUserId = await createAuthUser(db, formerEmail);
  // As GoTrue records a sign-in (the API roles cannot write auth.users).
  await db.pg.query("update auth.users set last_sign_in_at = $2 where id = $1", [SEED.demoUserId, DEMO_LAST_SIGN_IN]);
  // The demo account's payments are exactly the two below: the seed's history (supabase/seed.sql) goes.
  await db.pg.query("delete from portal.payment_attempts where account_id = $1", [SEED.demoUserId]);
  await db.asService(async (tx) => {
    const one = async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows[0]!;
    const attempt = async (serviceId: string, accountId: string, refdet: string, invoiceId: string, amount: number, extra = "") => {
      const a = await one<{ id: string }>(
        `insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, created_at ${extra ? ", status, idop, numauto, transaction_at" : ""})
         select s.id, $2, $3, $4, s.payment_provider, s.numcli, s.saisie, $5 ${extra}
         from portal.services s where s.id = $1 returning id`,
        [serviceId, accountId, refdet, amount, "2026-11-02T09:00:00Z"],
      );
      await tx.query("insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) values ($1, $2, $3)", [a.id, invoiceId, amount]);
    };
    const message = (accountId: string, serviceId: string, email: string, name: string, subject: string, body: string, at: string, numbers: string[]) =>
      tx.query(
        `insert into portal.contact_messages (account_id, service_id, sender_email, sender_name, subject, body, created_at, customer_numbers)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [accountId, serviceId, email, name, subject, body, at, numbers],
      );

    // The demo resident.
    await attempt(SEED.serviceId, SEED.demoUserId, DEMO_PAID.refdet, DEMO_PAID.invoiceId, DEMO_PAID.amountCents,
      `, 'paid', '${DEMO_PAID.idop}', '${DEMO_PAID.numauto}', timestamptz '2026-11-02T09:03:00Z'`);
    await attempt(SEED.serviceId, SEED.demoUserId, DEMO_PENDING.refdet, SEED.invoice2059Id, DEMO_PENDING.amountCents);
    await message(SEED.demoUserId, SEED.serviceId, SEED.demoEmail, "Test SISTEC560", DEMO_PLAIN_MESSAGE.subject, DEMO_PLAIN_MESSAGE.body, "2026-11-03T10:00:00Z", ["SISTEC560"]);
    await message(SEED.demoUserId, SEED.serviceId, SEED.demoEmail, "Test SISTEC560", DEMO_TRICKY_MESSAGE.subject, DEMO_TRICKY_MESSAGE.body, "2026-11-04T10:00:00Z", ["SISTEC560"]);
    await tx.query("insert into portal.paper_optout_requests (account_id, customer_id, requested_at) values ($1, $2, '2026-11-05T11:00:00Z')", [
      SEED.demoUserId,
      SEED.demoCustomerId,
    ]);

    // The other resident: nothing shared (their own service, customer, invoice, payment, message, opt-out).
    const service = await one<{ id: string }>(
      `insert into portal.services (name, numcli, contact_email) values ('Régie ${OTHER_MARKER}', '004299', 'regie@exemple.fr') returning id`,
    );
    const customer = await one<{ id: string }>(
      `insert into portal.customers (service_id, customer_number, display_name, email) values ($1, 'C-${OTHER_MARKER}', 'Nom ${OTHER_MARKER}', $2) returning id`,
      [service.id, otherEmail],
    );
    const invoice = await one<{ id: string }>(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object)
       values ($1, $2, 'F-${OTHER_MARKER}', '2026-10-01', '2026-10-31', 777777, 'Objet ${OTHER_MARKER}') returning id`,
      [service.id, customer.id],
    );
    await attempt(service.id, otherUserId, "OTHER7Q000001", invoice.id, 777777);
    await message(otherUserId, service.id, otherEmail, `Nom ${OTHER_MARKER}`, `Objet ${OTHER_MARKER}`, `Texte ${OTHER_MARKER}`, "2026-11-06T10:00:00Z", [`C-${OTHER_MARKER}`]);
    await tx.query("insert into portal.paper_optout_requests (account_id, customer_id) values ($1, $2)", [otherUserId, customer.id]);
    // Rows only the service role reads, about the other resident.
    await tx.query(
      `insert into portal.email_outbox (kind, to_address, subject, html_body, text_body) values ('contact_message', 'regie@exemple.fr', 'Objet ${OTHER_MARKER}', '<p>x</p>', 'x')`,
    );

    // The moved customer record: the former account's payment and opt-out, then the service moves DEPL01.
    const moved = await one<{ id: string }>(
      `insert into portal.customers (service_id, customer_number, display_name, email) values ($1, 'DEPL01', 'Famille Déplacée', $2) returning id`,
      [service.id, formerEmail],
    );
    const movedInvoice = await one<{ id: string }>(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, paid_at)
       values ($1, $2, 'F-DEPL-0001', '2026-09-01', '2026-09-30', 4321, 'Eau potable', 'paid', '2026-09-10T10:00:00Z') returning id`,
      [service.id, moved.id],
    );
    await attempt(service.id, formerUserId, "DEPL0000001", movedInvoice.id, 4321);
    await tx.query("insert into portal.paper_optout_requests (account_id, customer_id) values ($1, $2)", [formerUserId, moved.id]);
    await tx.query("update portal.customers set email = $2 where id = $1", [moved.id, otherEmail]);
  });
  return { db, other: { userId: otherUserId, email: otherEmail }, former: { userId: formerUserId, email: formerEmail } };
}
