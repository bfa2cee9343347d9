import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runImport } from "~/.server/import/run";
import type { InvoiceRowJson } from "~/.server/import/target";
import { createSupabaseImportTarget, SUPABASE_IMPORT_BATCH_ROWS } from "~/.server/supabase/import-target";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import { SERVICE_ROLE_KEY, SUPABASE_URL, testEnv } from "./msw-supabase";
import { pdfOf } from "../import/helpers";

/**
 * The Supabase import target against MSW handlers shaped like PostgREST (`/rest/v1/rpc/<fn>`)
 * and Storage (`/storage/v1/object/invoices/<key>`): every call with the service-role key, the
 * batches as `.rpc()` bodies, PDFs uploaded with upsert, Storage 5xx retried.
 */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  method: string;
  path: string;
  apikey: string | null;
  authorization: string | null;
  upsert: string | null;
  contentType: string | null;
  body: unknown;
}

function recordAll(seen: Seen[], answers: Record<string, (body: Record<string, unknown>) => unknown>, storage: () => Response) {
  return [
    http.post(`${SUPABASE_URL}/rest/v1/rpc/:fn`, async ({ request, params }) => {
      const body = (await request.json()) as Record<string, unknown>;
      seen.push({
        method: "POST",
        path: `/rpc/${String(params.fn)}`,
        apikey: request.headers.get("apikey"),
        authorization: request.headers.get("authorization"),
        upsert: null,
        contentType: request.headers.get("content-type"),
        body,
      });
      return HttpResponse.json(answers[String(params.fn)]!(body) as Record<string, unknown>[]);
    }),
    http.post(`${SUPABASE_URL}/storage/v1/object/invoices/*`, async ({ request }) => {
      const bytes = new Uint8Array(await request.arrayBuffer());
      seen.push({
        method: "POST",
        path: decodeURIComponent(new URL(request.url).pathname),
        apikey: request.headers.get("apikey"),
        authorization: request.headers.get("authorization"),
        upsert: request.headers.get("x-upsert"),
        contentType: request.headers.get("content-type"),
        body: bytes.length,
      });
      return storage();
    }),
  ];
}

const invoiceOutcome = (dry: boolean) => (body: Record<string, unknown>) =>
  (body.p_rows as Array<{ line: number; number: string }>).map((r) => ({
    line: r.line,
    number: r.number,
    outcome: "created",
    changed: [],
    kept: [],
    current_status: null,
    paid_on_portal: false,
    has_pdf: false,
    current_pdf_sha256: null,
    dry,
  }));

const input = () => ({
  csv: [
    {
      name: "factures.csv",
      bytes: new TextEncoder().encode(
        "Numéro d'abonné;Numéro de facture;Date;Échéance;Montant;Objet;Statut\nSISTEC560;2024-900;01/02/2024;01/03/2024;10,00;Eau;non réglée\n",
      ),
    },
  ],
  pdfs: [{ name: "2024-900.pdf", read: async () => pdfOf("2024-900") }],
});

describe("Supabase import target", () => {
  it("checks with p_dry_run true, uploads the PDF with upsert, then writes, all with the service-role key", async () => {
    const seen: Seen[] = [];
    server.use(
      ...recordAll(
        seen,
        {
          import_services: () => [{ numcli: "004200", name: "Service" }],
          import_invoices: (body) => invoiceOutcome(body.p_dry_run as boolean)(body),
        },
        () => HttpResponse.json({ Key: "invoices/004200/2024-900.pdf", Id: "x" }),
      ),
    );
    const target = await createSupabaseImportTarget(testEnv());
    const report = await runImport(target, input(), { numcli: "004200" });
    expect(report.errors).toEqual([]);
    expect(report.invoices.created).toBe(1);
    expect(report.pdfs.stored).toBe(1);
    expect(seen.map((s) => s.path)).toEqual([
      "/rpc/import_services",
      "/rpc/import_invoices",
      "/storage/v1/object/invoices/004200/2024-900.pdf",
      "/rpc/import_invoices",
      // The « nouvelle facture » reminders, right after the batches (docs/decisions/0039-email-reminders.md).
      "/rpc/queue_new_invoice_notices",
    ]);
    for (const s of seen) {
      expect(s.apikey).toBe(SERVICE_ROLE_KEY);
      expect(s.authorization).toBe(`Bearer ${SERVICE_ROLE_KEY}`);
    }
    expect(seen[1]!.body).toMatchObject({
      p_numcli: "004200",
      p_dry_run: true,
      p_rows: [
        {
          line: 2,
          customer: "SISTEC560",
          number: "2024-900",
          issued_on: "2024-02-01",
          due_on: "2024-03-01",
          amount_cents: 1000,
          object: "Eau",
          status: "unpaid",
          pdf_key: "004200/2024-900.pdf",
          pdf_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ],
    });
    expect(seen[3]!.body).toMatchObject({ p_dry_run: false });
    expect(seen[2]).toMatchObject({ upsert: "true", contentType: "application/pdf", body: pdfOf("2024-900").length });
  });

  it("retries a Storage upload that failed with a 5xx, and reports a 4xx with the key", async () => {
    let calls = 0;
    const seen: Seen[] = [];
    server.use(
      ...recordAll(seen, {}, () => {
        calls++;
        return calls === 1 ? HttpResponse.json({ statusCode: "500", error: "Internal", message: "boom" }, { status: 500 }) : HttpResponse.json({ Key: "k" });
      }),
    );
    const target = await createSupabaseImportTarget(testEnv(), { retryDelayMs: 1 });
    await target.storePdf("004200/A.pdf", pdfOf("A"));
    expect(calls).toBe(2);

    server.resetHandlers();
    server.use(...recordAll(seen, {}, () => HttpResponse.json({ statusCode: "403", error: "Unauthorized", message: "new row violates row-level security policy" }, { status: 403 })));
    await expect(target.storePdf("004200/B.pdf", pdfOf("B"))).rejects.toThrow(SupabaseAdapterError);
    await expect(target.storePdf("004200/B.pdf", pdfOf("B"))).rejects.toThrow(/invoices\/004200\/B.pdf failed \(HTTP 403\)/);
  });

  it("turns a PostgREST error of a batch into an adapter error naming the function", async () => {
    server.use(
      http.post(`${SUPABASE_URL}/rest/v1/rpc/import_customers`, () =>
        HttpResponse.json({ code: "P0002", message: "unknown service 009999", details: null, hint: null }, { status: 400 }),
      ),
    );
    const target = await createSupabaseImportTarget(testEnv());
    await expect(target.importCustomers("009999", [], true)).rejects.toThrow(/rpc import_customers failed \(HTTP 400 P0002\): unknown service 009999/);
  });

  const invoiceRows = (count: number): InvoiceRowJson[] =>
    Array.from({ length: count }, (_, i) => ({
      line: i + 2,
      customer: "SISTEC560",
      number: `2024-${String(i).padStart(5, "0")}`,
      issued_on: "2024-02-01",
      due_on: "2024-03-01",
      amount_cents: 1000,
      object: "Eau",
      status: "unpaid",
      pdf_key: null,
      pdf_sha256: null,
    }));

  it("sends a batch in .rpc() calls well under PostgREST's max_rows (1000) and the 8 s statement timeout, outcomes in order", async () => {
    expect(SUPABASE_IMPORT_BATCH_ROWS).toBeLessThanOrEqual(500);
    const seen: Seen[] = [];
    server.use(...recordAll(seen, { import_invoices: invoiceOutcome(true) }, () => HttpResponse.json({})));
    const target = await createSupabaseImportTarget(testEnv());
    const rows = invoiceRows(2 * SUPABASE_IMPORT_BATCH_ROWS + 200);
    const outcomes = await target.importInvoices("004200", rows, true);
    expect(seen.map((s) => (s.body as { p_rows: unknown[] }).p_rows.length)).toEqual([SUPABASE_IMPORT_BATCH_ROWS, SUPABASE_IMPORT_BATCH_ROWS, 200]);
    expect(seen.every((s) => (s.body as { p_numcli: string; p_dry_run: boolean }).p_numcli === "004200")).toBe(true);
    expect(outcomes.map((o) => o.line)).toEqual(rows.map((r) => r.line));
  });

  it("an answer with fewer rows than lines sent (PostgREST's max_rows cut it) is a clear error, never a silent loss", async () => {
    // A project whose [api] max_rows was lowered to 100: PostgREST answers the first 100 rows only.
    server.use(
      http.post(`${SUPABASE_URL}/rest/v1/rpc/import_customers`, async ({ request }) => {
        const body = (await request.json()) as { p_rows: { line: number; number: string }[] };
        return HttpResponse.json(body.p_rows.slice(0, 100).map((r) => ({ line: r.line, customer_number: r.number, outcome: "created", changed: [] })));
      }),
    );
    const target = await createSupabaseImportTarget(testEnv());
    const rows = Array.from({ length: 300 }, (_, i) => ({ line: i + 2, number: `A${i}`, name: "Abonné", email: null, paper: null }));
    const failure = target.importCustomers("004200", rows, false);
    await expect(failure).rejects.toThrow(SupabaseAdapterError);
    await expect(target.importCustomers("004200", rows, false)).rejects.toThrow(
      /rpc import_customers answered 100 rows for 300 lines sent.*max_rows/,
    );
  });
});
