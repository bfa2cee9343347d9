import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "~/.server/backend";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import * as csvRoute from "~/routes/mes-donnees[.]csv/route";
import * as jsonRoute from "~/routes/mes-donnees[.]json/route";
import * as page from "~/routes/_espace.mes-informations_.mes-donnees/route";
import { AUTH_COOKIE, cookieValueFor, fakeSession, fakeUser, SERVICE_ROLE_KEY, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";

/**
 * « Télécharger mes données » with the Supabase backend, against MSW (tests/supabase/msw-supabase.ts):
 * one PostgREST request, public.my_personal_data() with the resident's own token, mapped into
 * the files; its 401 PT401 (session ended) ends the session and sends the resident to the login page.
 */
const server = setupServer();
const rest: { path: string; authorization: string | null }[] = [];
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  server.events.on("request:start", ({ request }) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/rest/v1/")) rest.push({ path: url.pathname, authorization: request.headers.get("authorization") });
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
const SITE = "https://factures.example.fr";
const session = fakeSession(USER_ID, EMAIL);

/** public.my_personal_data() as PostgREST serialises it. */
const ANSWER = {
  generated_at: "2026-11-30T10:00:00.123+00:00",
  portal_name: "Le Portail des Factures",
  account: { email: EMAIL, created_at: "2026-01-05T08:00:00+00:00", activated_at: "2026-01-05T08:10:00+00:00", last_sign_in_at: null },
  customers: [{ customer_number: "SISTEC560", display_name: "Test SISTEC560", email: EMAIL, paper_invoices: true, service_name: "Service Multi Services" }],
  invoices: [
    { number: "2017-020-002059", issued_on: "2017-07-10", due_on: "2017-07-21", amount_cents: 24311, object: "Multi Services", status: "unpaid" },
  ].map((i) => ({ ...i, paid_at: null, customer_number: "SISTEC560", service_name: "Service Multi Services" })),
  payments: [
    {
      created_at: "2026-11-02T09:00:00+00:00",
      amount_cents: 24311,
      invoice_numbers: ["2017-020-002059"],
      provider: "tipi",
      service_name: "Service Multi Services",
      refdet: "2017020002059P000001",
      idop: null,
      numauto: "N1",
      status: "reported",
      transaction_at: null,
    },
  ],
  messages: [],
  paper_optout_requests: [],
};

function request(path: string): Request {
  return new Request(`${SITE}${path}`, { headers: { Cookie: `${AUTH_COOKIE}=${cookieValueFor(session)}`, "x-client-ip": "203.0.113.7" } });
}

async function run(loader: (args: LoaderFunctionArgs) => unknown, path: string): Promise<Response | { data: unknown }> {
  try {
    return (await loader({ request: request(path), params: {}, context: {} })) as Response | { data: unknown };
  } catch (thrown) {
    return thrown as Response;
  }
}

const user = () => http.get(`${SUPABASE_URL}/auth/v1/user`, () => HttpResponse.json(fakeUser(USER_ID, EMAIL)));
const answer = () => http.post(`${SUPABASE_URL}/rest/v1/rpc/my_personal_data`, () => HttpResponse.json(ANSWER));

describe("with the Supabase backend", () => {
  it("/mes-donnees.json: one PostgREST request, as the resident, mapped into the file", async () => {
    server.use(user(), answer());
    const response = (await run(jsonRoute.loader, "/mes-donnees.json")) as Response;
    expect(response.status).toBe(200);
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/my_personal_data"]);
    expect(rest[0]!.authorization).toBe(`Bearer ${session.access_token}`);
    expect(rest[0]!.authorization).not.toContain(SERVICE_ROLE_KEY);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="mes-donnees-portail-2026-11-30.json"');
    const file = (await response.json()) as Record<string, unknown>;
    expect(file).toMatchObject({
      format: "portail-des-factures/donnees-personnelles",
      version: 1,
      genereLe: "2026-11-30T10:00:00.123Z",
      compte: { adresseMail: EMAIL, creeLe: "2026-01-05T08:00:00.000Z", derniereConnexionLe: null },
      factures: [{ numero: "2017-020-002059", montantCentimes: 24311, montantEuros: 243.11, statut: "non_reglee" }],
      paiementsEnLigne: [{ prestataire: "TIPI", statut: "signale", numeroAutorisation: "N1", identifiantOperation: null }],
      messagesAuService: [],
      demandesArretPapier: [],
    });
  });

  it("/mes-donnees.csv: one PostgREST request too", async () => {
    server.use(user(), answer());
    const response = (await run(csvRoute.loader, "/mes-donnees.csv")) as Response;
    expect(response.status).toBe(200);
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/my_personal_data"]);
    expect(await response.text()).toContain("Facture;10/07/2017;;Service Multi Services;SISTEC560;;;;2017-020-002059;Multi Services;21/07/2017;243,11;24311;Non réglée;");
  });

  it("the page: one request, frame_page", async () => {
    server.use(user(), http.post(`${SUPABASE_URL}/rest/v1/rpc/frame_page`, () => HttpResponse.json({ frame: { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" } })));
    const result = (await run(page.loader, "/mes-informations/mes-donnees")) as { data: { frame: { displayName: string } } };
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/frame_page"]);
    expect(result.data.frame.displayName).toBe("Test SISTEC560");
  });

  it("a 401 PT401 (session ended): no file, the session cleared, the login page", async () => {
    server.use(
      user(),
      http.post(`${SUPABASE_URL}/auth/v1/logout`, () => new HttpResponse(null, { status: 204 })),
      http.post(`${SUPABASE_URL}/rest/v1/rpc/my_personal_data`, () => HttpResponse.json({ code: "PT401", details: null, hint: null, message: "session_ended" }, { status: 401 })),
    );
    const response = (await run(jsonRoute.loader, "/mes-donnees.json")) as Response;
    expect(response).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/mes-donnees.json")}`, { status: 302 });
    expect(response.headers.get("content-disposition")).toBeNull();
    expect(response.headers.getSetCookie().some((c) => c.startsWith(`${AUTH_COOKIE}=`) && /max-age=0/i.test(c))).toBe(true);
  });
});
