import { readFile } from "node:fs/promises";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import type { Backend } from "~/.server/ports";
import { ANON_KEY, AUTH_COOKIE, fakeSession, SUPABASE_URL, testEnv, requestRecorder } from "./msw-supabase";

/**
 * The Supabase adapter's invoice reads and PDF downloads against MSW handlers shaped like
 * PostgREST (`/rest/v1/rpc/<fn>`) and Supabase Storage (`/storage/v1/object/<bucket>/<key>`):
 * every call carries the resident's token (RLS and the Storage policy decide), never the
 * service role.
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

const { seen, record, userHandler, rpc, clear } = requestRecorder(USER_ID, EMAIL);
afterEach(clear);

let backend: Backend;
beforeAll(async () => {
  backend = await createSupabaseBackend(testEnv());
});

/** A request of the signed-in resident (the sb-* cookie as @supabase/ssr writes it). */
async function resident() {
  const cookie = `${AUTH_COOKIE}=base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
  const accounts = backend.accounts.forRequest(new Request("https://factures.example.fr/factures", { headers: { Cookie: cookie } }));
  const user = (await accounts.getUser())!;
  return { data: backend.residentData(accounts, user), files: backend.residentFiles(accounts, user) };
}

const asResident = { apikey: ANON_KEY, authorization: `Bearer ${session.access_token}` };

const row2059 = {
  id: INVOICE_ID,
  number: "2017-020-002059",
  issued_on: "2017-07-10",
  due_on: "2017-07-21",
  amount_cents: 24311,
  object: "Multi Services",
  status: "unpaid",
  customer_id: "c0000000-0000-4000-8000-000000000001",
  customer_number: "SISTEC560",
  customer_name: "Test SISTEC560",
  service_name: "Service Multi Services de démonstration",
};
const mapped2059 = {
  id: INVOICE_ID,
  number: "2017-020-002059",
  issuedOn: "2017-07-10",
  dueOn: "2017-07-21",
  amountCents: 24311,
  object: "Multi Services",
  status: "unpaid",
  customerId: "c0000000-0000-4000-8000-000000000001",
  customerNumber: "SISTEC560",
  customerName: "Test SISTEC560",
  serviceName: "Service Multi Services de démonstration",
};

describe("Supabase ResidentDataPort: invoices and home", () => {
  it("myInvoices calls rpc my_invoices with the tab, the limit and the cursor, as the resident", async () => {
    server.use(userHandler(), rpc("my_invoices", () => HttpResponse.json([row2059])));
    const { data } = await resident();

    const rows = await data.myInvoices({ status: "unpaid", limit: 21, after: { issuedOn: "2017-10-09", id: "1a000000-0000-4000-8000-000000000002" } });

    expect(rows).toEqual([mapped2059]);
    expect(seen).toEqual([
      {
        method: "POST",
        path: "/rest/v1/rpc/my_invoices",
        ...asResident,
        body: { p_status: "unpaid", p_limit: 21, p_before_date: "2017-10-09", p_before_id: "1a000000-0000-4000-8000-000000000002" },
      },
    ]);
  });

  it("myInvoices sends null cursor fields for the first page", async () => {
    server.use(userHandler(), rpc("my_invoices", () => HttpResponse.json([])));
    const { data } = await resident();
    await expect(data.myInvoices({ status: "treasury", limit: 21 })).resolves.toEqual([]);
    expect(seen[0]!.body).toEqual({ p_status: "treasury", p_limit: 21, p_before_date: null, p_before_id: null });
  });

  it("myInvoiceCounts maps the rows per status", async () => {
    server.use(
      userHandler(),
      rpc("my_invoice_counts", () =>
        HttpResponse.json([
          { status: "unpaid", invoice_count: 2 },
          { status: "paid", invoice_count: 140 },
          { status: "treasury", invoice_count: 0 },
        ]),
      ),
    );
    const { data } = await resident();
    await expect(data.myInvoiceCounts()).resolves.toEqual({ unpaid: 2, paid: 140, treasury: 0 });
    expect(seen[0]).toMatchObject({ path: "/rest/v1/rpc/my_invoice_counts", ...asResident });
  });

  it("myInvoice maps the detail, and answers null when PostgREST returns no row (not found or not theirs)", async () => {
    server.use(
      userHandler(),
      rpc("my_invoice", () =>
        HttpResponse.json([
          { ...row2059, paid_at: null, service_id: "5e000000-0000-4000-8000-000000004200", payment_suspended: true, has_pdf: true },
        ]),
      ),
    );
    const { data } = await resident();
    await expect(data.myInvoice(INVOICE_ID)).resolves.toEqual({
      ...mapped2059,
      paidAt: null,
      serviceId: "5e000000-0000-4000-8000-000000004200",
      paymentSuspended: true,
      hasPdf: true,
    });
    expect(seen[0]).toMatchObject({ path: "/rest/v1/rpc/my_invoice", ...asResident, body: { p_id: INVOICE_ID } });

    server.use(rpc("my_invoice", () => HttpResponse.json([])));
    await expect(data.myInvoice(INVOICE_ID)).resolves.toBeNull();
  });

  it("portalHome maps the announcement and the welcome message", async () => {
    server.use(userHandler(), rpc("portal_home", () => HttpResponse.json([{ announcement: null, welcome_message: "Bienvenue." }])));
    const { data } = await resident();
    await expect(data.portalHome()).resolves.toEqual({ announcement: null, welcomeMessage: "Bienvenue." });
    expect(seen[0]).toMatchObject({ path: "/rest/v1/rpc/portal_home", ...asResident });
  });

  it("throws a SupabaseAdapterError when PostgREST refuses", async () => {
    server.use(
      userHandler(),
      rpc("my_invoices", () => HttpResponse.json({ code: "42501", details: null, hint: null, message: "permission denied for function my_invoices" }, { status: 401 })),
    );
    const { data } = await resident();
    const error = await data.myInvoices({ status: "unpaid", limit: 21 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupabaseAdapterError);
    expect((error as Error).message).toMatch(/my_invoices failed \(HTTP 401 42501\)/);
  });
});

describe("Supabase InvoiceFilesPort", () => {
  const objectUrl = `${SUPABASE_URL}/storage/v1/object/invoices/004200/2017-020-002059.pdf`;
  const keyRow = () => rpc("my_invoice_pdf_key", () => HttpResponse.json([{ number: "2017-020-002059", object_key: "004200/2017-020-002059.pdf" }]));

  it("reads the key under RLS, then downloads the object from the private bucket with the resident's token", async () => {
    const bytes = await readFile("supabase/storage/invoices/004200/2017-020-002059.pdf");
    server.use(
      userHandler(),
      keyRow(),
      http.get(objectUrl, async ({ request }) => {
        await record(request);
        return new HttpResponse(bytes, { headers: { "Content-Type": "application/pdf", "Content-Length": String(bytes.length) } });
      }),
    );
    const { files } = await resident();

    const pdf = await files.invoicePdf(INVOICE_ID);

    expect(pdf).not.toBeNull();
    expect(pdf!.number).toBe("2017-020-002059");
    expect(pdf!.size).toBe(bytes.length);
    const body = new Uint8Array(await new Response(pdf!.body).arrayBuffer());
    expect(Buffer.from(body).equals(bytes)).toBe(true);
    expect(seen).toEqual([
      { method: "POST", path: "/rest/v1/rpc/my_invoice_pdf_key", ...asResident, body: { p_id: INVOICE_ID } },
      { method: "GET", path: "/storage/v1/object/invoices/004200/2017-020-002059.pdf", ...asResident, body: undefined },
    ]);
  });

  it("answers null without touching Storage when the invoice is not the resident's, or has no PDF", async () => {
    server.use(userHandler(), rpc("my_invoice_pdf_key", () => HttpResponse.json([])));
    const { files } = await resident();
    await expect(files.invoicePdf(INVOICE_ID)).resolves.toBeNull();

    server.use(rpc("my_invoice_pdf_key", () => HttpResponse.json([{ number: "2017-020-002059", object_key: null }])));
    await expect(files.invoicePdf(INVOICE_ID)).resolves.toBeNull();
    expect(seen.map((s) => s.path)).toEqual(["/rest/v1/rpc/my_invoice_pdf_key", "/rest/v1/rpc/my_invoice_pdf_key"]);
  });

  it("answers null when Storage says not found (missing object, or hidden by the policy)", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    server.use(
      userHandler(),
      keyRow(),
      http.get(objectUrl, () => HttpResponse.json({ statusCode: "404", error: "not_found", message: "Object not found" }, { status: 400 })),
    );
    const { files } = await resident();
    await expect(files.invoicePdf(INVOICE_ID)).resolves.toBeNull();

    server.use(http.get(objectUrl, () => HttpResponse.json({ statusCode: "404", error: "not_found", message: "Object not found" }, { status: 404 })));
    await expect(files.invoicePdf(INVOICE_ID)).resolves.toBeNull();
  });

  it("throws a SupabaseAdapterError when Storage fails otherwise", async () => {
    server.use(
      userHandler(),
      keyRow(),
      http.get(objectUrl, () => HttpResponse.json({ statusCode: "500", error: "internal", message: "Internal Server Error" }, { status: 500 })),
    );
    const { files } = await resident();
    const error = await files.invoicePdf(INVOICE_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupabaseAdapterError);
    expect((error as Error).message).toMatch(/storage download invoices\/004200\/2017-020-002059.pdf failed \(HTTP 500\)/);
  });
});
