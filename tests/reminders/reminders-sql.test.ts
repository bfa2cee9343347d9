import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedBackend } from "~/.server/embedded/backend";
import type { Database } from "~/.server/embedded/database";
import { runDueReminders } from "~/.server/reminders";
import * as rappels from "~/routes/_espace.mes-informations_.rappels/route";
import { asLiveUser, createAuthUser } from "../support/database";
import { loggedIn } from "../support/residents";
import { startPortal } from "../support/route-harness";
import { importFiles, pdfOf, tempDataDir } from "../import/helpers";

/**
 * « Me prévenir par e-mail » on a real PGlite (supabase/migrations/20261205090000_email_reminders.sql):
 * the choice (off by default, written under the live-session check), the import's « nouvelle
 * facture » e-mails (one per opted-in resident per import, none on a re-run, none for the others)
 * and the job's « bientôt à régler » e-mails (once per invoice ever, never for paid, treasury or
 * held invoices, never after unsubscribing).
 */
let db: Database;
let backend: EmbeddedBackend;
let dataDir: string;

beforeAll(async () => {
  dataDir = await tempDataDir();
  ({ db, backend } = (await startPortal({ DATA_DIR: dataDir })) as { db: Database; backend: EmbeddedBackend });
});
afterAll(async () => {
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface OutboxRow {
  kind: string;
  subject: string;
  text_body: string;
  html_body: string;
  stream: string;
  unsubscribe_account: string | null;
}

async function remindersTo(email: string): Promise<OutboxRow[]> {
  const { rows } = await db.pg.query<OutboxRow>(
    `select kind, subject, text_body, html_body, stream, unsubscribe_account from portal.email_outbox
     where to_address = $1 and kind like 'reminder_%' order by created_at, id`,
    [email],
  );
  return rows;
}

async function choose(userId: string, email: string, newInvoices: boolean, dueSoon: boolean) {
  return asLiveUser(db, userId, email, (tx) =>
    tx.query<{ r: unknown }>("select public.set_reminder_preferences($1, $2) as r", [newInvoices, dueSoon]),
  );
}

describe("the choice (/mes-informations/rappels)", () => {
  it("is off by default; the form stores it, says so, and the page shows it back", async () => {
    const email = "rappels-choix@exemple.fr";
    await createAuthUser(db, email, "mot-de-passe-rappels");
    const browser = await loggedIn(email, "mot-de-passe-rappels");
    const before = await browser.call(rappels.loader, "/mes-informations/rappels");
    expect(before.data).toMatchObject({ newInvoices: false, dueSoon: false, dueDays: 5, saved: null });

    const saved = await browser.call(rappels.action, "/mes-informations/rappels", { echeance: "oui" });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe("/mes-informations/rappels?enregistre=oui");
    const after = await browser.call(rappels.loader, saved.location!);
    expect(after.data).toMatchObject({ newInvoices: false, dueSoon: true, saved: expect.stringContaining("Vos choix sont enregistrés") });

    const off = await browser.call(rappels.action, "/mes-informations/rappels", {});
    expect(off.location).toBe("/mes-informations/rappels?enregistre=non");
    expect((await browser.call(rappels.loader, "/mes-informations/rappels")).data).toMatchObject({ newInvoices: false, dueSoon: false });
  });

  it("refuses a value that is not a choice with a French 400, storing nothing", async () => {
    const email = "rappels-refus@exemple.fr";
    await createAuthUser(db, email, "mot-de-passe-rappels");
    const browser = await loggedIn(email, "mot-de-passe-rappels");
    const refused = await browser.call(rappels.action, "/mes-informations/rappels", { nouvelles: "toujours" });
    expect(refused.status).toBe(400);
    expect(refused.data).toMatchObject({ formError: expect.stringContaining("rechargez la page") });
    expect((await browser.call(rappels.loader, "/mes-informations/rappels")).data).toMatchObject({ newInvoices: false });
  });

  it("is written only under a live session, and only for the caller (RLS: each account reads its own row)", async () => {
    const a = await createAuthUser(db, "rappels-rls-a@exemple.fr");
    const b = await createAuthUser(db, "rappels-rls-b@exemple.fr");
    await choose(a, "rappels-rls-a@exemple.fr", true, true);
    const seenByB = await asLiveUser(db, b, "rappels-rls-b@exemple.fr", (tx) =>
      tx.query("select account_id from portal.reminder_preferences"),
    );
    expect(seenByB.rows).toEqual([]);
    await expect(
      db.run({ role: "authenticated", userId: b, email: "rappels-rls-b@exemple.fr" }, (tx) => tx.query("select public.set_reminder_preferences(true, true)")),
    ).rejects.toThrow();
    await expect(db.run({ role: "anon" }, (tx) => tx.query("select public.reminders_unsubscribe($1)", [a]))).rejects.toThrow(/permission denied/);
  });
});

describe("new invoices: the import's e-mail", () => {
  it("one e-mail per opted-in resident per import, listing its new invoices; none on a re-run; none for the others", async () => {
    const optedIn = await createAuthUser(db, "rappel-import@exemple.fr");
    await createAuthUser(db, "sans-rappel-import@exemple.fr");
    const customers = ["RAP1;Famille Rappel;rappel-import@exemple.fr;non", "RAP2;Famille Sans Rappel;sans-rappel-import@exemple.fr;non"];
    await importFiles(db, dataDir, { customers });
    await choose(optedIn, "rappel-import@exemple.fr", true, false);

    const files = {
      customers,
      invoices: [
        "RAP1;2030-R-001;15/01/2030;15/02/2030;12,50;Eau potable;non réglée",
        "RAP1;2030-R-002;15/01/2030;28/02/2030;20,00;Assainissement;non réglée",
        "RAP2;2030-R-003;15/01/2030;15/02/2030;30,00;Eau potable;non réglée",
      ],
      pdfs: Object.fromEntries(["2030-R-001", "2030-R-002", "2030-R-003", "2030-R-004"].map((n) => [`${n}.pdf`, pdfOf(n)])),
    };
    const first = await importFiles(db, dataDir, files);
    expect(first.errors).toEqual([]);
    expect(first.reminderEmails).toBe(1);
    const mails = await remindersTo("rappel-import@exemple.fr");
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "reminder_new_invoices", stream: "broadcast", unsubscribe_account: optedIn, subject: "Portail des factures : nouvelles factures disponibles" });
    expect(mails[0]!.text_body).toContain("Facture 2030-R-001, Service Multi Services de démonstration : 12,50\u00a0€, à régler avant le 15/02/2030");
    expect(mails[0]!.text_body).toContain("2030-R-002");
    expect(mails[0]!.text_body).not.toContain("2030-R-003");
    expect(mails[0]!.html_body).toMatch(/^<!doctype html><html lang="fr">/);
    expect(mails[0]!.html_body).toContain('<a href="%%PORTAIL%%/factures">');
    expect(mails[0]!.html_body).toContain('<a href="%%DESABONNEMENT%%">Ne plus recevoir ces courriels</a>');
    expect(await remindersTo("sans-rappel-import@exemple.fr")).toEqual([]);

    const again = await importFiles(db, dataDir, files);
    expect(again.reminderEmails).toBe(0);
    expect(await remindersTo("rappel-import@exemple.fr")).toHaveLength(1);

    // A later import with one more invoice: one more e-mail, with that invoice only.
    await importFiles(db, dataDir, { ...files, invoices: [...files.invoices, "RAP1;2030-R-004;15/03/2030;15/04/2030;5,00;Eau potable;non réglée"] });
    const later = await remindersTo("rappel-import@exemple.fr");
    expect(later).toHaveLength(2);
    expect(later[1]!.subject).toBe("Portail des factures : nouvelle facture disponible");
    expect(later[1]!.text_body).toContain("2030-R-004");
    expect(later[1]!.text_body).not.toContain("2030-R-001");
  });

  it("announces nothing created before the resident opted in", async () => {
    const { rows } = await db.pg.query<{ emails: number }>("select (public.queue_new_invoice_notices() ->> 'emails')::int as emails");
    expect(rows[0]!.emails).toBe(0);
    const demo = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.invoice_new_notices n join portal.invoices i on i.id = n.invoice_id where i.number like '2017-%'");
    expect(demo.rows[0]!.n).toBe(0);
  });
});

describe("before the due date: the job's e-mail", () => {
  let userId: string;
  const email = "rappel-echeance@exemple.fr";
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    userId = await createAuthUser(db, email);
    const { rows } = await db.pg.query<{ number: string; id: string }>(
      `with s as (insert into portal.services (name, numcli) values ('Régie des rappels', '004390') returning id),
            c as (insert into portal.customers (service_id, customer_number, display_name, email)
                  select s.id, 'ECH01', 'Famille Échéance', $1 from s returning id, service_id)
       insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, status)
       select c.service_id, c.id, v.number, d - 30, d + v.days, 1000 + v.days, 'Eau potable', v.status::portal.invoice_status
       from c, (values ('ECH-SOON', 2, 'unpaid'), ('ECH-TODAY', 0, 'unpaid'), ('ECH-LATER', 10, 'unpaid'), ('ECH-PAST', -1, 'unpaid'),
                       ('ECH-PAID', 3, 'paid'), ('ECH-TREASURY', 3, 'treasury'), ('ECH-HELD', 4, 'unpaid')) v(number, days, status),
            (select (now() at time zone 'Europe/Paris')::date as d) today
       returning number, id`,
      [email],
    );
    for (const r of rows) ids[r.number] = r.id;
    // ECH-HELD: a payment under way holds it.
    await db.pg.query(
      `with a as (insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie)
                  select service_id, $2, 'ECHHELD000001', 1004, 'payfip_ws', '004390', 'T' from portal.invoices where id = $1 returning id)
       insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) select a.id, $1, 1004 from a`,
      [ids["ECH-HELD"], userId],
    );
  });

  it("writes nothing for a resident who did not opt in", async () => {
    await backend.reminders.queueDueReminders();
    expect(await remindersTo(email)).toEqual([]);
  });

  it("once opted in: one e-mail with the unpaid invoices due within 5 days, never paid, treasury or held ones; once per invoice across runs", async () => {
    await choose(userId, email, false, true);
    const dry = await runDueReminders(backend, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.invoices).toBeGreaterThanOrEqual(2);
    expect(await remindersTo(email)).toEqual([]);

    await runDueReminders(backend);
    const mails = await remindersTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "reminder_due_soon", stream: "broadcast", subject: "Portail des factures : des factures sont bientôt à régler" });
    expect(mails[0]!.text_body).toContain("dans les 5 prochains jours");
    for (const number of ["ECH-SOON", "ECH-TODAY"]) expect(mails[0]!.text_body).toContain(number);
    for (const number of ["ECH-LATER", "ECH-PAST", "ECH-PAID", "ECH-TREASURY", "ECH-HELD"]) expect(mails[0]!.text_body).not.toContain(number);

    await runDueReminders(backend);
    await runDueReminders(backend);
    expect(await remindersTo(email)).toHaveLength(1);
  });

  it("a held invoice is reminded once its hold ends; nothing after unsubscribing, and the pending reminder is dropped", async () => {
    await db.pg.query("update portal.payment_attempts set status = 'refused' where refdet = 'ECHHELD000001'");
    await runDueReminders(backend);
    const mails = await remindersTo(email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toBe("Portail des factures : une facture est bientôt à régler");
    expect(mails[1]!.text_body).toContain("ECH-HELD");

    expect(await backend.reminders.unsubscribe(userId)).toBe(true);
    expect(await remindersTo(email)).toHaveLength(0); // both were still pending: dropped
    await db.pg.query(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object)
       select service_id, customer_id, 'ECH-NEW', issued_on, due_on, 1000, 'Eau potable' from portal.invoices where id = $1`,
      [ids["ECH-SOON"]],
    );
    await runDueReminders(backend);
    expect(await remindersTo(email)).toHaveLength(0);
    // A replay of the unsubscribe is harmless; an unknown account answers false.
    expect(await backend.reminders.unsubscribe(userId)).toBe(true);
    expect(await backend.reminders.unsubscribe("00000000-0000-4000-8000-000000000000")).toBe(false);
  });
});
