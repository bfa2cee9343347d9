/**
 * The export ledger on a real PGlite (supabase/migrations/20261206090000_exports.sql): « depuis le
 * dernier export » is complete and never repeats a line, a payment committed after a run is in
 * the next one, a period re-export is the same lines every time and leaves « dernier » where it
 * was, a dry run records nothing, and only the service role may call the functions or read the views.
 */
import { beforeEach, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { asLiveUser, SEED } from "../support/database";
import { exportPaper, exportPayments, exportsDatabase, INVOICES, invoiceNumbers, optOut, pay, settle, startAttempt } from "./world";

let db: Database;
beforeEach(async () => {
  db = await exportsDatabase();
});

const runs = async () => (await db.pg.query<{ n: number }>("select count(*)::int as n from portal.export_runs")).rows[0]!.n;

describe("online payments: « depuis le dernier export »", () => {
  test("one line per invoice settled online, with the facts the billing software needs, each exported once", async () => {
    await pay(db, [INVOICES.payfip1, INVOICES.payfip2], "2026-12-01T09:15:00Z");
    const first = await exportPayments(db, { p_by: "agent (test)" });
    expect(first.outcome).toBe("ok");
    expect(first.previous_at).toBeNull();
    expect(first.lines).toEqual([
      expect.objectContaining({ numcli: "004200", customer_number: "PAIE0001", invoice_number: "2018-020-000101", amount_cents: 1234, paid_on: "01/12/2026", paid_time: "10:15:00", provider: "PAYFIP", status: "payée" }),
      expect.objectContaining({ invoice_number: "2018-020-000102", amount_cents: 2345, refdet: first.lines![0]!.refdet, transaction_ref: expect.stringMatching(/^idop-export-/), numauto: expect.stringMatching(/^AUTO/) }),
    ]);
    const { rows } = await db.pg.query("select kind, run_by, line_count from portal.export_runs where id = $1", [first.run_id]);
    expect(rows).toEqual([{ kind: "payments", run_by: "agent (test)", line_count: 2 }]);

    const second = await exportPayments(db);
    expect(second.lines).toEqual([]);
    expect(second.previous_at).not.toBeNull();
  });

  test("a payment settled after an export is in the next one, and only it", async () => {
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    expect(invoiceNumbers(await exportPayments(db))).toEqual(["2018-020-000101"]);
    await pay(db, [INVOICES.tipi1], "2026-12-02T09:00:00Z");
    const next = await exportPayments(db);
    expect(invoiceNumbers(next)).toEqual(["2018-021-000201"]);
    expect(next.lines![0]).toMatchObject({ provider: "TIPI", transaction_ref: "", numcli: "004281" });
  });

  test("run A claims, a payment dated before A's lines commits after A, run B gets only that one (not ordered by a sequence or by date)", async () => {
    const early = await startAttempt(db, [INVOICES.payfip3]); // under way while A runs
    await pay(db, [INVOICES.payfip1], "2026-12-01T12:00:00Z");
    const a = await exportPayments(db);
    expect(invoiceNumbers(a)).toEqual(["2018-020-000101"]);
    // DGFiP's time of transaction is earlier than what A exported; its commit comes after A.
    await settle(db, early, "2026-12-01T08:00:00Z");
    const b = await exportPayments(db);
    expect(invoiceNumbers(b)).toEqual(["2018-020-000103"]);
    expect(b.run_id).toBeGreaterThan(a.run_id!);
    expect(invoiceNumbers(await exportPayments(db))).toEqual([]);
  });

  test("two runs in a row are disjoint and together complete; the claim skips lines another run holds", async () => {
    // PGlite has one connection, so a second transaction cannot hold lines here: that the claim
    // skips locked lines (`for update skip locked`, PostgreSQL's row locks) is read in its body,
    // and the real two-connection race runs on PostgreSQL in scripts/check-postgres.sh.
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    await pay(db, [INVOICES.payfip2], "2026-12-01T10:00:00Z");
    const body = (await db.pg.query<{ src: string }>("select prosrc as src from pg_proc where proname = 'export_line_ids'")).rows[0]!.src;
    expect(body).toMatch(/where u\.export_run_id is null[\s\S]*for update skip locked/);
    // Two claims in a row (A then B) are disjoint and together complete.
    const all = (await db.pg.query<{ n: number }>("select count(*)::int as n from portal.payment_export_lines")).rows[0]!.n;
    const a = await exportPayments(db, { p_numcli: "004200" });
    const b = await exportPayments(db);
    expect(a.lines!.length + b.lines!.length).toBe(all);
    expect(new Set([...invoiceNumbers(a), ...invoiceNumbers(b)]).size).toBe(all);
  });

  test("a run limited to one service claims that service's lines only", async () => {
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    await pay(db, [INVOICES.tipi1], "2026-12-01T09:30:00Z");
    expect(invoiceNumbers(await exportPayments(db, { p_numcli: "004281" }))).toEqual(["2018-021-000201"]);
    expect(invoiceNumbers(await exportPayments(db))).toEqual(["2018-020-000101"]);
  });

  test("a dry run answers the next export's lines and records nothing", async () => {
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    const dry = await exportPayments(db, { p_dry_run: true });
    expect(invoiceNumbers(dry)).toEqual(["2018-020-000101"]);
    expect(dry.run_id).toBeNull();
    expect(await runs()).toBe(0);
    expect(invoiceNumbers(await exportPayments(db))).toEqual(["2018-020-000101"]);
  });

  test("unknown service, and a period upside down, are refused", async () => {
    expect(await exportPayments(db, { p_numcli: "999999" })).toEqual({ outcome: "unknown_service" });
    await expect(exportPayments(db, { p_from: "2026-12-02", p_to: "2026-12-01" })).rejects.toThrow(/before p_from/);
    await expect(exportPayments(db, { p_to: "2026-12-01" })).rejects.toThrow(/p_to needs p_from/);
    expect(await runs()).toBe(0);
  });

  test("lines added to an attempt already paid (data loaded by hand, in bulk) are exported too", async () => {
    await db.pg.exec(`
      insert into portal.payment_attempts (service_id, refdet, amount_cents, provider, numcli, saisie, status, transaction_at)
      values ('5e000000-0000-4000-8000-000000004200', 'CHARGEMENT01', 3579, 'payfip_ws', '004200', 'T', 'paid', '2026-12-01T09:00:00Z');
      insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
      select a.id, i.id, i.amount_cents from portal.payment_attempts a, portal.invoices i
      where a.refdet = 'CHARGEMENT01' and i.id in ('${INVOICES.payfip1}', '${INVOICES.payfip2}');
    `);
    const answer = await exportPayments(db);
    expect(invoiceNumbers(answer)).toEqual(["2018-020-000101", "2018-020-000102"]);
    expect(answer.lines![0]).toMatchObject({ refdet: "CHARGEMENT01", paid_on: "01/12/2026", paid_time: "10:00:00" });
  });

  test("payments that are not paid (pending, refused…) are never exported", async () => {
    await startAttempt(db, [INVOICES.payfip1]);
    const refused = await startAttempt(db, [INVOICES.payfip2]);
    await db.pg.query("update portal.payment_attempts set status = 'refused' where id = $1", [refused]);
    expect(invoiceNumbers(await exportPayments(db))).toEqual([]);
  });
});

describe("online payments: a period", () => {
  test("the same lines in the same order every time, whether exported or not, and « dernier » does not move", async () => {
    await pay(db, [INVOICES.payfip2, INVOICES.payfip1], "2026-11-30T23:30:00Z"); // 1 December in Paris
    await pay(db, [INVOICES.tipi1], "2026-12-01T22:59:59Z"); // still 1 December in Paris
    await pay(db, [INVOICES.payfip3], "2026-12-01T23:00:00Z"); // 2 December in Paris
    const period = { p_from: "2026-12-01", p_to: "2026-12-01" };
    const once = await exportPayments(db, period);
    expect(invoiceNumbers(once)).toEqual(["2018-020-000101", "2018-020-000102", "2018-021-000201"]);
    expect(once.run_id).toBeNull();
    expect(await runs()).toBe(0);
    expect(await exportPayments(db, period)).toEqual(once);
    // « dernier » still has everything; after it, the period is unchanged.
    expect(invoiceNumbers(await exportPayments(db))).toHaveLength(4);
    expect((await exportPayments(db, period)).lines).toEqual(once.lines);
    expect(invoiceNumbers(await exportPayments(db, { p_from: "2026-12-02" }))).toEqual(["2018-020-000103"]);
  });
});

describe("paper opt-outs", () => {
  test("a resident's request, exported once with « non », then a later one in the next export", async () => {
    await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select * from public.request_paper_optout()"));
    const first = await exportPaper(db);
    expect(first.lines).toEqual([
      expect.objectContaining({ numcli: "004200", service_name: "Service Multi Services de démonstration", customer_number: "SISTEC560", name: "Test SISTEC560", paper: "non" }),
    ]);
    expect(first.lines![0]!.requested_on).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect((await exportPaper(db)).lines).toEqual([]);
    await optOut(db, SEED.nouveauCustomerId, "2026-12-03T07:00:00Z");
    expect((await exportPaper(db)).lines).toEqual([
      expect.objectContaining({ customer_number: "NOUV0001", requested_on: "03/12/2026", requested_time: "08:00:00" }),
    ]);
    // A period re-export has both, records nothing.
    const before = await runs();
    expect((await exportPaper(db, { p_from: "2000-01-01" })).lines).toHaveLength(2);
    expect(await runs()).toBe(before);
  });

  test("payments and paper keep their own « dernier »", async () => {
    await optOut(db, SEED.nouveauCustomerId, "2026-12-03T07:00:00Z");
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    await exportPayments(db);
    expect((await exportPaper(db)).lines).toHaveLength(1);
  });
});

describe("who may export", () => {
  test("residents and anonymous visitors can neither call the functions nor read the tables and views", async () => {
    for (const kind of ["payments", "paper"]) {
      const call = `select public.export_for_billing('${kind}')`;
      await expect(db.asAnon((tx) => tx.query(call))).rejects.toThrow(/permission denied/);
      await expect(asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query(call))).rejects.toThrow(/permission denied/);
    }
    await expect(db.asService((tx) => tx.query("select public.export_for_billing('factures')"))).rejects.toThrow(/unknown export kind/);
    for (const relation of ["staff_online_payments_export", "staff_paper_optouts_export", "export_runs", "payment_export_lines", "paper_export_lines"]) {
      await expect(asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query(`select * from portal.${relation}`))).rejects.toThrow(/permission denied/);
    }
  });

  test("the dashboard's views show every line with its run", async () => {
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    await pay(db, [INVOICES.payfip2], "2026-12-01T10:00:00Z");
    const run = await exportPayments(db, { p_numcli: "004200" });
    await pay(db, [INVOICES.tipi1], "2026-12-01T11:00:00Z");
    const { rows } = await db.asService((tx) =>
      tx.query<{ invoice_number: string; export_run_id: number | null; exported_at: Date | null }>(
        "select invoice_number, export_run_id, exported_at from portal.staff_online_payments_export order by paid_at",
      ),
    );
    expect(rows.map((r) => [r.invoice_number, r.export_run_id])).toEqual([
      ["2018-020-000101", run.run_id],
      ["2018-020-000102", run.run_id],
      ["2018-021-000201", null],
    ]);
  });
});
