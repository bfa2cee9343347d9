import { afterAll, beforeEach, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { PAYMENT_STATUS_LABELS } from "~/utils/payment-status";
import { asLiveUser, createAuthUser, SEED, testDatabase } from "../support/database";

/**
 * « Mes paiements » and the receipt in SQL (supabase/migrations/20261204090100_payment_history.sql)
 * on a real PGlite: the list (order, statuses, ownership, paging), the receipt's facts, the invoice
 * page's « Réglée en ligne » and the receipt e-mail written once per paid attempt.
 */
const INVOICE_2059 = SEED.invoice2059Id; // 24311 cents, unpaid
const INVOICE_2410 = "1a000000-0000-4000-8000-000000000002"; // 8750 cents, unpaid

let db: Database;
beforeEach(async () => {
  await db?.close();
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

interface PageRow {
  id: string;
  status: string;
  created_at: string;
  amount_cents: number;
  service_name: string;
  invoice_numbers: string[];
  refdet: string;
  numauto: string | null;
}
interface Page {
  per_page: number;
  payments: PageRow[];
  next: { at: string; id: string } | null;
}

const page = (userId: string = SEED.demoUserId, email: string = SEED.demoEmail, before?: { at: string; id: string }) =>
  asLiveUser(db, userId, email, async (tx) =>
    (await tx.query<{ p: Page }>("select public.payments_page($1, $2) as p", [before?.at ?? null, before?.id ?? null])).rows[0]!.p,
  );

/** An attempt of the demo resident on INVOICE_2059, `minutesAgo` old, with the given status. */
async function attempt(status: string, minutesAgo: number, invoices: string[] = [INVOICE_2059], accountId: string = SEED.demoUserId): Promise<string> {
  const n = Math.floor(Math.random() * 1e9);
  const { rows } = await db.pg.query<{ id: string }>(
    `insert into portal.payment_attempts (service_id, account_id, refdet, idop, amount_cents, provider, numcli, saisie, status, created_at, numauto)
     select s.id, $2, 'TEST' || $3::text, 'idop-' || $3::text, 1000, s.payment_provider, s.numcli, s.saisie, $4::portal.payment_status,
            now() - make_interval(mins => $5), case when $4 = 'paid' then 'AUTO' || $3::text end
     from portal.services s where s.id = $1 returning id`,
    [SEED.serviceId, accountId, String(n), status, minutesAgo],
  );
  for (const invoice of invoices) {
    await db.pg.query("insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) values ($1, $2, 500)", [rows[0]!.id, invoice]);
  }
  return rows[0]!.id;
}

describe("payments_page", () => {
  test("every status of the schema has a French label (a new status fails here until it is named)", async () => {
    const { rows } = await db.pg.query<{ v: string }>("select unnest(enum_range(null::portal.payment_status))::text as v");
    expect(rows.map((r) => r.v).sort()).toEqual(Object.keys(PAYMENT_STATUS_LABELS).sort());
  });

  test("the caller's attempts of every status, newest first, with service, invoices and references", async () => {
    const statuses = ["pending", "paid", "refused", "abandoned", "expired", "error", "reported", "rejected"];
    const ids: string[] = [];
    for (const [i, status] of statuses.entries()) ids.push(await attempt(status, 100 - i, [INVOICE_2059, INVOICE_2410]));
    const p = await page();
    expect(p.per_page).toBe(20);
    expect(p.next).toBeNull();
    // The demo account's attempts of the seed (supabase/seed.sql, 2017) come after this test's.
    const own = p.payments.filter((r) => ids.includes(r.id));
    expect(p.payments.slice(0, ids.length)).toEqual(own);
    expect(own.map((r) => r.id)).toEqual([...ids].reverse());
    expect(own.map((r) => r.status)).toEqual([...statuses].reverse());
    expect(own[0]).toMatchObject({
      service_name: "Service Multi Services de démonstration",
      amount_cents: 1000,
      invoice_numbers: ["2017-020-002059", "2017-020-002410"],
      refdet: expect.stringMatching(/^TEST\d+$/),
    });
    expect(own.find((r) => r.status === "paid")!.numauto).toMatch(/^AUTO/);
  });

  test("another resident sees none of them, and the demo resident none of theirs", async () => {
    await attempt("paid", 5);
    const otherId = await createAuthUser(db, "voisin.paiements@exemple.fr");
    const theirs = await attempt("refused", 3, [INVOICE_2410], otherId);
    expect((await page(otherId, "voisin.paiements@exemple.fr")).payments.map((r) => r.id)).toEqual([theirs]);
    expect((await page()).payments.map((r) => r.id)).not.toContain(theirs);
  });

  test("pages of 20 by keyset: no row twice, none missed, the last page has no next", async () => {
    // An account of its own: exactly these 45 attempts (the demo account has the seed's too).
    const userId = await createAuthUser(db, "pages.paiements@exemple.fr");
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) ids.push(await attempt(i % 2 ? "refused" : "abandoned", 1000 - i, [INVOICE_2059], userId));
    // Two attempts at the very same instant: the id breaks the tie.
    await db.pg.query("update portal.payment_attempts set created_at = (select created_at from portal.payment_attempts where id = $1) where id = $2", [ids[20], ids[21]]);
    const seen: string[] = [];
    let before: { at: string; id: string } | undefined;
    const sizes: number[] = [];
    for (;;) {
      const p = await page(userId, "pages.paiements@exemple.fr", before);
      sizes.push(p.payments.length);
      seen.push(...p.payments.map((r) => r.id));
      if (!p.next) break;
      before = p.next;
    }
    expect(sizes).toEqual([20, 20, 5]);
    expect(new Set(seen).size).toBe(45);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  test("a dead session is refused (PT401), anon may not call it", async () => {
    const sessionless = db.run({ role: "authenticated", userId: SEED.demoUserId, email: SEED.demoEmail }, (tx) => tx.query("select public.payments_page()"));
    await expect(sessionless).rejects.toMatchObject({ code: "PT401" });
    await expect(db.run({ role: "anon" }, (tx) => tx.query("select public.payments_page()"))).rejects.toMatchObject({ code: "42501" });
  });
});

describe("payment_receipt and invoice_page's paid line", () => {
  test("the receipt of the caller's paid attempt: service, payer, e-mail, invoices, total, references", async () => {
    const id = await attempt("paid", 10, [INVOICE_2059, INVOICE_2410]);
    const r = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, async (tx) => (await tx.query<{ r: { receipt: Record<string, unknown> } }>("select public.payment_receipt($1) as r", [id])).rows[0]!.r.receipt);
    expect(r).toMatchObject({
      attempt_id: id,
      service_name: "Service Multi Services de démonstration",
      payers: ["Test SISTEC560"],
      email: "demo@demo.fr",
      amount_cents: 1000,
      provider: "payfip_ws",
      invoices: [
        { number: "2017-020-002059", amount_cents: 500 },
        { number: "2017-020-002410", amount_cents: 500 },
      ],
    });
  });

  test("no receipt for an attempt not paid, nor for another resident's", async () => {
    const refused = await attempt("refused", 10);
    const otherId = await createAuthUser(db, "voisin.recu@exemple.fr");
    const theirs = await attempt("paid", 5, [INVOICE_2410], otherId);
    const receipt = (id: string) =>
      asLiveUser(db, SEED.demoUserId, SEED.demoEmail, async (tx) => (await tx.query<{ r: { receipt: unknown } }>("select public.payment_receipt($1) as r", [id])).rows[0]!.r.receipt);
    expect(await receipt(refused)).toBeNull();
    expect(await receipt(theirs)).toBeNull();
  });

  test("invoice_page says when and under which reference a paid invoice was paid online", async () => {
    const id = await attempt("pending", 10);
    const at = "2026-11-20T13:45:00+00:00";
    await db.asService((tx) =>
      tx.query("select public.apply_payment_result('test', idop, null, refdet, '004200', 1000, 'P', 'AUTO9', $2, '{}', true) from portal.payment_attempts where id = $1", [id, at]),
    );
    const invoice = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, async (tx) => (await tx.query<{ p: { paid_online: unknown } }>("select public.invoice_page($1) as p", [INVOICE_2059])).rows[0]!.p);
    const { rows } = await db.pg.query<{ refdet: string }>("select refdet from portal.payment_attempts where id = $1", [id]);
    expect(invoice.paid_online).toEqual({ at: "2026-11-20T13:45:00+00:00", refdet: rows[0]!.refdet });
    const unpaid = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, async (tx) => (await tx.query<{ p: { paid_online: unknown } }>("select public.invoice_page($1) as p", [INVOICE_2410])).rows[0]!.p);
    expect(unpaid.paid_online).toBeNull();
  });
});

describe("the receipt e-mail", () => {
  const receipts = async () =>
    (await db.pg.query<{ to_address: string; subject: string; text_body: string; html_body: string; reply_to: string | null }>(
      "select to_address, subject, text_body, html_body, reply_to from portal.email_outbox where kind = 'payment_receipt'",
    )).rows;

  test("written once when the attempt becomes paid, in French, text and HTML, with the facts", async () => {
    const id = await attempt("pending", 10, [INVOICE_2059, INVOICE_2410]);
    expect(await receipts()).toEqual([]);
    const apply = () =>
      db.asService((tx) =>
        tx.query<{ r: { outcome: string } }>(
          "select public.apply_payment_result('test', idop, null, refdet, '004200', 1000, 'P', 'AUTO42', '2026-11-20T13:45:00Z', '{}', true) as r from portal.payment_attempts where id = $1",
          [id],
        ),
      );
    expect((await apply()).rows[0]!.r.outcome).toBe("applied");
    expect((await apply()).rows[0]!.r.outcome).toBe("duplicate");
    const mails = await receipts();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to_address: "demo@demo.fr", subject: "Portail des factures : justificatif de paiement" });
    const text = mails[0]!.text_body;
    for (const fact of [
      "Service : Service Multi Services de démonstration",
      "Payeur : Test SISTEC560",
      "Factures : 2017-020-002059 (5,00\u00a0€), 2017-020-002410 (5,00\u00a0€)",
      "Montant total : 10,00\u00a0€",
      "Date du paiement : 20/11/2026 à 14 h 45 (heure de Paris)",
      "Mode de paiement : PayFiP",
      "Numéro d'autorisation : AUTO42",
    ]) {
      expect(text).toContain(fact);
    }
    expect(mails[0]!.html_body).toContain("AUTO42");
  });

  test("never twice: the attempt paid again by hand, or paid, set back and paid again", async () => {
    const id = await attempt("pending", 10);
    await db.pg.query("update portal.payment_attempts set status = 'paid' where id = $1", [id]);
    await db.pg.query("update portal.payment_attempts set status = 'paid' where id = $1", [id]);
    await db.pg.query("update portal.payment_attempts set status = 'reported' where id = $1", [id]);
    await db.pg.query("update portal.payment_attempts set status = 'paid' where id = $1", [id]);
    expect(await receipts()).toHaveLength(1);
  });

  test("none for a refused or abandoned attempt, none for an attempt without an account", async () => {
    const refused = await attempt("pending", 10);
    await db.pg.query("update portal.payment_attempts set status = 'refused' where id = $1", [refused]);
    const orphan = await attempt("pending", 9, [INVOICE_2410]);
    await db.pg.query("update portal.payment_attempts set account_id = null where id = $1", [orphan]);
    await db.pg.query("update portal.payment_attempts set status = 'paid' where id = $1", [orphan]);
    expect(await receipts()).toEqual([]);
  });

  test("staff confirming a reported payment sends it too", async () => {
    const id = await attempt("reported", 10);
    await db.asService((tx) => tx.query("select public.confirm_reported_payment($1, 'Agent', 'vu sur le relevé')", [id]));
    expect(await receipts()).toHaveLength(1);
  });
});

describe("portal.payment_receipt_emails (RLS)", () => {
  test("no resident and no anon reads it; the service role does", async () => {
    const id = await attempt("pending", 10);
    await db.pg.query("update portal.payment_attempts set status = 'paid' where id = $1", [id]);
    const asDemo = asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select * from portal.payment_receipt_emails"));
    await expect(asDemo).rejects.toThrow(/permission denied/);
    await expect(db.run({ role: "anon" }, (tx) => tx.query("select * from portal.payment_receipt_emails"))).rejects.toThrow(/permission denied/);
    const service = await db.asService((tx) => tx.query<{ attempt_id: string }>("select attempt_id from portal.payment_receipt_emails"));
    // The seed's paid attempt has its row too (supabase/seed.sql).
    expect(service.rows.map((r) => r.attempt_id)).toContain(id);
  });
});
