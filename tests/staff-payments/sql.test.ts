import { afterAll, beforeEach, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { PAYMENT_STATUS_LABELS } from "~/utils/payment-status";
import { expectPermissionDenied } from "../db/helpers";
import { asLiveUser, SEED, testDatabase } from "../support/database";
import { attempt, TWO_DAYS } from "./fixture";

/**
 * The payments to confirm on a real PGlite (supabase/migrations/20261206090100_staff_payments_stats.sql):
 * which attempts are listed and why, the staff's confirmation and rejection with the outcome of an
 * automatic result, who/when/why recorded, the second call changing nothing, the service role
 * only, and what the resident sees.
 */
let db: Database;
// A fresh copy of the seed for each test; the previous one closed once replaced.
beforeEach(async () => {
  const previous = db;
  db = await testDatabase();
  await previous?.close();
});
afterAll(() => db.close());

const listed = async (numcli: string | null = null) =>
  (
    await db.asService((tx) =>
      tx.query<{ attempt_id: string; reason: string; reason_label: string; provider: string; idop: string | null; customer_names: string[] }>(
        "select * from public.staff_payments_to_confirm($1)",
        [numcli],
      ),
    )
  ).rows;

const review = async (fn: "confirm" | "reject", id: string, by = "Mme Comptable", reason = "Relevé DGFiP du 28/11") =>
  (await db.asService((tx) => tx.query<{ r: Record<string, unknown> }>(`select public.${fn}_reported_payment($1, $2, $3) as r`, [id, by, reason]))).rows[0]!.r;

const attemptRow = async (id: string) =>
  (
    await db.pg.query<{ status: string; reviewed_by: string | null; review_reason: string | null; reviewed: boolean }>(
      "select status::text as status, reviewed_by, review_reason, reviewed_at is not null as reviewed from portal.payment_attempts where id = $1",
      [id],
    )
  ).rows[0]!;

const invoiceStatus = async (id: string) => (await db.pg.query<{ status: string }>("select status::text as status from portal.invoices where id = $1", [id])).rows[0]!.status;

const eventsOf = async (id: string) =>
  (await db.pg.query<{ kind: string; payload: Record<string, unknown> }>("select kind, payload from portal.payment_events where attempt_id = $1 order by id", [id])).rows;

const receipts = async (id: string) =>
  Number((await db.pg.query<{ n: string }>("select count(*) as n from portal.payment_receipt_emails r join portal.email_outbox o on o.id = r.email_outbox_id where r.attempt_id = $1", [id])).rows[0]!.n);

describe("the list: reported ones and PayFiP ones the reconciliation job will not settle", () => {
  test("exactly those, each with why, oldest first; nothing pending within its window or final", async () => {
    const reported = await attempt(db, { status: "reported", provider: "tipi", startedMinutesAgo: 90 });
    const noAnswer = await attempt(db, { status: "pending", startedMinutesAgo: TWO_DAYS });
    // PayFiP answered after the window, and SQL refused the answer (it comes again at every run).
    const refused = await attempt(db, { status: "pending", startedMinutesAgo: 60, events: [{ kind: "result_rejected_mismatch", minutesAgo: 5 }] });
    // Not listed:
    await attempt(db, { status: "pending", startedMinutesAgo: 5 }); // within its window
    await attempt(db, { status: "pending", startedMinutesAgo: 60 }); // past it: the job asks PayFiP or expires it at its next run
    await attempt(db, { status: "pending", startedMinutesAgo: 60, events: [{ kind: "result_rejected_mismatch", minutesAgo: 55 }] }); // refused within the window only
    await attempt(db, { status: "pending", idop: null, startedMinutesAgo: TWO_DAYS }); // no idOp: the job expires it
    await attempt(db, { status: "pending", provider: "tipi", startedMinutesAgo: TWO_DAYS }); // classic TIPI: the job expires it
    await attempt(db, { status: "abandoned", startedMinutesAgo: 5 }); // abandoned within its window: the job still asks
    for (const status of ["paid", "refused", "abandoned", "expired", "error", "rejected"] as const) {
      await attempt(db, { status, startedMinutesAgo: TWO_DAYS });
    }

    const rows = await listed();
    expect(rows.map((r) => [r.attempt_id, r.reason])).toEqual([
      [noAnswer.id, "payfip_no_answer"],
      [reported.id, "reported"],
      [refused.id, "payfip_answer_refused"],
    ]);
    expect(rows[1]).toMatchObject({ provider: "tipi", idop: null, customer_names: ["Test SISTEC560"], reason_label: expect.stringMatching(/signalé payé/) });
    expect(rows[0]).toMatchObject({ provider: "payfip_ws", idop: expect.stringMatching(/^idop-/), reason_label: expect.stringMatching(/sans réponse de PayFiP/) });
    // The view says the same.
    const view = await db.asService((tx) => tx.query<{ attempt_id: string }>("select attempt_id from portal.staff_payments_to_confirm"));
    expect(view.rows.map((r) => r.attempt_id)).toEqual(rows.map((r) => r.attempt_id));
  });

  test("one service's: --service", async () => {
    const here = await attempt(db, { status: "reported", provider: "tipi", startedMinutesAgo: 90 });
    const there = await attempt(db, { status: "reported", provider: "tipi", startedMinutesAgo: 90, numcli: "004281" });
    expect((await listed("004200")).map((r) => r.attempt_id)).toEqual([here.id]);
    expect((await listed("004281")).map((r) => r.attempt_id)).toEqual([there.id]);
    expect(await listed("999999")).toEqual([]);
  });
});

describe("confirm and reject", () => {
  test("confirming a PayFiP payment left without an answer: paid like a verified result, the receipt once, who/when/why recorded", async () => {
    const a = await attempt(db, { status: "pending", startedMinutesAgo: TWO_DAYS });
    expect(await review("confirm", a.id)).toEqual({ outcome: "confirmed", status: "paid" });
    expect(await invoiceStatus(a.invoiceId)).toBe("paid");
    expect(await attemptRow(a.id)).toEqual({ status: "paid", reviewed_by: "Mme Comptable", review_reason: "Relevé DGFiP du 28/11", reviewed: true });
    expect(await receipts(a.id)).toBe(1);
    const events = await eventsOf(a.id);
    expect(events.map((e) => e.kind)).toEqual(["unsettled_confirmed"]);
    expect(events[0]!.payload).toMatchObject({ by: "Mme Comptable", reason: "Relevé DGFiP du 28/11", listed_as: "payfip_no_answer", at: expect.any(String) });
    expect(await listed()).toEqual([]);

    // Again: refused, nothing changes, no second e-mail.
    expect(await review("confirm", a.id, "M. Autre", "encore")).toMatchObject({ outcome: "not_reported", status: "paid", reviewed_by: "Mme Comptable" });
    expect(await review("reject", a.id, "M. Autre", "erreur")).toMatchObject({ outcome: "not_reported", status: "paid" });
    expect(await attemptRow(a.id)).toMatchObject({ status: "paid", reviewed_by: "Mme Comptable" });
    expect((await eventsOf(a.id)).length).toBe(1);
    expect(await receipts(a.id)).toBe(1);
  });

  test("confirming a reported one: report_confirmed, paid", async () => {
    const a = await attempt(db, { status: "reported", provider: "tipi", startedMinutesAgo: 90 });
    expect(await review("confirm", a.id)).toEqual({ outcome: "confirmed", status: "paid" });
    expect(await invoiceStatus(a.invoiceId)).toBe("paid");
    expect((await eventsOf(a.id)).map((e) => e.kind)).toEqual(["report_confirmed"]);
    expect(await receipts(a.id)).toBe(1);
  });

  test("rejecting: the invoice can be paid again; the attempt is no longer asked about; a second call changes nothing", async () => {
    const a = await attempt(db, { status: "pending", startedMinutesAgo: 60, events: [{ kind: "result_rejected_invalid", minutesAgo: 10 }] });
    const payable = async () =>
      (await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query<{ block: string | null }>("select block from public.my_payable_invoices() where id = $1", [a.invoiceId]))).rows[0]!.block;
    expect(await payable()).toBe("pending");
    expect(await review("reject", a.id, "M. Régisseur", "Absent du relevé")).toEqual({ outcome: "rejected", status: "rejected" });
    expect(await payable()).toBeNull();
    expect(await invoiceStatus(a.invoiceId)).toBe("unpaid");
    expect(await attemptRow(a.id)).toEqual({ status: "rejected", reviewed_by: "M. Régisseur", review_reason: "Absent du relevé", reviewed: true });
    expect((await eventsOf(a.id)).map((e) => e.kind)).toEqual(["result_rejected_invalid", "unsettled_rejected"]);
    const toReconcile = await db.asService((tx) => tx.query("select id from public.payments_to_reconcile(100) where id = $1", [a.id]));
    expect(toReconcile.rows).toEqual([]);
    expect(await review("reject", a.id)).toMatchObject({ outcome: "not_reported", status: "rejected" });
    expect(await receipts(a.id)).toBe(0);
  });

  test("an attempt not in the list is refused and left as it is (the job's, or final); an unknown one is unknown", async () => {
    const waiting = await attempt(db, { status: "pending", startedMinutesAgo: 60 });
    expect(await review("confirm", waiting.id)).toMatchObject({ outcome: "not_reported", status: "pending" });
    expect(await review("reject", waiting.id)).toMatchObject({ outcome: "not_reported", status: "pending" });
    expect(await attemptRow(waiting.id)).toMatchObject({ status: "pending", reviewed_by: null });
    expect(await eventsOf(waiting.id)).toEqual([]);
    const refused = await attempt(db, { status: "refused", startedMinutesAgo: TWO_DAYS });
    expect(await review("confirm", refused.id)).toMatchObject({ outcome: "not_reported", status: "refused" });
    expect(await invoiceStatus(refused.invoiceId)).toBe("unpaid");
    expect(await review("confirm", "00000000-0000-4000-8000-000000000000")).toEqual({ outcome: "unknown" });
  });

  test("who and why are required", async () => {
    const a = await attempt(db, { status: "reported", provider: "tipi", startedMinutesAgo: 90 });
    await expect(review("confirm", a.id, "  ", "motif")).rejects.toThrow(/who/);
    await expect(review("reject", a.id, "Agent", "")).rejects.toThrow(/reason/);
    expect(await attemptRow(a.id)).toMatchObject({ status: "reported" });
  });
});

describe("only the service role", () => {
  test("residents and anon cannot list, confirm, reject or read the figures (permission denied)", async () => {
    const a = await attempt(db, { status: "reported", provider: "tipi", startedMinutesAgo: 90 });
    const calls = [
      `select public.confirm_reported_payment('${a.id}', 'moi', 'payé')`,
      `select public.reject_reported_payment('${a.id}', 'moi', 'pas payé')`,
      "select * from public.staff_payments_to_confirm()",
      "select * from public.staff_monthly_activity()",
      "select * from portal.staff_payments_to_confirm",
      "select * from portal.staff_monthly_activity",
    ];
    for (const call of calls) {
      await expectPermissionDenied(asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query(call)));
      await expectPermissionDenied(db.asAnon((tx) => tx.query(call)));
    }
    expect(await attemptRow(a.id)).toMatchObject({ status: "reported" });
  });
});

describe("what the resident sees", () => {
  test("Mes paiements shows the decision's status in French; Mes factures the invoice paid or payable", async () => {
    const confirmed = await attempt(db, { status: "pending", startedMinutesAgo: TWO_DAYS });
    const rejected = await attempt(db, { status: "reported", provider: "tipi", startedMinutesAgo: 90 });
    const page = async () =>
      (await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query<{ p: { payments: { id: string; status: string }[] } }>("select public.payments_page() as p"))).rows[0]!.p;
    const statusOf = async (id: string) => (await page()).payments.find((p) => p.id === id)!.status;
    expect(await statusOf(confirmed.id)).toBe("pending");
    expect(await statusOf(rejected.id)).toBe("reported");

    await review("confirm", confirmed.id);
    await review("reject", rejected.id);
    expect(PAYMENT_STATUS_LABELS[(await statusOf(confirmed.id)) as "paid"]).toBe("réglé");
    expect(PAYMENT_STATUS_LABELS[(await statusOf(rejected.id)) as "rejected"]).toBe("refusé");

    const invoice = async (id: string) =>
      (await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query<{ p: { invoice: { status: string } } }>("select public.invoice_page($1) as p", [id]))).rows[0]!.p.invoice.status;
    expect(await invoice(confirmed.invoiceId)).toBe("paid");
    expect(await invoice(rejected.invoiceId)).toBe("unpaid");
  });
});
