import { describe, expect, it } from "vitest";
import * as history from "~/routes/_espace.paiements/route";
import * as receipt from "~/routes/paiements.$id.justificatif[.]pdf/route";
import { DEMO_USER, FRAME, type Loader, loggedOut, rpcAnswer, runLoader, sessionEnded, signedInUser, useSupabasePages } from "../support/supabase-pages";

/**
 * « Mes paiements » and the receipt with the Supabase backend, against MSW playing Supabase's HTTP
 * API (tests/supabase/msw-supabase.ts): one PostgREST request each, with the keyset as arguments,
 * and a session ended in SQL (401 PT401) sends the resident to the login page.
 */
const { server, rest } = useSupabasePages();

const EMAIL = DEMO_USER.email;
const frame = FRAME;
const ATTEMPT_ID = "a7000000-0000-4000-8000-000000000001";
const row = {
  id: ATTEMPT_ID,
  created_at: "2026-11-30T10:00:00.123456+00:00",
  status: "paid",
  provider: "payfip_ws",
  amount_cents: 24311,
  service_name: "Service Multi Services de démonstration",
  invoice_numbers: ["2017-020-002059"],
  refdet: "2017020002059P000001",
  idop: "I1",
  numauto: "N1",
  transaction_at: "2026-11-30T10:11:00+00:00",
};
const facts = {
  attempt_id: ATTEMPT_ID,
  service_name: row.service_name,
  payers: ["Test SISTEC560"],
  email: EMAIL,
  provider: "payfip_ws",
  refdet: row.refdet,
  idop: "I1",
  numauto: "N1",
  amount_cents: 24311,
  paid_at: row.transaction_at,
  invoices: [{ number: "2017-020-002059", issued_on: "2017-07-10", amount_cents: 24311 }],
};

describe("with the Supabase backend", () => {
  it("/paiements: one request to payments_page, the keyset of the next page in its link", async () => {
    server.use(signedInUser(), rpcAnswer("payments_page", { frame, per_page: 20, payments: [row], next: { at: row.created_at, id: ATTEMPT_ID } }));
    const result = await runLoader(history.loader as Loader, "/paiements");
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/payments_page"]);
    expect(result.data).toMatchObject({ payments: [{ id: ATTEMPT_ID, status: "réglé" }] });
    const next = (result.data as { nextPage: string }).nextPage;
    rest.length = 0;
    await runLoader(history.loader as Loader, next);
    expect(rest).toEqual([{ path: "/rest/v1/rpc/payments_page", body: { p_before_at: row.created_at, p_before_id: ATTEMPT_ID } }]);
  });

  it("the receipt: one request to payment_receipt, a PDF; null is a 404", async () => {
    server.use(signedInUser(), rpcAnswer("payment_receipt", { receipt: facts }));
    const ok = await runLoader(receipt.loader as Loader, `/paiements/${ATTEMPT_ID}/justificatif.pdf`, { id: ATTEMPT_ID });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/pdf");
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/payment_receipt"]);
    server.use(rpcAnswer("payment_receipt", { receipt: null }));
    expect((await runLoader(receipt.loader as Loader, `/paiements/${ATTEMPT_ID}/justificatif.pdf`, { id: ATTEMPT_ID })).status).toBe(404);
  });

  it("a session ended in SQL (401 PT401): to the login page, which comes back", async () => {
    server.use(signedInUser(), loggedOut(), sessionEnded("payments_page"));
    const result = await runLoader(history.loader as Loader, "/paiements");
    expect(result).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/paiements")}`, { status: 302 });
  });
});
