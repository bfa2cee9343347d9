import { afterAll, beforeEach, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { expectPermissionDenied } from "./helpers";
import { asLiveUser, createAuthUser, SEED, testDatabase } from "../support/database";

/**
 * The payment SQL (supabase/migrations/20261126000300_payments.sql) on a real PGlite: attempt
 * creation and its refusals, the one result function (double, out of order, mismatched, late),
 * expiry by the reconciliation job. Each test starts from a fresh copy of the seed.
 */
const INVOICE_2059: string = SEED.invoice2059Id; // 24311 cents, unpaid
const INVOICE_2410 = "1a000000-0000-4000-8000-000000000002"; // 8750 cents, unpaid
const INVOICE_PAID = "1a000000-0000-4000-8000-000000000003";
const INVOICE_TREASURY = "1a000000-0000-4000-8000-000000000005";
const INVOICE_NOUVEAU = "1a000000-0000-4000-8000-000000000011"; // another resident's

let db: Database;
beforeEach(async () => {
  await db?.close();
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

interface Started {
  status: "created" | "refused";
  reason?: string;
  attempt_id: string;
  refdet: string;
  amount_cents: number;
  provider: string;
  numcli: string;
  saisie: string;
  exer: string;
  mel: string;
  objet: string;
  tipi_token: string | null;
  invoice_numbers: string[];
}

async function start(ids: string[], userId: string = SEED.demoUserId, email: string = SEED.demoEmail): Promise<Started> {
  const { rows } = await asLiveUser(db, userId, email, (tx) =>
    tx.query<{ r: Started }>("select public.start_payment($1::uuid[]) as r", [ids]),
  );
  return rows[0]!.r;
}

interface Result {
  source?: string;
  idop?: string | null;
  token?: string | null;
  refdet: string;
  numcli?: string;
  amount: number;
  resultrans: string;
  numauto?: string | null;
  at?: string | null;
  /** The caller vouches the result comes from DGFiP (PayFiP's SOAP answer, an allow-listed TIPI source). Default: yes. */
  verified?: boolean;
}

async function apply(r: Result) {
  const { rows } = await db.asService((tx) =>
    tx.query<{ r: { outcome: string; status?: string; reason?: string; attempt_id?: string } }>(
      "select public.apply_payment_result($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) as r",
      [r.source ?? "test", r.idop ?? null, r.token ?? null, r.refdet, r.numcli ?? "004200", r.amount, r.resultrans, r.numauto ?? null, r.at ?? null, "{}", r.verified ?? true],
    ),
  );
  return rows[0]!.r;
}

async function setIdop(attemptId: string, idop: string) {
  const { rows } = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) =>
    tx.query<{ ok: boolean }>("select public.set_payment_idop($1, $2) as ok", [attemptId, idop]),
  );
  return rows[0]!.ok;
}

const invoiceStatus = async (id: string) =>
  (await db.pg.query<{ status: string; paid_at: Date | null }>("select status::text as status, paid_at from portal.invoices where id = $1", [id])).rows[0]!;
const attemptStatus = async (id: string) =>
  (await db.pg.query<{ status: string; numauto: string | null }>("select status::text as status, numauto from portal.payment_attempts where id = $1", [id])).rows[0]!;
const events = async (attemptId: string | null) =>
  (
    await db.pg.query<{ kind: string }>(
      attemptId ? "select kind from portal.payment_events where attempt_id = $1 order by id" : "select kind from portal.payment_events where attempt_id is null order by id",
      attemptId ? [attemptId] : [],
    )
  ).rows.map((r) => r.kind);

/** Moves an attempt `minutes` into the past, as if it had been started then. */
async function ageAttempt(attemptId: string, minutes: number) {
  await db.pg.query(
    "update portal.payment_attempts set created_at = created_at - make_interval(mins => $2), expires_at = expires_at - make_interval(mins => $2) where id = $1",
    [attemptId, minutes],
  );
}

const blockOf = async (number: string) =>
  (
    await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) =>
      tx.query<{ block: string | null }>("select block from public.my_payable_invoices() where number = $1", [number]),
    )
  ).rows[0]!.block;

async function startedWithIdop(ids = [INVOICE_2059], idop = "cc0cb210-1cd4-11ea-8cca-0213ad91a103") {
  const s = await start(ids);
  expect(s.status).toBe("created");
  expect(await setIdop(s.attempt_id, idop)).toBe(true);
  return { ...s, idop };
}

describe("start_payment()", () => {
  test("creates a pending attempt in integer cents with a valid refdet mapped to the invoice", async () => {
    const s = await start([INVOICE_2059]);
    expect(s).toMatchObject({ status: "created", amount_cents: 24311, provider: "payfip_ws", numcli: "004200", saisie: "T", mel: "demo@demo.fr" });
    expect(s.refdet).toMatch(/^[A-Za-z0-9]{6,30}$/);
    expect(s.refdet.startsWith("2017020002059P")).toBe(true);
    expect(s.objet).toBe("Facture 2017 020 002059");
    expect(s.exer).toMatch(/^\d{4}$/);
    expect(s.tipi_token).toBeNull();
    const { rows } = await db.pg.query("select invoice_id, amount_cents::int as amount_cents from portal.payment_attempt_invoices where attempt_id = $1", [s.attempt_id]);
    expect(rows).toEqual([{ invoice_id: INVOICE_2059, amount_cents: 24311 }]);
    expect(await attemptStatus(s.attempt_id)).toMatchObject({ status: "pending" });
  });

  test("several invoices of a service that allows it: one attempt, the sum, a GRP refdet", async () => {
    const s = await start([INVOICE_2059, INVOICE_2410]);
    expect(s).toMatchObject({ status: "created", amount_cents: 24311 + 8750, invoice_numbers: ["2017-020-002059", "2017-020-002410"] });
    expect(s.refdet).toMatch(/^GRP2F2017020002059P\d{6}$/);
  });

  test("several invoices when the service allows only one are refused", async () => {
    await db.pg.query("update portal.services set allow_multiple_invoices = false where id = $1", [SEED.serviceId]);
    expect(await start([INVOICE_2059, INVOICE_2410])).toEqual({ status: "refused", reason: "multiple_not_allowed" });
    expect((await start([INVOICE_2059])).status).toBe("created");
  });

  test("another resident's invoice, or an unknown id, is not found (and says nothing more)", async () => {
    expect(await start([INVOICE_NOUVEAU])).toEqual({ status: "refused", reason: "not_found" });
    expect(await start([INVOICE_2059, "00000000-0000-4000-8000-000000000000"])).toEqual({ status: "refused", reason: "not_found" });
  });

  test("paid and treasury invoices cannot be paid", async () => {
    expect(await start([INVOICE_PAID])).toEqual({ status: "refused", reason: "not_unpaid" });
    expect(await start([INVOICE_TREASURY])).toEqual({ status: "refused", reason: "not_unpaid" });
  });

  test("a suspended service refuses", async () => {
    await db.pg.query("update portal.services set payment_suspended = true where id = $1", [SEED.serviceId]);
    expect(await start([INVOICE_2059])).toEqual({ status: "refused", reason: "suspended" });
  });

  test("invoices of two services in one payment are refused", async () => {
    const { rows } = await db.pg.query<{ id: string }>("insert into portal.services (name, numcli, allow_multiple_invoices) values ('Eau', '004201', true) returning id");
    const serviceId = rows[0]!.id;
    const customer = await db.pg.query<{ id: string }>(
      "insert into portal.customers (service_id, customer_number, display_name, email) values ($1, 'E1', 'Test SISTEC560', 'demo@demo.fr') returning id",
      [serviceId],
    );
    const inv = await db.pg.query<{ id: string }>(
      "insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents) values ($1, $2, 'E-1', '2024-01-01', '2024-01-31', 1000) returning id",
      [serviceId, customer.rows[0]!.id],
    );
    expect(await start([INVOICE_2059, inv.rows[0]!.id])).toEqual({ status: "refused", reason: "several_services" });
  });

  test("amounts outside the provider's limits are refused (1 € minimum; 9 999,99 € for classic TIPI)", async () => {
    await db.pg.query("update portal.invoices set amount_cents = 99 where id = $1", [INVOICE_2059]);
    expect(await start([INVOICE_2059])).toMatchObject({ status: "refused", reason: "amount_out_of_limits", min_cents: 100 });
    await db.pg.query("update portal.invoices set amount_cents = 1000000 where id = $1", [INVOICE_2059]);
    expect((await start([INVOICE_2059])).status).toBe("created"); // PayFiP: up to 100 000 €
    await db.pg.query("update portal.services set payment_provider = 'tipi' where id = $1", [SEED.serviceId]);
    expect(await start([INVOICE_2410, INVOICE_2059])).toMatchObject({ status: "refused", reason: "pending" });
    await db.pg.query("update portal.invoices set amount_cents = 1000000 where id = $1", [INVOICE_2410]);
    expect(await start([INVOICE_2410])).toMatchObject({ status: "refused", reason: "amount_out_of_limits", max_cents: 999999 });
  });

  test("concurrent attempts on the same invoice: only the first is created", async () => {
    const [a, b] = await Promise.all([start([INVOICE_2059]), start([INVOICE_2059, INVOICE_2410])]);
    expect([a.status, b.status].sort()).toEqual(["created", "refused"]);
    expect((a.status === "refused" ? a : b).reason).toBe("pending");
    const { rows } = await db.pg.query<{ n: number }>(
      "select count(*)::int as n from portal.payment_attempt_invoices ai join portal.payment_attempts a on a.id = ai.attempt_id where ai.invoice_id = $1 and a.status = 'pending'",
      [INVOICE_2059],
    );
    expect(rows[0]!.n).toBe(1);
  });

  test("classic TIPI: a secret token is returned once, only its hash is stored", async () => {
    await db.pg.query("update portal.services set payment_provider = 'tipi' where id = $1", [SEED.serviceId]);
    const s = await start([INVOICE_2059]);
    expect(s.tipi_token).toMatch(/^[0-9a-f]{64}$/);
    const { rows } = await db.pg.query<{ tipi_token_hash: string }>("select tipi_token_hash from portal.payment_attempts where id = $1", [s.attempt_id]);
    expect(rows[0]!.tipi_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.tipi_token_hash).not.toBe(s.tipi_token);
  });

  test("anon and the service role cannot start a payment", async () => {
    await expectPermissionDenied(db.asAnon((tx) => tx.query("select public.start_payment($1::uuid[])", [[INVOICE_2059]])));
    await expectPermissionDenied(db.asService((tx) => tx.query("select public.start_payment($1::uuid[])", [[INVOICE_2059]])));
  });
});

describe("my_payable_invoices()", () => {
  test("lists the caller's unpaid and treasury invoices with why one cannot be paid", async () => {
    await start([INVOICE_2410]);
    const { rows } = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) =>
      tx.query<{ number: string; block: string | null }>("select number, block from public.my_payable_invoices()"),
    );
    expect(Object.fromEntries(rows.map((r) => [r.number, r.block]))).toEqual({
      "2017-020-002059": null,
      "2017-020-002410": "pending",
      "2016-020-003305": "treasury",
      "2016-020-002118": "treasury",
    });
    await db.pg.query("update portal.services set payment_suspended = true");
    const suspended = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) =>
      tx.query<{ number: string; block: string | null }>("select number, block from public.my_payable_invoices() where status = 'unpaid'"),
    );
    expect(suspended.rows.map((r) => r.block)).toEqual(["suspended", "suspended"]);
  });
});

describe("apply_payment_result()", () => {
  test("a matching paid result marks the attempt and all its invoices paid, with numauto and time", async () => {
    const s = await startedWithIdop([INVOICE_2059, INVOICE_2410]);
    const r = await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "P", numauto: "112233445566-tip", at: "2026-11-28T10:11:00Z" });
    expect(r).toMatchObject({ outcome: "applied", status: "paid", attempt_id: s.attempt_id });
    expect(await attemptStatus(s.attempt_id)).toEqual({ status: "paid", numauto: "112233445566-tip" });
    for (const id of [INVOICE_2059, INVOICE_2410]) {
      expect(await invoiceStatus(id)).toEqual({ status: "paid", paid_at: new Date("2026-11-28T10:11:00Z") });
    }
  });

  test("the notification twice, and the browser return after it: one effect", async () => {
    const s = await startedWithIdop();
    const result = { idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "V", numauto: "A1" };
    expect((await apply({ ...result, source: "payfip_notification" })).outcome).toBe("applied");
    expect((await apply({ ...result, source: "payfip_notification" })).outcome).toBe("duplicate");
    expect((await apply({ ...result, source: "payfip_return" })).outcome).toBe("duplicate");
    expect(await events(s.attempt_id)).toEqual(["attempt_created", "idop_recorded", "result_paid", "result_duplicate", "result_duplicate"]);
  });

  test("a late refusal or abandon never overwrites paid (out of order)", async () => {
    const s = await startedWithIdop();
    await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "P", numauto: "A1" });
    for (const code of ["A", "R", "Z"]) {
      expect(await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: code })).toMatchObject({ outcome: "ignored", status: "paid" });
    }
    expect(await attemptStatus(s.attempt_id)).toMatchObject({ status: "paid" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("paid");
  });

  test("refused (R, Z) and abandoned (A, after its window) release the invoices for a new attempt; never paid twice", async () => {
    for (const [code, status] of [["R", "refused"], ["Z", "refused"], ["A", "abandoned"]] as const) {
      const s = await startedWithIdop([INVOICE_2059], `idop-${code}`);
      if (code === "A") await ageAttempt(s.attempt_id, 21);
      expect(await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: code })).toMatchObject({ outcome: "applied", status });
      expect((await invoiceStatus(INVOICE_2059)).status).toBe("unpaid");
    }
    const last = await startedWithIdop([INVOICE_2059], "idop-last");
    await apply({ idop: last.idop, refdet: last.refdet, amount: last.amount_cents, resultrans: "P" });
    expect(await start([INVOICE_2059])).toEqual({ status: "refused", reason: "not_unpaid" });
  });

  test("a result whose amount, numcli or refdet differs from the attempt is rejected and logged", async () => {
    const s = await startedWithIdop();
    for (const wrong of [{ amount: s.amount_cents - 1 }, { numcli: "004201" }, { refdet: "AUTRE000001" }]) {
      const r = await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "P", ...wrong });
      expect(r).toMatchObject({ outcome: "rejected", reason: "mismatch", status: "pending" });
    }
    expect(await attemptStatus(s.attempt_id)).toMatchObject({ status: "pending" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("unpaid");
    expect((await events(s.attempt_id)).filter((k) => k === "result_rejected_mismatch")).toHaveLength(3);
  });

  test("an unknown idop, an invalid result code: nothing changes, logged", async () => {
    const s = await startedWithIdop();
    expect(await apply({ idop: "inconnu", refdet: s.refdet, amount: s.amount_cents, resultrans: "P" })).toEqual({ outcome: "unknown" });
    expect(await events(null)).toEqual(["result_unknown_attempt"]);
    expect(await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "X" })).toMatchObject({ outcome: "rejected", reason: "invalid_result" });
    expect(await attemptStatus(s.attempt_id)).toMatchObject({ status: "pending" });
  });

  test("classic TIPI: accepted only with the attempt's token (from a verified source); a forged result without it changes nothing", async () => {
    await db.pg.query("update portal.services set payment_provider = 'tipi' where id = $1", [SEED.serviceId]);
    const s = await start([INVOICE_2059]);
    const forged = { refdet: s.refdet, amount: s.amount_cents, resultrans: "P", numauto: "FAUX" };
    expect(await apply({ ...forged, token: null })).toEqual({ outcome: "unknown" });
    expect(await apply({ ...forged, token: "0".repeat(64) })).toEqual({ outcome: "unknown" });
    // A PayFiP-style lookup by refdet does not exist: an idop never finds a TIPI attempt.
    expect(await apply({ ...forged, idop: s.refdet })).toEqual({ outcome: "unknown" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("unpaid");
    expect(await apply({ ...forged, token: s.tipi_token, amount: 1 })).toMatchObject({ outcome: "rejected" });
    expect(await apply({ ...forged, token: s.tipi_token, numauto: "OK1" })).toMatchObject({ outcome: "applied", status: "paid" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("paid");
  });

  test("an invoice moved to treasury (or paid elsewhere) while pending: the payment is recorded and logged for staff", async () => {
    const s = await startedWithIdop([INVOICE_2059, INVOICE_2410]);
    await db.pg.query("update portal.invoices set status = 'treasury' where id = $1", [INVOICE_2059]);
    await db.pg.query("update portal.invoices set status = 'paid', paid_at = '2026-01-01' where id = $1", [INVOICE_2410]);
    expect(await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "P" })).toMatchObject({ outcome: "applied", status: "paid" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("treasury");
    expect(await invoiceStatus(INVOICE_2410)).toEqual({ status: "paid", paid_at: new Date("2026-01-01T00:00:00Z") });
    const { rows } = await db.pg.query<{ payload: { invoices: { number: string; status: string }[] } }>(
      "select payload from portal.payment_events where attempt_id = $1 and kind = 'paid_invoice_not_unpaid'",
      [s.attempt_id],
    );
    expect(rows[0]!.payload.invoices.map((i) => `${i.number}:${i.status}`).sort()).toEqual(["2017-020-002059:treasury", "2017-020-002410:paid"]);
  });

  test("a paid result after the attempt expired is still recorded: a payment is never dropped", async () => {
    const s = await startedWithIdop();
    await db.pg.query("update portal.payment_attempts set expires_at = now() - interval '1 minute' where id = $1", [s.attempt_id]);
    const expired = await db.asService((tx) => tx.query<{ ok: boolean }>("select public.expire_payment_attempt($1, 'P1') as ok", [s.attempt_id]));
    expect(expired.rows[0]!.ok).toBe(true);
    expect(await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "P" })).toMatchObject({ outcome: "applied", status: "paid" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("paid");
    expect(await events(s.attempt_id)).toContain("result_paid_late_after_expired");
  });

  test("residents and anon cannot apply a result", async () => {
    const call = "select public.apply_payment_result('x', 'i', null, 'ABCDEF', '004200', 100, 'P', null, null, '{}', true)";
    await expectPermissionDenied(asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query(call)));
    await expectPermissionDenied(db.asAnon((tx) => tx.query(call)));
  });
});

describe("set_payment_idop(), fail_payment_start(), my_payment_attempt()", () => {
  test("only the attempt's owner can record its idOp, once", async () => {
    const s = await start([INVOICE_2059]);
    const other = await createAuthUser(db, "autre@exemple.fr");
    const { rows } = await asLiveUser(db, other, "autre@exemple.fr", (tx) => tx.query<{ ok: boolean }>("select public.set_payment_idop($1, 'X1') as ok", [s.attempt_id]));
    expect(rows[0]!.ok).toBe(false);
    expect(await setIdop(s.attempt_id, "X1")).toBe(true);
    expect(await setIdop(s.attempt_id, "X2")).toBe(false);
  });

  test("a failed start releases the invoices at once", async () => {
    const s = await start([INVOICE_2059]);
    const { rows } = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) =>
      tx.query<{ ok: boolean }>("select public.fail_payment_start($1, 'HTTP 500') as ok", [s.attempt_id]),
    );
    expect(rows[0]!.ok).toBe(true);
    expect(await attemptStatus(s.attempt_id)).toMatchObject({ status: "error" });
    expect((await start([INVOICE_2059])).status).toBe("created");
  });

  test("my_payment_attempt() shows the caller's attempt only", async () => {
    const s = await startedWithIdop();
    const mine = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) =>
      tx.query<{ status: string; invoice_numbers: string[] }>("select status::text as status, invoice_numbers from public.my_payment_attempt(null, $1)", [s.idop]),
    );
    expect(mine.rows).toEqual([{ status: "pending", invoice_numbers: ["2017-020-002059"] }]);
    const other = await createAuthUser(db, "autre@exemple.fr");
    const theirs = await asLiveUser(db, other, "autre@exemple.fr", (tx) => tx.query("select * from public.my_payment_attempt($1)", [s.attempt_id]));
    expect(theirs.rows).toEqual([]);
  });
});

describe("reconciliation: payments_to_reconcile() and expire_payment_attempt()", () => {
  test("a pending attempt expires only after its window, and only once", async () => {
    const s = await startedWithIdop();
    const list = await db.asService((tx) => tx.query<{ id: string; past_window: boolean }>("select id, past_window from public.payments_to_reconcile(10)"));
    expect(list.rows).toEqual([{ id: s.attempt_id, past_window: false }]);
    const early = await db.asService((tx) => tx.query<{ ok: boolean }>("select public.expire_payment_attempt($1, 'P5') as ok", [s.attempt_id]));
    expect(early.rows[0]!.ok).toBe(false);
    await db.pg.query("update portal.payment_attempts set expires_at = now() - interval '1 second' where id = $1", [s.attempt_id]);
    const late = await db.asService((tx) => tx.query<{ ok: boolean }>("select public.expire_payment_attempt($1, 'P5') as ok", [s.attempt_id]));
    expect(late.rows[0]!.ok).toBe(true);
    const again = await db.asService((tx) => tx.query<{ ok: boolean }>("select public.expire_payment_attempt($1, 'P5') as ok", [s.attempt_id]));
    expect(again.rows[0]!.ok).toBe(false);
    expect((await start([INVOICE_2059])).status).toBe("created");
  });

  test("residents cannot list or expire attempts", async () => {
    await expectPermissionDenied(asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select * from public.payments_to_reconcile(10)")));
    await expectPermissionDenied(
      asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select public.expire_payment_attempt(gen_random_uuid(), 'x')")),
    );
  });
});


describe("abandon within the window (eopayment: A within 20 minutes is still waiting)", () => {
  test("an A within 20 minutes keeps the invoices: abandoned for the resident, not payable again until the window ends", async () => {
    const s = await startedWithIdop();
    expect(await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "A" })).toMatchObject({ outcome: "applied", status: "abandoned" });
    expect(await attemptStatus(s.attempt_id)).toMatchObject({ status: "abandoned" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("unpaid");
    expect(await blockOf("2017-020-002059")).toBe("pending");
    expect(await start([INVOICE_2059])).toEqual({ status: "refused", reason: "pending" });
    expect(await events(s.attempt_id)).toContain("result_abandoned_within_window");
    // The window ends 20 minutes after the attempt started.
    await ageAttempt(s.attempt_id, 21);
    expect(await blockOf("2017-020-002059")).toBeNull();
    expect((await start([INVOICE_2059])).status).toBe("created");
  });

  test("a P after the A on the same idOp is recorded: paid", async () => {
    const s = await startedWithIdop();
    await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "A" });
    expect(await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "P", numauto: "LATE1" })).toMatchObject({ outcome: "applied", status: "paid" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("paid");
    expect(await events(s.attempt_id)).toContain("result_paid_late_after_abandoned");
  });

  test("an A after the window is final at once", async () => {
    const s = await startedWithIdop();
    await ageAttempt(s.attempt_id, 20);
    await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "A" });
    expect(await blockOf("2017-020-002059")).toBeNull();
    expect(await events(s.attempt_id)).toContain("result_abandoned");
  });

  test("classic TIPI: the same 20 minutes (not its 30-minute expiry window)", async () => {
    await db.pg.query("update portal.services set payment_provider = 'tipi' where id = $1", [SEED.serviceId]);
    const s = await start([INVOICE_2059]);
    await apply({ token: s.tipi_token, refdet: s.refdet, amount: s.amount_cents, resultrans: "A", verified: false });
    expect(await blockOf("2017-020-002059")).toBe("pending");
    await ageAttempt(s.attempt_id, 21);
    expect(await blockOf("2017-020-002059")).toBeNull();
  });

  test("the reconciliation job keeps asking PayFiP about an idOp abandoned within its window", async () => {
    const s = await startedWithIdop();
    await apply({ idop: s.idop, refdet: s.refdet, amount: s.amount_cents, resultrans: "A" });
    const list = async () =>
      (await db.asService((tx) => tx.query<{ id: string; status: string; past_window: boolean }>("select id, status::text as status, past_window from public.payments_to_reconcile(10)"))).rows;
    expect(await list()).toEqual([{ id: s.attempt_id, status: "abandoned", past_window: false }]);
    await ageAttempt(s.attempt_id, 21);
    expect(await list()).toEqual([]);
  });
});

describe("unverified paid results: reported, to be confirmed", () => {
  async function tipiAttempt() {
    await db.pg.query("update portal.services set payment_provider = 'tipi' where id = $1", [SEED.serviceId]);
    const s = await start([INVOICE_2059]);
    expect(s.status).toBe("created");
    return s;
  }

  test("a paid result the caller cannot vouch for never makes an invoice paid; the invoice is held meanwhile", async () => {
    const s = await tipiAttempt();
    const forged = { token: s.tipi_token, refdet: s.refdet, amount: s.amount_cents, resultrans: "P", numauto: "FAUX", verified: false };
    expect(await apply(forged)).toMatchObject({ outcome: "applied", status: "reported" });
    expect(await attemptStatus(s.attempt_id)).toEqual({ status: "reported", numauto: "FAUX" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("unpaid");
    expect(await blockOf("2017-020-002059")).toBe("reported");
    expect(await start([INVOICE_2059])).toEqual({ status: "refused", reason: "pending" });
    // Again, or a refusal / abandon from the same unverified source: nothing more.
    expect(await apply(forged)).toMatchObject({ outcome: "duplicate", status: "reported" });
    expect(await apply({ ...forged, resultrans: "R" })).toMatchObject({ outcome: "ignored", status: "reported" });
    expect(await apply({ ...forged, resultrans: "A" })).toMatchObject({ outcome: "ignored", status: "reported" });
    expect(await events(s.attempt_id)).toEqual(["attempt_created", "result_reported", "result_duplicate", "result_ignored_after_report", "result_ignored_after_report"]);
  });

  test("the parameter defaults to unverified", async () => {
    const s = await tipiAttempt();
    const { rows } = await db.asService((tx) =>
      tx.query<{ r: { status: string } }>("select public.apply_payment_result('t', null, $1, $2, '004200', $3, 'P', null, null, '{}') as r", [s.tipi_token, s.refdet, s.amount_cents]),
    );
    expect(rows[0]!.r.status).toBe("reported");
  });

  test("DGFiP's own result after a report decides: paid, or refused", async () => {
    const s = await tipiAttempt();
    const base = { token: s.tipi_token, refdet: s.refdet, amount: s.amount_cents };
    await apply({ ...base, resultrans: "P", verified: false });
    expect(await apply({ ...base, resultrans: "P", numauto: "OK1" })).toMatchObject({ outcome: "applied", status: "paid" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("paid");
    expect(await events(s.attempt_id)).toContain("result_paid_confirms_report");

    await db.pg.query("update portal.services set payment_provider = 'payfip_ws' where id = $1", [SEED.serviceId]);
    const t = await startedWithIdop([INVOICE_2410], "idop-contredit");
    await db.pg.query("update portal.payment_attempts set status = 'reported' where id = $1", [t.attempt_id]);
    expect(await apply({ idop: t.idop, refdet: t.refdet, amount: t.amount_cents, resultrans: "R" })).toMatchObject({ outcome: "applied", status: "refused" });
    expect(await blockOf("2017-020-002410")).toBeNull();
  });

  test("an unverified paid after the attempt expired is reported, not paid; after staff rejected it, ignored", async () => {
    const s = await tipiAttempt();
    await ageAttempt(s.attempt_id, 31);
    await db.asService((tx) => tx.query("select public.expire_payment_attempt($1, 'TIPI')", [s.attempt_id]));
    const forged = { token: s.tipi_token, refdet: s.refdet, amount: s.amount_cents, resultrans: "P", verified: false };
    expect(await apply(forged)).toMatchObject({ outcome: "applied", status: "reported" });
    expect(await events(s.attempt_id)).toContain("result_reported_late_after_expired");
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("unpaid");
    await db.asService((tx) => tx.query("select public.reject_reported_payment($1, 'Agent', 'Absent du relevé')", [s.attempt_id]));
    expect(await apply(forged)).toMatchObject({ outcome: "ignored", status: "rejected" });
    expect(await blockOf("2017-020-002059")).toBeNull();
  });
});

describe("staff: portal.staff_payments_to_confirm, confirm_reported_payment(), reject_reported_payment()", () => {
  async function reported(ids = [INVOICE_2059]) {
    await db.pg.query("update portal.services set payment_provider = 'tipi' where id = $1", [SEED.serviceId]);
    const s = await start(ids);
    await apply({ token: s.tipi_token, refdet: s.refdet, amount: s.amount_cents, resultrans: "P", numauto: "N1", at: "2026-11-28T10:11:00Z", verified: false });
    return s;
  }
  const review = (fn: "confirm" | "reject", id: string, by: string, reason: string) =>
    db.asService((tx) => tx.query<{ r: { outcome: string; status?: string } }>(`select public.${fn}_reported_payment($1, $2, $3) as r`, [id, by, reason]));

  test("the view lists reported attempts with what staff need to check them on DGFiP's statement", async () => {
    await db.pg.query("update portal.services set allow_multiple_invoices = true where id = $1", [SEED.serviceId]);
    const s = await reported([INVOICE_2059, INVOICE_2410]);
    const { rows } = await db.asService((tx) => tx.query("select * from portal.staff_payments_to_confirm"));
    expect(rows).toMatchObject([
      { attempt_id: s.attempt_id, numcli: "004200", refdet: s.refdet, amount_cents: 24311 + 8750, numauto: "N1", invoice_numbers: ["2017-020-002059", "2017-020-002410"], customer_numbers: ["SISTEC560"] },
    ]);
    await expectPermissionDenied(asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query("select * from portal.staff_payments_to_confirm")));
  });

  test("confirm: paid with its invoices, who/when/why recorded and logged; only a reported attempt", async () => {
    const s = await reported();
    const { rows } = await review("confirm", s.attempt_id, "Mme Comptable", "Relevé DGFiP du 28/11");
    expect(rows[0]!.r).toMatchObject({ outcome: "confirmed", status: "paid" });
    expect(await invoiceStatus(INVOICE_2059)).toEqual({ status: "paid", paid_at: new Date("2026-11-28T10:11:00Z") });
    const a = await db.pg.query("select status::text as status, reviewed_by, review_reason, reviewed_at is not null as dated from portal.payment_attempts where id = $1", [s.attempt_id]);
    expect(a.rows[0]).toEqual({ status: "paid", reviewed_by: "Mme Comptable", review_reason: "Relevé DGFiP du 28/11", dated: true });
    expect(await events(s.attempt_id)).toContain("report_confirmed");
    expect((await review("confirm", s.attempt_id, "Mme Comptable", "encore")).rows[0]!.r).toMatchObject({ outcome: "not_reported", status: "paid" });
    expect((await review("reject", "00000000-0000-4000-8000-000000000000", "x", "y")).rows[0]!.r).toEqual({ outcome: "unknown" });
  });

  test("reject: the invoices are free again; a name and a reason are required", async () => {
    const s = await reported();
    await expect(review("reject", s.attempt_id, " ", "raison")).rejects.toThrow(/who|qui/i);
    await expect(review("reject", s.attempt_id, "Agent", "")).rejects.toThrow(/reason|raison/i);
    expect((await review("reject", s.attempt_id, "Agent", "Absent du relevé")).rows[0]!.r).toMatchObject({ outcome: "rejected", status: "rejected" });
    expect((await invoiceStatus(INVOICE_2059)).status).toBe("unpaid");
    expect((await start([INVOICE_2059])).status).toBe("created");
  });

  test("residents and anon cannot confirm or reject", async () => {
    const s = await reported();
    for (const fn of ["confirm", "reject"]) {
      const call = `select public.${fn}_reported_payment('${s.attempt_id}', 'moi', 'payé')`;
      await expectPermissionDenied(asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) => tx.query(call)));
      await expectPermissionDenied(db.asAnon((tx) => tx.query(call)));
    }
  });

  test("the billing import marking the invoices paid settles the report (once all of its invoices are paid)", async () => {
    await db.pg.query("update portal.services set allow_multiple_invoices = true where id = $1", [SEED.serviceId]);
    const s = await reported([INVOICE_2059, INVOICE_2410]);
    const markPaid = (id: string) => db.asService((tx) => tx.query("update portal.invoices set status = 'paid' where id = $1", [id]));
    await markPaid(INVOICE_2059);
    expect(await attemptStatus(s.attempt_id)).toMatchObject({ status: "reported" });
    await markPaid(INVOICE_2410);
    const a = await db.pg.query("select status::text as status, reviewed_by from portal.payment_attempts where id = $1", [s.attempt_id]);
    expect(a.rows[0]).toEqual({ status: "paid", reviewed_by: "import de la facturation" });
    expect(await events(s.attempt_id)).toContain("report_settled_by_billing");
  });

  test("an invoice a portal payment paid does not settle another report on it (a second payment is for staff)", async () => {
    const s = await reported();
    // An earlier attempt on the same invoice, paid through the portal (recorded late, say).
    await db.pg.query(
      `with a as (insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status)
                  values ($1, $2, 'AUTRE2017020002059', 24311, 'tipi', '004200', 'T', 'paid') returning id)
       insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) select id, $3, 24311 from a`,
      [SEED.serviceId, SEED.demoUserId, INVOICE_2059],
    );
    await db.asService((tx) => tx.query("update portal.invoices set status = 'paid' where id = $1", [INVOICE_2059]));
    expect(await attemptStatus(s.attempt_id)).toMatchObject({ status: "reported" });
  });
});

describe("saisie per provider (eopayment: PayFiP T/X/W, classic TIPI T/X/A and M)", () => {
  const set = (provider: string, saisie: string) =>
    db.asService((tx) => tx.query("update portal.services set payment_provider = $2, saisie = $3 where id = $1", [SEED.serviceId, provider, saisie]));

  test("PayFiP accepts T, X, W; classic TIPI T, X, A, M; nothing else", async () => {
    for (const saisie of ["T", "X", "W"]) await expect(set("payfip_ws", saisie)).resolves.toBeDefined();
    for (const saisie of ["T", "X", "A", "M"]) await expect(set("tipi", saisie)).resolves.toBeDefined();
    for (const [provider, saisie] of [["payfip_ws", "A"], ["payfip_ws", "M"], ["tipi", "W"], ["tipi", "Z"], ["payfip_ws", "t"]]) {
      await expect(set(provider!, saisie!)).rejects.toThrow(/saisie/);
    }
  });
});

describe("my_invoice_payment(): the invoice page's payment state", () => {
  const state = async (id: string, user: string = SEED.demoUserId, email: string = SEED.demoEmail) =>
    (await asLiveUser(db, user, email, (tx) => tx.query<{ block: string | null; retry_after: Date | null; attempt_id: string | null }>("select * from public.my_invoice_payment($1)", [id]))).rows;

  test("pending: when it can be retried; reported: no time; another resident's invoice: no row", async () => {
    expect(await state(INVOICE_2059)).toEqual([{ block: null, retry_after: null, attempt_id: null }]);
    const s = await startedWithIdop();
    const [pending] = await state(INVOICE_2059);
    expect(pending).toMatchObject({ block: "pending", attempt_id: s.attempt_id });
    const { rows } = await db.pg.query<{ expires_at: Date }>("select expires_at from portal.payment_attempts where id = $1", [s.attempt_id]);
    expect(pending!.retry_after).toEqual(rows[0]!.expires_at);
    await db.pg.query("update portal.payment_attempts set status = 'reported' where id = $1", [s.attempt_id]);
    expect(await state(INVOICE_2059)).toEqual([{ block: "reported", retry_after: null, attempt_id: s.attempt_id }]);
    const other = await createAuthUser(db, "autre@exemple.fr");
    expect(await state(INVOICE_2059, other, "autre@exemple.fr")).toEqual([]);
  });
});
