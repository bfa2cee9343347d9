import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { ActionFunctionArgs } from "@remix-run/server-runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "~/.server/backend";
import { REFUSED } from "~/.server/contract-link-form";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import * as rattacher from "~/routes/_espace.mes-informations_.rattacher-un-contrat/route";
import { AUTH_COOKIE, cookieValueFor, fakeSession, fakeUser, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";

/**
 * « Rattacher un contrat » with the Supabase backend, against MSW: the page makes one PostgREST
 * request (public.contract_link_page()), the form one (public.link_contract with the parsed
 * amount in integer cents), each answer of SQL becomes its page, and a 401 PT401 ends the session
 * (docs/decisions/0040-contract-links.md).
 */
const [USER_ID, EMAIL] = ["d0000000-0000-4000-8000-000000000001", "demo@demo.fr"];
const SERVICE_ID = "5e000000-0000-4000-8000-000000004200";
const PATH = "/mes-informations/rattacher-un-contrat";
const SITE = "https://factures.example.fr";
/** The PostgREST requests of a test (any other request fails it: onUnhandledRequest "error"). */
const rest: { path: string; body: unknown }[] = [];
const server = setupServer();
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  useBackend(await createSupabaseBackend(testEnv({ SITE_URL: SITE })));
});
afterEach(() => void (server.resetHandlers(), rest.splice(0)));
afterAll(() => server.close());

const frame = { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" };

async function run(handler: (args: ActionFunctionArgs) => unknown, form?: Record<string, string>): Promise<Response | { data: unknown; init: ResponseInit | null }> {
  const headers = new Headers({ Cookie: `${AUTH_COOKIE}=${cookieValueFor(fakeSession(USER_ID, EMAIL))}`, "x-client-ip": "203.0.113.7" });
  if (form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    headers.set("origin", SITE);
  }
  const request = new Request(`${SITE}${PATH}`, { method: form ? "POST" : "GET", headers, body: form ? new URLSearchParams(form).toString() : undefined });
  try {
    return (await handler({ request, params: {}, context: {} })) as Response | { data: unknown; init: ResponseInit | null };
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const user = () => http.get(`${SUPABASE_URL}/auth/v1/user`, () => HttpResponse.json(fakeUser(USER_ID, EMAIL)));
/** A PostgREST function answering `body`, recording each call it receives. */
const rpc = (fn: string, body: Parameters<typeof HttpResponse.json>[0], status = 200) =>
  http.post(`${SUPABASE_URL}/rest/v1/rpc/${fn}`, async ({ request }) => {
    rest.push({ path: new URL(request.url).pathname, body: await request.json() });
    return HttpResponse.json(body, { status });
  });
const FORM = { serviceId: SERVICE_ID, customerNumber: " RATT0001 ", invoiceNumber: "2026-077-000001", amount: "1 043,5 €" };

describe("with the Supabase backend", () => {
  it("the page: one request, to contract_link_page, the services mapped", async () => {
    server.use(user(), rpc("contract_link_page", { frame, services: [{ service_id: SERVICE_ID, service_name: "Service de démonstration" }] }));
    const result = (await run(rattacher.loader)) as { data: { services: unknown[] } };
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/contract_link_page"]);
    expect(result.data.services).toEqual([{ serviceId: SERVICE_ID, serviceName: "Service de démonstration" }]);
  });

  it("the form: one request, to link_contract with trimmed numbers and the amount in integer cents; linked → the page with the number", async () => {
    // The outbox sender is kicked after the write (app/.server/outbox.ts): its own requests are not the form's.
    server.use(user(), rpc("link_contract", { outcome: "linked", service_name: "S", customer_number: "RATT0001" }), rpc("outbox_claim", []));
    const answer = (await run(rattacher.action, FORM)) as Response;
    expect(rest.filter((r) => !r.path.startsWith("/rest/v1/rpc/outbox_"))).toEqual([
      {
        path: "/rest/v1/rpc/link_contract",
        body: { p_service_id: SERVICE_ID, p_customer_number: "RATT0001", p_invoice_number: "2026-077-000001", p_amount_cents: 104350 },
      },
    ]);
    expect(answer).toRedirectTo(`${PATH}?rattache=1`);
  });

  it("refused, linked elsewhere, throttled: the French answers and their statuses", async () => {
    const cases: [object, number, string | RegExp][] = [
      [{ outcome: "refused" }, 400, REFUSED],
      [{ outcome: "linked_elsewhere" }, 409, /déjà rattaché à un autre compte du portail/],
      [{ outcome: "throttled", retry_at: "2026-12-05T09:30:00+00:00" }, 429, /bloqué jusqu'au 5 décembre 2026 à 10:30 \(heure de Paris\)/],
    ];
    for (const [body, status, message] of cases) {
      server.use(user(), rpc("link_contract", body));
      const answer = (await run(rattacher.action, FORM)) as { data: { formError: string }; init: ResponseInit };
      expect(answer.init.status).toBe(status);
      expect(answer.data.formError).toMatch(message);
    }
  });

  it("an unknown outcome is an error (503 in French), never a success", async () => {
    server.use(user(), rpc("link_contract", { outcome: "peut-etre" }));
    const answer = (await run(rattacher.action, FORM)) as { data: { formError: string }; init: ResponseInit };
    expect(answer.init.status).toBe(503);
    expect(answer.data.formError).toMatch(/n'a pas pu être enregistré/);
  });

  it("a malformed amount asks nothing; a 401 PT401 ends the session", async () => {
    server.use(user(), http.post(`${SUPABASE_URL}/auth/v1/logout`, () => new HttpResponse(null, { status: 204 })));
    const bad = (await run(rattacher.action, { ...FORM, amount: "1e9" })) as { init: ResponseInit };
    expect(bad.init.status).toBe(400);
    expect(rest).toEqual([]);
    server.use(rpc("link_contract", { code: "PT401", details: null, hint: null, message: "session_ended" }, 401));
    expect(await run(rattacher.action, FORM)).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(PATH)}`);
  });
});
