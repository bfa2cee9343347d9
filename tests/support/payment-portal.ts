/**
 * The payment tests' set-up (tests/payment/, tests/payments-history/): a fresh embedded portal per
 * test with the real DGFiP simulator, its SOAP endpoint answered through MSW by the route module
 * the server runs, the demo resident logged in; and the start of a payment as the browser makes
 * it (selection → confirmation → « Payer »).
 */
import { http, type RequestHandler } from "msw";
import { setupServer, type SetupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import type { EmbeddedBackend } from "~/.server/embedded/backend";
import type { Database } from "~/.server/embedded/database";
import type { DgfipSimulator } from "~/.server/payment/simulator";
import * as confirmation from "~/routes/_espace.paiement_.confirmation/route";
import * as demarrer from "~/routes/_espace.paiement_.demarrer/route";
import * as soapEndpoint from "~/routes/simulateur-dgfip.tpa.services.securite/route";
import { type Browser, ORIGIN, startPortal } from "./route-harness";
import { DEMO, loggedIn } from "./residents";

export interface PaymentPortal {
  /** MSW: `server.use(…)` overrides a handler for one test. */
  server: SetupServer;
  db: Database;
  backend: EmbeddedBackend;
  sim: DgfipSimulator;
  /** The demo resident (supabase/seed.sql), logged in. */
  demo: Browser;
}

/**
 * Registers the file's hooks: MSW listening with the simulator's SOAP endpoint and `handlers`
 * (reset after each test), a new portal before each test. Read the portal's parts through the
 * returned object in tests and in hooks registered after this call (they change before every test).
 */
export function usePaymentPortal(...handlers: RequestHandler[]): PaymentPortal {
  const server = setupServer(
    http.post(`${ORIGIN}/simulateur-dgfip/tpa/services/securite`, ({ request }) => soapEndpoint.action({ request, params: {}, context: {} }) as Promise<Response>),
    ...handlers,
  );
  const portal = { server } as PaymentPortal;
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(async () => {
    server.close();
    await portal.db?.close();
  });
  beforeEach(async () => {
    await portal.db?.close();
    const { db, backend } = await startPortal();
    Object.assign(portal, { db, backend, sim: backend.extras.paymentSimulator });
    portal.sim.now = () => Date.now();
    portal.demo = await loggedIn(DEMO.email, DEMO.password);
  });
  afterEach(() => server.resetHandlers());
  return portal;
}

/** What « Payer » answers: a redirect to the provider (PayFiP), or the form to post (classic TIPI). */
export type PaymentStart = Response | { data: { tipiForm: { action: string; fields: [string, string][] } } };

/** The confirmation page of `ids` (checked: 200), then « Payer » with them, as `browser`. */
export async function startPayment(browser: Browser, ids: string[]): Promise<PaymentStart> {
  const page = await browser.call(confirmation.loader, `/paiement/confirmation?${ids.map((id) => `facture=${id}`).join("&")}`);
  expect(page.status).toBe(200);
  // Several values of one name: the body is built by hand.
  const body = new URLSearchParams(ids.map((id) => ["facture", id])).toString();
  const request = browser.request("/paiement/demarrer", { form: {} });
  return (await demarrer.action({ request: new Request(request.url, { method: "POST", headers: request.headers, body }), params: {}, context: {} })) as PaymentStart;
}

/** The ids of the attempts that paid, or tried to pay, `invoiceId` (a test's own rows, whatever the seed holds). */
export async function attemptsOn(db: Database, invoiceId: string): Promise<{ id: string; status: string; expires_at: Date; created_at: Date }[]> {
  const { rows } = await db.pg.query<{ id: string; status: string; expires_at: Date; created_at: Date }>(
    `select a.id, a.status::text as status, a.expires_at, a.created_at
     from portal.payment_attempts a join portal.payment_attempt_invoices ai on ai.attempt_id = a.id
     where ai.invoice_id = $1 order by a.created_at, a.id`,
    [invoiceId],
  );
  return rows;
}
