import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "~/.server/backend";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import * as mentions from "~/routes/mentions-legales/route";
import * as donnees from "~/routes/donnees-personnelles/route";
import { ANON_KEY, AUTH_COOKIE, cookieValueFor, fakeSession, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";

/**
 * The legal pages with the Supabase backend, against MSW: one PostgREST request each
 * (POST /rest/v1/rpc/legal_info with the anon key, whoever asks), no Auth call, and the JSON
 * read into the page's fields — nulls kept as nulls.
 */
const server = setupServer();
const seen: { path: string; apikey: string | null; authorization: string | null }[] = [];
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  server.events.on("request:start", ({ request }) => {
    seen.push({ path: new URL(request.url).pathname, apikey: request.headers.get("apikey"), authorization: request.headers.get("authorization") });
  });
  useBackend(await createSupabaseBackend(testEnv()));
});
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

const ANSWER = {
  portal_name: "Portail de Testville",
  publisher_name: "Régie des eaux de Testville",
  publisher_address: "1 rue de l'Usine\n00000 Testville",
  publisher_siret: "00000000000018",
  legal_representative: null,
  publication_director: "La présidente de la régie",
  contact_email: "contact@testville.example",
  contact_phone: null,
  host_name: "Hébergeur de test",
  host_address: null,
  host_phone: null,
  controller: "Régie des eaux de Testville",
  dpo_contact: null,
  dpo_email: null,
  dpo_postal_address: null,
  mail_transfer_safeguards: null,
  login_throttle_days: 1,
  auth_links_days: null,
  sent_mail_bodies_days: 30,
  contact_messages_months: null,
  paper_optout_months: null,
  payment_records_months: 120,
};

const legalInfo = (body: Record<string, string | number | null | undefined>) => http.post(`${SUPABASE_URL}/rest/v1/rpc/legal_info`, () => HttpResponse.json(body));

function get(loader: typeof mentions.loader, path: string, cookie?: string) {
  const headers = new Headers({ "x-client-ip": "203.0.113.7" });
  if (cookie) headers.set("Cookie", cookie);
  return loader({ request: new Request(`https://factures.example.fr${path}`, { headers }), params: {}, context: {} });
}

describe.each([
  ["/mentions-legales", mentions.loader],
  ["/donnees-personnelles", donnees.loader],
])("%s with Supabase", (path, loader) => {
  it("one request, to legal_info, with the anon key; the fields as the page reads them", async () => {
    server.use(legalInfo(ANSWER));
    const result = (await get(loader, path)) as unknown as { data: Record<string, unknown> };
    expect(seen.map((r) => r.path)).toEqual(["/rest/v1/rpc/legal_info"]);
    expect(seen[0]).toMatchObject({ apikey: ANON_KEY, authorization: `Bearer ${ANON_KEY}` });
    expect(result.data).toMatchObject({
      backend: "supabase",
      portalName: "Portail de Testville",
      publisherName: "Régie des eaux de Testville",
      publisherAddress: "1 rue de l'Usine\n00000 Testville",
      legalRepresentative: null,
      hostAddress: null,
      sentMailBodiesDays: 30,
      paymentRecordsMonths: 120,
    });
  });

  it("a signed-in resident's cookie changes nothing: still one request, as anon, no Auth call", async () => {
    server.use(legalInfo(ANSWER));
    await get(loader, path, `${AUTH_COOKIE}=${cookieValueFor(fakeSession("d0000000-0000-4000-8000-000000000001", "demo@demo.fr"))}`);
    expect(seen.map((r) => r.path)).toEqual(["/rest/v1/rpc/legal_info"]);
    expect(seen[0]!.authorization).toBe(`Bearer ${ANON_KEY}`);
  });
});

describe("an answer the port cannot read", () => {
  it("is an error, not a page with made-up values", async () => {
    server.use(legalInfo({ ...ANSWER, payment_records_months: "dix ans" }));
    await expect(get(mentions.loader, "/mentions-legales")).rejects.toThrow(/legal_info.*payment_records_months/);
    server.use(legalInfo({ ...ANSWER, host_name: undefined }));
    await expect(get(mentions.loader, "/mentions-legales")).rejects.toThrow(/legal_info.*host_name/);
  });
});
