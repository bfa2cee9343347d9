import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "~/.server/backend";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import * as history from "~/routes/_espace.paiements/route";
import * as receipt from "~/routes/paiements.$id.justificatif[.]pdf/route";
import { AUTH_COOKIE, cookieValueFor, fakeSession, fakeUser, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";

/**
 * « Mes paiements » and the receipt with the Supabase backend, against MSW playing Supabase's HTTP
 * API (tests/supabase/msw-supabase.ts): one PostgREST request each, with the keyset as arguments,
 * and a session ended in SQL (401 PT401) sends the resident to the login page.
 */
const server = setupServer();
const rest: { path: string; body: unknown }[] = [];
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  server.events.on("request:start", async ({ request }) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/rest/v1/")) rest.push({ path: url.pathname, body: await request.clone().json().catch(() => null) });
  });
  useBackend(await createSupabaseBackend(testEnv()));
});
afterEach(() => {
  server.resetHandlers();
  rest.length = 0;
});
afterAll(() => server.close());

const USER_ID = "d0000000-0000-4000-8000-000000000001";
const EMAIL = "demo@demo.fr";
const ATTEMPT_ID = "a7000000-0000-4000-8000-000000000001";
const frame = { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" };
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

type Loader = (args: LoaderFunctionArgs) => unknown;
const signedInCookie = `${AUTH_COOKIE}=${cookieValueFor(fakeSession(USER_ID, EMAIL))}`;
async function run(loader: Loader, path: string, params: Record<string, string> = {}) {
  let result: unknown;
  try {
    result = await loader({ request: new Request(`https://factures.example.fr${path}`, { headers: { Cookie: signedInCookie } }), params, context: {} });
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, location: result.headers.get("location"), headers: result.headers, data: null as unknown };
  return { status: 200, location: null, headers: new Headers(), data: (result as { data: unknown }).data };
}
const user = () => http.get(`${SUPABASE_URL}/auth/v1/user`, () => HttpResponse.json(fakeUser(USER_ID, EMAIL)));
const answer = (fn: string, body: Record<string, unknown>, status = 200) => http.post(`${SUPABASE_URL}/rest/v1/rpc/${fn}`, () => HttpResponse.json(body, { status }));

describe("with the Supabase backend", () => {
  it("/paiements: one request to payments_page, the keyset of the next page in its link", async () => {
    server.use(user(), answer("payments_page", { frame, per_page: 20, payments: [row], next: { at: row.created_at, id: ATTEMPT_ID } }));
    const result = await run(history.loader as Loader, "/paiements");
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/payments_page"]);
    expect(result.data).toMatchObject({ payments: [{ id: ATTEMPT_ID, status: "réglé" }] });
    const next = (result.data as { nextPage: string }).nextPage;
    rest.length = 0;
    await run(history.loader as Loader, next);
    expect(rest).toEqual([{ path: "/rest/v1/rpc/payments_page", body: { p_before_at: row.created_at, p_before_id: ATTEMPT_ID } }]);
  });

  it("the receipt: one request to payment_receipt, a PDF; null is a 404", async () => {
    server.use(user(), answer("payment_receipt", { receipt: facts }));
    const ok = await run(receipt.loader as Loader, `/paiements/${ATTEMPT_ID}/justificatif.pdf`, { id: ATTEMPT_ID });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/pdf");
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/payment_receipt"]);
    server.use(answer("payment_receipt", { receipt: null }));
    expect((await run(receipt.loader as Loader, `/paiements/${ATTEMPT_ID}/justificatif.pdf`, { id: ATTEMPT_ID })).status).toBe(404);
  });

  it("a session ended in SQL (401 PT401): to the login page, which comes back", async () => {
    const ended = { code: "PT401", details: null, hint: null, message: "session_ended" };
    server.use(user(), http.post(`${SUPABASE_URL}/auth/v1/logout`, () => new HttpResponse(null, { status: 204 })), answer("payments_page", ended, 401));
    const result = await run(history.loader as Loader, "/paiements");
    expect(result).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/paiements")}`, { status: 302 });
  });
});
