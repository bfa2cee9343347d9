import { readFile } from "node:fs/promises";
import { strFromU8, unzipSync } from "fflate";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { useBackend } from "~/.server/backend";
import { README_NAME } from "~/.server/invoice-zip";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import * as zipRoute from "~/routes/factures.pdf[.]zip/route";
import { ANON_KEY, AUTH_COOKIE, fakeSession, requestRecorder, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";

/**
 * « Télécharger les PDF » on the Supabase adapter, against MSW handlers shaped like PostgREST
 * (`/rest/v1/rpc/my_invoice_pdf_list`) and Supabase Storage (`/storage/v1/object/invoices/<key>`):
 * one RPC for the list, then one download per PDF, in order, each with the resident's token
 * (RLS and the Storage policy decide), never the service role.
 */
const USER_ID = "d0000000-0000-4000-8000-000000000001";
const session = fakeSession(USER_ID, "demo@demo.fr");
const server = setupServer();
const { seen, record, userHandler, rpc, clear } = requestRecorder(USER_ID, "demo@demo.fr");

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  useBackend(await createSupabaseBackend(testEnv()));
});
afterEach(() => [server.resetHandlers(), vi.restoreAllMocks(), clear()]);
afterAll(() => server.close());

const asResident = { apikey: ANON_KEY, authorization: `Bearer ${session.access_token}` };
const cookie = `${AUTH_COOKIE}=base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;

const list = {
  total: 3,
  invoices: [
    { id: "1a000000-0000-4000-8000-000000000001", number: "2017-020-002059", issued_on: "2017-07-10", service_name: "Régie des eaux", object_key: "004200/2017-020-002059.pdf" },
    { id: "1a000000-0000-4000-8000-000000000002", number: "2017-020-002061", issued_on: "2017-06-10", service_name: "Régie des eaux", object_key: "004200/absent.pdf" },
    { id: "1a000000-0000-4000-8000-000000000003", number: "2017-020-002062", issued_on: "2017-05-10", service_name: "Régie des eaux", object_key: "004200/2017-020-002061.pdf" },
  ],
};

function storage(bytes: Uint8Array, failing?: string) {
  return http.get(`${SUPABASE_URL}/storage/v1/object/invoices/*`, async ({ request }) => {
    await record(request);
    const path = new URL(request.url).pathname;
    if (path.endsWith("absent.pdf")) return HttpResponse.json({ statusCode: "404", error: "not_found", message: "Object not found" }, { status: 400 });
    if (failing && path.endsWith(failing)) return HttpResponse.json({ statusCode: "500", error: "internal", message: "boom" }, { status: 500 });
    return new HttpResponse(bytes, { headers: { "Content-Type": "application/pdf" } });
  });
}

async function download(query: string): Promise<Response> {
  const request = new Request(`https://factures.example.fr/factures/pdf.zip${query}`, { headers: { Cookie: cookie } });
  return (await zipRoute.loader({ request, params: {}, context: {} })) as Response;
}

describe("GET /factures/pdf.zip on Supabase", () => {
  it("lists in one RPC, then downloads each PDF from the private bucket with the resident's token, skipping a missing one", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const bytes = new Uint8Array(await readFile("supabase/storage/invoices/004200/2017-020-002059.pdf"));
    server.use(userHandler(), rpc("my_invoice_pdf_list", () => HttpResponse.json(list)), storage(bytes));

    const response = await download(`?onglet=non-reglees&facture=${list.invoices[0]!.id}&facture=${list.invoices[2]!.id}&facture=${list.invoices[1]!.id}`);
    expect(response.status).toBe(200);
    const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(entries)).toEqual(["Regie-des-eaux_2017-020-002059.pdf", "Regie-des-eaux_2017-020-002062.pdf", README_NAME]);
    expect(Buffer.from(entries["Regie-des-eaux_2017-020-002059.pdf"]!).equals(Buffer.from(bytes))).toBe(true);
    expect(strFromU8(entries[README_NAME]!)).toContain("facture n° 2017-020-002061 du 10/06/2017 (Régie des eaux)");

    expect(seen).toEqual([
      {
        method: "POST",
        path: "/rest/v1/rpc/my_invoice_pdf_list",
        ...asResident,
        body: { p_status: "unpaid", p_limit: 201, p_ids: [list.invoices[0]!.id, list.invoices[2]!.id, list.invoices[1]!.id] },
      },
      { method: "GET", path: "/storage/v1/object/invoices/004200/2017-020-002059.pdf", ...asResident, body: undefined },
      { method: "GET", path: "/storage/v1/object/invoices/004200/absent.pdf", ...asResident, body: undefined },
      { method: "GET", path: "/storage/v1/object/invoices/004200/2017-020-002061.pdf", ...asResident, body: undefined },
    ]);
  });

  it("sends the cursor of the next archive to SQL", async () => {
    server.use(userHandler(), rpc("my_invoice_pdf_list", () => HttpResponse.json({ total: 0, invoices: [] })));
    const response = await download("?onglet=reglees&apres=2017-07-10.1A000000-0000-4000-8000-000000000001");
    expect(response.status).toBe(404);
    expect(seen[0]!.body).toEqual({ p_status: "paid", p_limit: 201, p_before_date: "2017-07-10", p_before_id: "1a000000-0000-4000-8000-000000000001" });
  });

  it("a Storage failure mid-archive errors the body: the download is cut short, not a complete zip", async () => {
    const bytes = new Uint8Array(await readFile("supabase/storage/invoices/004200/2017-020-002059.pdf"));
    vi.spyOn(console, "warn").mockImplementation(() => {});
    server.use(userHandler(), rpc("my_invoice_pdf_list", () => HttpResponse.json(list)), storage(bytes, "2017-020-002061.pdf"));
    const response = await download("?onglet=non-reglees");
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow(/storage download invoices\/004200\/2017-020-002061.pdf failed \(HTTP 500\)/);
  });
});
