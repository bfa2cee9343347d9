import { readFile } from "node:fs/promises";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SessionEndedError } from "~/.server/data/rpc";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import type { Backend } from "~/.server/ports/backend";
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

const frameJson = { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" };
const frame = { portalName: "Le Portail des Factures", displayName: "Test SISTEC560" };

describe("Supabase ResidentDataPort: one PostgREST request per page (app/.server/data/resident.ts)", () => {
  it("invoicesPage calls rpc invoices_page with the tab, the limit and the cursor, as the resident, and maps rows, counts and frame", async () => {
    server.use(
      userHandler(),
      rpc("invoices_page", () =>
        HttpResponse.json({ frame: frameJson, invoices: [row2059], counts: { unpaid: 2, paid: 140, treasury: 0 }, customer_count: 2 }),
      ),
    );
    const { data } = await resident();

    const page = await data.invoicesPage({ status: "unpaid", limit: 21, after: { issuedOn: "2017-10-09", id: "1a000000-0000-4000-8000-000000000002" } });

    expect(page).toEqual({ frame, invoices: [mapped2059], counts: { unpaid: 2, paid: 140, treasury: 0 }, customerCount: 2 });
    expect(seen).toEqual([
      {
        method: "POST",
        path: "/rest/v1/rpc/invoices_page",
        ...asResident,
        body: { p_status: "unpaid", p_limit: 21, p_before_date: "2017-10-09", p_before_id: "1a000000-0000-4000-8000-000000000002" },
      },
    ]);
  });

  it("invoicesPage sends null cursor fields for the first page; a status without invoices counts 0", async () => {
    server.use(userHandler(), rpc("invoices_page", () => HttpResponse.json({ frame: frameJson, invoices: [], counts: { unpaid: 1 }, customer_count: 1 })));
    const { data } = await resident();
    await expect(data.invoicesPage({ status: "treasury", limit: 21 })).resolves.toMatchObject({ invoices: [], counts: { unpaid: 1, paid: 0, treasury: 0 } });
    expect(seen[0]!.body).toEqual({ p_status: "treasury", p_limit: 21, p_before_date: null, p_before_id: null });
  });

  it("invoicePage maps the detail and the payment state, and null when the invoice is not theirs", async () => {
    server.use(
      userHandler(),
      rpc("invoice_page", () =>
        HttpResponse.json({
          frame: frameJson,
          invoice: { ...row2059, paid_at: null, service_id: "5e000000-0000-4000-8000-000000004200", payment_suspended: true, has_pdf: true },
          payment: { block: "pending", retry_after: "2026-11-30T14:35:00+00:00", attempt_id: "a7000000-0000-4000-8000-000000000001" },
        }),
      ),
    );
    const { data } = await resident();
    await expect(data.invoicePage(INVOICE_ID)).resolves.toEqual({
      frame,
      invoice: { ...mapped2059, paidAt: null, serviceId: "5e000000-0000-4000-8000-000000004200", paymentSuspended: true, hasPdf: true },
      payment: { block: "pending", retryAfter: "2026-11-30T14:35:00.000Z", attemptId: "a7000000-0000-4000-8000-000000000001" },
      paidOnline: null,
    });
    expect(seen[0]).toMatchObject({ path: "/rest/v1/rpc/invoice_page", ...asResident, body: { p_id: INVOICE_ID } });

    server.use(rpc("invoice_page", () => HttpResponse.json({ frame: frameJson, invoice: null, payment: null })));
    await expect(data.invoicePage(INVOICE_ID)).resolves.toEqual({ frame, invoice: null, payment: null, paidOnline: null });
  });

  it("homePage, framePage, infoPage and contactPage map their page", async () => {
    server.use(
      userHandler(),
      rpc("home_page", () =>
        HttpResponse.json({
          frame: frameJson,
          announcement: null,
          welcome_message: "Bienvenue.",
          due: {
            services: [
              {
                numcli: "004281",
                service_name: "Eau",
                allow_multiple_invoices: false,
                payment_suspended: false,
                invoice_count: 2,
                total_cents: 33061,
                next_due_on: "2017-07-21",
              },
            ],
            treasury_count: 1,
          },
        }),
      ),
      rpc("frame_page", () => HttpResponse.json({ frame: { portal_name: "Régie", display_name: "demo@demo.fr" } })),
      rpc("info_page", () =>
        HttpResponse.json({
          frame: frameJson,
          customers: [
            { customer_id: "c1", customer_number: "SISTEC560", display_name: "Test SISTEC560", email: EMAIL, paper_invoices: true, service_id: "s1", service_name: "Eau" },
          ],
          paper: [{ customer_id: "c1", customer_number: "SISTEC560", service_name: "Eau", paper_invoices: true, requested_at: "2026-11-30T09:15:00.123456+00:00" }],
        }),
      ),
      rpc("contact_page", () =>
        HttpResponse.json({ frame: frameJson, services: [{ service_id: "s1", service_name: "Eau", general_info: "Tél.", accepts_messages: false }] }),
      ),
    );
    const { data } = await resident();
    await expect(data.homePage()).resolves.toEqual({
      frame,
      announcement: null,
      welcomeMessage: "Bienvenue.",
      due: {
        services: [{ numcli: "004281", serviceName: "Eau", allowMultiple: false, paymentSuspended: false, invoiceCount: 2, totalCents: 33061, nextDueOn: "2017-07-21" }],
        treasuryCount: 1,
      },
    });
    await expect(data.framePage()).resolves.toEqual({ frame: { portalName: "Régie", displayName: "demo@demo.fr" } });
    await expect(data.infoPage()).resolves.toEqual({
      frame,
      customers: [
        { customerId: "c1", customerNumber: "SISTEC560", displayName: "Test SISTEC560", email: EMAIL, paperInvoices: true, serviceId: "s1", serviceName: "Eau" },
      ],
      paper: [{ customerId: "c1", customerNumber: "SISTEC560", serviceName: "Eau", paperInvoices: true, requestedAt: "2026-11-30T09:15:00.123Z" }],
    });
    await expect(data.contactPage()).resolves.toEqual({
      frame,
      services: [{ serviceId: "s1", serviceName: "Eau", generalInfo: "Tél.", acceptsMessages: false }],
    });
    expect(seen.map((r) => r.path)).toEqual(["/rest/v1/rpc/home_page", "/rest/v1/rpc/frame_page", "/rest/v1/rpc/info_page", "/rest/v1/rpc/contact_page"]);
    expect(seen.every((r) => r.authorization === asResident.authorization && r.apikey === ANON_KEY)).toBe(true);
  });

  it("throws a SupabaseAdapterError when PostgREST refuses otherwise (403 42501)", async () => {
    server.use(
      userHandler(),
      rpc("invoices_page", () => HttpResponse.json({ code: "42501", details: null, hint: null, message: "permission denied for function invoices_page" }, { status: 403 })),
    );
    const { data } = await resident();
    const error = await data.invoicesPage({ status: "unpaid", limit: 21 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupabaseAdapterError);
    expect((error as Error).message).toMatch(/invoices_page failed \(HTTP 403 42501\)/);
  });

  it("a 401 PT401 (the session ended) is a SessionEndedError, for pages and writes alike", async () => {
    const ended = () => HttpResponse.json({ code: "PT401", details: null, hint: null, message: "session_ended" }, { status: 401 });
    server.use(userHandler(), rpc("home_page", ended), rpc("send_contact_message", ended));
    const { data } = await resident();
    await expect(data.homePage()).rejects.toBeInstanceOf(SessionEndedError);
    await expect(data.sendContactMessage({ serviceId: "s1", subject: "", body: "Bonjour" })).rejects.toBeInstanceOf(SessionEndedError);

    // PostgREST refusing the user's JWT itself (PGRST301: expired) ends the session too; a 401
    // that is not about the user's token (a bad API key) stays an adapter error.
    server.use(rpc("home_page", () => HttpResponse.json({ code: "PGRST301", details: null, hint: null, message: "JWT expired" }, { status: 401 })));
    await expect(data.homePage()).rejects.toBeInstanceOf(SessionEndedError);
    server.use(rpc("home_page", () => HttpResponse.json({ message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." }, { status: 401 })));
    await expect(data.homePage()).rejects.toBeInstanceOf(SupabaseAdapterError);
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
