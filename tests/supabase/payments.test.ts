import { HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import type { Backend } from "~/.server/ports/backend";
import { ANON_KEY, AUTH_COOKIE, fakeSession, SERVICE_ROLE_KEY, testEnv, requestRecorder } from "./msw-supabase";

/**
 * The Supabase adapter's payment calls against MSW handlers shaped like PostgREST
 * (`/rest/v1/rpc/<fn>`): the resident's calls carry the resident's token; the results and the
 * reconciliation job use the service role (no resident session on those paths).
 */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const USER_ID = "d0000000-0000-4000-8000-000000000001";
const EMAIL = "demo@demo.fr";
const INVOICE_ID = "1a000000-0000-4000-8000-000000000001";
const session = fakeSession(USER_ID, EMAIL);

const { seen, userHandler, rpc, clear } = requestRecorder(USER_ID, EMAIL);
afterEach(clear);

let backend: Backend;
beforeAll(async () => {
  backend = await createSupabaseBackend(testEnv());
});

async function resident() {
  const cookie = `${AUTH_COOKIE}=base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
  const accounts = backend.accounts.forRequest(new Request("https://factures.example.fr/paiement", { headers: { Cookie: cookie } }));
  const user = (await accounts.getUser())!;
  return backend.residentData(accounts, user);
}

const asResident = { apikey: ANON_KEY, authorization: `Bearer ${session.access_token}` };
const asServiceRole = { apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}` };

describe("Supabase ResidentDataPort: payments", () => {
  it("paymentPage maps payment_page's payable invoices, as the resident", async () => {
    server.use(
      userHandler(),
      rpc("payment_page", () =>
        HttpResponse.json({ frame: { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" }, invoices: [
          {
            id: INVOICE_ID, number: "2017-020-002059", issued_on: "2017-07-10", due_on: "2017-07-21", amount_cents: 24311,
            object: "Multi Services", status: "unpaid", service_id: "5e000000-0000-4000-8000-000000004200",
            service_name: "Service Multi Services de démonstration", numcli: "004200", payment_provider: "payfip_ws",
            allow_multiple_invoices: true, block: null,
          },
        ] }),
      ),
    );
    const data = await resident();
    await expect(data.paymentPage().then((p) => p.invoices)).resolves.toEqual([
      {
        id: INVOICE_ID, number: "2017-020-002059", issuedOn: "2017-07-10", dueOn: "2017-07-21", amountCents: 24311, object: "Multi Services",
        status: "unpaid", serviceId: "5e000000-0000-4000-8000-000000004200", serviceName: "Service Multi Services de démonstration",
        numcli: "004200", provider: "payfip_ws", allowMultiple: true, block: null,
      },
    ]);
    expect(seen).toMatchObject([{ path: "/rest/v1/rpc/payment_page", ...asResident }]);
  });

  it("startPayment sends the ids and maps a created attempt and a refusal", async () => {
    server.use(
      userHandler(),
      rpc("start_payment", () =>
        HttpResponse.json({
          status: "created", attempt_id: "a1", refdet: "2017020002059P000001", amount_cents: 24311, provider: "tipi", numcli: "004200",
          saisie: "T", exer: "2026", mel: "demo@demo.fr", objet: "Facture 2017 020 002059", tipi_token: "f".repeat(64),
          invoice_numbers: ["2017-020-002059"], expires_at: "2026-11-28T10:20:00+00:00",
        }),
      ),
    );
    const data = await resident();
    await expect(data.startPayment([INVOICE_ID])).resolves.toEqual({
      status: "created",
      payment: {
        attemptId: "a1", refdet: "2017020002059P000001", amountCents: 24311, provider: "tipi", numcli: "004200", saisie: "T", exer: "2026",
        mel: "demo@demo.fr", objet: "Facture 2017 020 002059", tipiToken: "f".repeat(64), invoiceNumbers: ["2017-020-002059"],
      },
    });
    expect(seen[0]).toMatchObject({ path: "/rest/v1/rpc/start_payment", ...asResident, body: { p_invoice_ids: [INVOICE_ID] } });

    server.use(rpc("start_payment", () => HttpResponse.json({ status: "refused", reason: "pending" })));
    await expect(data.startPayment([INVOICE_ID])).resolves.toEqual({ status: "refused", reason: "pending" });
  });

  it("setPaymentIdop, failPaymentStart and paymentReturnPage call their functions as the resident", async () => {
    server.use(
      userHandler(),
      rpc("set_payment_idop", () => HttpResponse.json(true)),
      rpc("fail_payment_start", () => HttpResponse.json(false)),
      rpc("payment_return_page", () =>
        HttpResponse.json({ frame: { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" }, attempt:
          {
            id: "a1", status: "paid", provider: "payfip_ws", numcli: "004200", refdet: "R", idop: "I", amount_cents: 24311,
            invoice_ids: [INVOICE_ID], invoice_numbers: ["2017-020-002059"], numauto: "N", transaction_at: "2026-11-28T10:11:00+00:00",
            created_at: "2026-11-28T10:00:00+00:00", expires_at: "2026-11-28T10:20:00+00:00",
          },
        }),
      ),
    );
    const data = await resident();
    await expect(data.setPaymentIdop("a1", "I")).resolves.toBe(true);
    await expect(data.failPaymentStart("a1", "HTTP 500")).resolves.toBe(false);
    await expect(data.paymentReturnPage({ idop: "I" }).then((p) => p.attempt)).resolves.toMatchObject({ id: "a1", status: "paid", amountCents: 24311, transactionAt: "2026-11-28T10:11:00.000Z" });
    expect(seen.map((s) => [s.path, s.body])).toEqual([
      ["/rest/v1/rpc/set_payment_idop", { p_attempt_id: "a1", p_idop: "I" }],
      ["/rest/v1/rpc/fail_payment_start", { p_attempt_id: "a1", p_reason: "HTTP 500" }],
      ["/rest/v1/rpc/payment_return_page", { p_attempt_id: null, p_idop: "I" }],
    ]);
    expect(seen.every((s) => s.authorization === asResident.authorization)).toBe(true);
  });
});

describe("Supabase ResidentDataPort: the invoice page's payment state", () => {
  it("invoicePage maps invoice_page's payment state, as the resident; none is null", async () => {
    const frame = { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" };
    const invoice = {
      id: INVOICE_ID, number: "2017-020-002059", issued_on: "2017-07-10", due_on: "2017-07-21", amount_cents: 24311, object: "Multi Services",
      status: "unpaid", customer_id: "c1", customer_number: "SISTEC560", customer_name: "Test SISTEC560", service_name: "Eau", paid_at: null,
      service_id: "s1", payment_suspended: false, has_pdf: true,
    };
    server.use(
      userHandler(),
      rpc("invoice_page", () => HttpResponse.json({ frame, invoice, payment: { block: "pending", retry_after: "2026-11-28T10:20:00+00:00", attempt_id: "a1" } })),
    );
    const data = await resident();
    await expect(data.invoicePage(INVOICE_ID).then((p) => p.payment)).resolves.toEqual({ block: "pending", retryAfter: "2026-11-28T10:20:00.000Z", attemptId: "a1" });
    expect(seen[0]).toMatchObject({ path: "/rest/v1/rpc/invoice_page", ...asResident, body: { p_id: INVOICE_ID } });
    server.use(rpc("invoice_page", () => HttpResponse.json({ frame, invoice, payment: null })));
    await expect(data.invoicePage(INVOICE_ID).then((p) => p.payment)).resolves.toBeNull();
  });
});

describe("Supabase PaymentResultsPort (service role)", () => {
  it("apply sends every field of the result with the service role and maps the outcome", async () => {
    server.use(rpc("apply_payment_result", () => HttpResponse.json({ outcome: "applied", status: "paid", attempt_id: "a1" })));
    const outcome = await backend.paymentResults.apply({
      source: "payfip_notification", idop: "I", tipiToken: null, refdet: "R", numcli: "004200", amountCents: 24311, resultrans: "P",
      numauto: "N", transactionAt: "2026-11-28T10:11:00.000Z", payload: { idOp: "I" }, sourceVerified: true,
    });
    expect(outcome).toEqual({ outcome: "applied", status: "paid", attemptId: "a1" });
    expect(seen[0]).toMatchObject({
      path: "/rest/v1/rpc/apply_payment_result",
      ...asServiceRole,
      body: {
        p_source: "payfip_notification", p_idop: "I", p_tipi_token: null, p_refdet: "R", p_numcli: "004200", p_amount_cents: 24311,
        p_resultrans: "P", p_numauto: "N", p_transaction_at: "2026-11-28T10:11:00.000Z", p_payload: { idOp: "I" }, p_source_verified: true,
      },
    });
  });

  it("toReconcile and expire use the service role; a refusal of PostgREST is an adapter error", async () => {
    server.use(
      rpc("payments_to_reconcile", () =>
        HttpResponse.json([{ id: "a1", provider: "payfip_ws", idop: "I", refdet: "R", status: "pending", created_at: "x", expires_at: "y", past_window: true }]),
      ),
      rpc("expire_payment_attempt", () => HttpResponse.json(true)),
    );
    await expect(backend.paymentResults.toReconcile(50)).resolves.toEqual([{ id: "a1", provider: "payfip_ws", idop: "I", refdet: "R", status: "pending", pastWindow: true }]);
    await expect(backend.paymentResults.expire("a1", "P1")).resolves.toBe(true);
    expect(seen.map((s) => [s.path, s.body, s.authorization])).toEqual([
      ["/rest/v1/rpc/payments_to_reconcile", { p_limit: 50 }, asServiceRole.authorization],
      ["/rest/v1/rpc/expire_payment_attempt", { p_attempt_id: "a1", p_reason: "P1" }, asServiceRole.authorization],
    ]);

    server.use(rpc("apply_payment_result", () => HttpResponse.json({ code: "42501", details: null, hint: null, message: "permission denied" }, { status: 403 })));
    const error = await backend.paymentResults
      .apply({ source: "x", idop: "I", tipiToken: null, refdet: null, numcli: null, amountCents: null, resultrans: null, numauto: null, transactionAt: null, payload: {}, sourceVerified: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupabaseAdapterError);
  });
});
