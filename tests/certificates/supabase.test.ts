import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "~/.server/backend";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import * as download from "~/routes/attestations.$abonne.$fichier/route";
import * as page from "~/routes/_espace.attestations/route";
import { AUTH_COOKIE, cookieValueFor, fakeSession, fakeUser, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";

/**
 * « Attestations de paiement » with the Supabase backend, against MSW: the page and the download
 * make exactly one PostgREST request each (public.certificates_page(), public.payment_certificate()
 * with the parsed key), a null certificate is a 404, a malformed URL asks nothing, and a 401 PT401
 * ends the session.
 */
const [USER_ID, EMAIL] = ["d0000000-0000-4000-8000-000000000001", "demo@demo.fr"];
/** The PostgREST requests of a test: path and JSON body. */
const rest: { path: string; body: unknown }[] = [];
const server = setupServer();
server.events.on("request:start", async ({ request }) => {
  const { pathname } = new URL(request.url);
  if (pathname.startsWith("/rest/v1/")) rest.push({ path: pathname, body: await request.clone().json() });
});
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  useBackend(await createSupabaseBackend(testEnv()));
});
afterEach(() => {
  server.resetHandlers();
  rest.splice(0);
});
afterAll(() => server.close());

const frame = { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" };
const CERTIFICATE = {
  service: { numcli: "004200", name: "Service Multi Services de démonstration", postal_address: null },
  customer: { customer_number: "SISTEC560", display_name: "Test SISTEC560" },
  year: 2017,
  invoices: [{ paid_on: "2017-01-16", number: "2017-020-000731", object: "Collecte des déchets", amount_cents: 4200 }],
  total_cents: 4200,
};

type Loader = (args: LoaderFunctionArgs) => unknown;
async function run(loader: Loader, path: string, params: Record<string, string> = {}): Promise<Response | { data: unknown }> {
  const request = new Request(`https://factures.example.fr${path}`, {
    headers: { Cookie: `${AUTH_COOKIE}=${cookieValueFor(fakeSession(USER_ID, EMAIL))}`, "x-client-ip": "203.0.113.7" },
  });
  try {
    return (await loader({ request, params, context: {} })) as Response | { data: unknown };
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const user = () => http.get(`${SUPABASE_URL}/auth/v1/user`, () => HttpResponse.json(fakeUser(USER_ID, EMAIL)));
const rpc = (fn: string, body: Parameters<typeof HttpResponse.json>[0], status = 200) => http.post(`${SUPABASE_URL}/rest/v1/rpc/${fn}`, () => HttpResponse.json(body, { status }));
const CUSTOMER_ID = "c0000000-0000-4000-8000-000000000001";
const PATH = `/attestations/${CUSTOMER_ID}/2017.pdf`;
const params = { abonne: CUSTOMER_ID, fichier: "2017.pdf" };

describe("with the Supabase backend", () => {
  it("/attestations: one request, to certificates_page", async () => {
    server.use(user(), rpc("certificates_page", { frame, customers: [{ customer_id: CUSTOMER_ID, service_numcli: "004200", service_name: "S", customer_number: "SISTEC560", display_name: "Test SISTEC560", years: [2017] }] }));
    const result = (await run(page.loader, "/attestations")) as { data: { customers: { years: { href: string }[] }[] } };
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/certificates_page"]);
    expect(result.data.customers[0]!.years[0]!.href).toBe(`/attestations/${CUSTOMER_ID}/2017.pdf`);
  });

  it("the download: one request, to payment_certificate with the key, then the PDF", async () => {
    server.use(user(), rpc("payment_certificate", CERTIFICATE));
    const response = (await run(download.loader, PATH, params)) as Response;
    expect(response.status).toBe(200);
    expect(rest).toEqual([{ path: "/rest/v1/rpc/payment_certificate", body: { p_customer_id: CUSTOMER_ID, p_year: 2017 } }]);
    expect(new TextDecoder("latin1").decode(new Uint8Array(await response.arrayBuffer())).slice(0, 5)).toBe("%PDF-");
  });

  it("a null certificate (not the caller's, nothing paid) is a 404; a malformed year asks nothing", async () => {
    server.use(user(), rpc("payment_certificate", null));
    expect(((await run(download.loader, PATH, params)) as Response).status).toBe(404);
    rest.length = 0;
    expect(((await run(download.loader, `/attestations/${CUSTOMER_ID}/17.pdf`, { ...params, fichier: "17.pdf" })) as Response).status).toBe(404);
    expect(rest).toEqual([]);
  });

  it("a 401 PT401 ends the session and sends the resident to the login page, which comes back to the file", async () => {
    server.use(
      user(),
      http.post(`${SUPABASE_URL}/auth/v1/logout`, () => new HttpResponse(null, { status: 204 })),
      rpc("payment_certificate", { code: "PT401", details: null, hint: null, message: "session_ended" }, 401),
    );
    const response = (await run(download.loader, PATH, params)) as Response;
    expect(response).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(PATH)}`);
  });
});
