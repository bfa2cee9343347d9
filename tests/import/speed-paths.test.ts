import { link, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { asLiveUser, SEED, testDatabase } from "../support/database";
import { importFiles, pdfOf, tempDataDir } from "./helpers";

/**
 * The code paths added to make 100 000 invoices import quickly (docs/import.md, section 6;
 * docs/decisions/0018-import-speed.md): how the embedded file store writes new and replaced PDFs,
 * the per-line index lookups of the SQL functions, and the writes of one statement still firing the
 * rules that hang on them (a reported payment settled by the billing's "paid").
 */
let db: Database;
let dataDir: string;
beforeEach(async () => {
  db = await testDatabase();
  dataDir = await tempDataDir();
});
afterEach(async () => {
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const store = (...parts: string[]) => join(dataDir, "storage/invoices/004200", ...parts);
const ONE = {
  customers: ["RIV1;Hélène Lefèvre;helene@exemple.fr;non"],
  invoices: ["RIV1;2024-001;15/01/2024;15/02/2024;12,50;Eau potable;non réglée", "RIV1;2024-002;15/02/2024;15/03/2024;20,00;Eau potable;non réglée"],
  pdfs: { "2024-001.pdf": pdfOf("2024-001"), "2024-002.pdf": pdfOf("2024-002") },
};

describe("the embedded file store", () => {
  it("replaces a changed PDF by a new file (temp file + rename): the old file is never overwritten in place", async () => {
    await importFiles(db, dataDir, ONE);
    // Another name for the stored file, as a reader that has it open would hold it.
    const held = join(dataDir, "held.pdf");
    await link(store("2024-002.pdf"), held);
    const report = await importFiles(db, dataDir, { ...ONE, pdfs: { ...ONE.pdfs, "2024-002.pdf": pdfOf("2024-002", 9999) } });
    expect(report.pdfs).toEqual({ stored: 1, unchanged: 1 });
    expect(new Uint8Array(await readFile(store("2024-002.pdf")))).toEqual(pdfOf("2024-002", 9999));
    expect(new Uint8Array(await readFile(held))).toEqual(pdfOf("2024-002"));
    expect((await readdir(store())).sort()).toEqual(["2024-001.pdf", "2024-002.pdf"]);
  });

  it("replaces a file left at a new invoice's key (an import stopped while writing it)", async () => {
    await mkdir(store(), { recursive: true });
    await writeFile(store("2024-001.pdf"), "%PDF-1.4 tronqu");
    const report = await importFiles(db, dataDir, ONE);
    expect(report.errors).toEqual([]);
    expect(report.pdfs).toEqual({ stored: 2, unchanged: 0 });
    expect(new Uint8Array(await readFile(store("2024-001.pdf")))).toEqual(pdfOf("2024-001"));
    expect((await readdir(store())).sort()).toEqual(["2024-001.pdf", "2024-002.pdf"]);
  });
});

describe("the SQL functions", () => {
  it("find each line's invoice by an index lookup: a small batch reads a few rows, not the whole service", async () => {
    const customers = Array.from({ length: 3000 }, (_, i) => `C${i};Abonné ${i};;oui`);
    const lines = Array.from({ length: 3000 }, (_, i) => `C${i};2024-${String(i).padStart(5, "0")};15/01/2024;15/02/2024;1,00;;non réglée`);
    const pdfs = Object.fromEntries(lines.map((_, i) => [`2024-${String(i).padStart(5, "0")}.pdf`, pdfOf("x")]));
    expect((await importFiles(db, dataDir, { customers, invoices: lines, pdfs })).invoices.created).toBe(3000);
    // Ten lines checked again. The table counters are read before and after the call, in its
    // transaction (pending counters may still hold earlier transactions' reads: the difference counts).
    const rows = lines.slice(0, 10).map((_, i) => ({
      line: i + 2, customer: `C${i}`, number: `2024-${String(i).padStart(5, "0")}`, issued_on: "2024-01-15", due_on: "2024-02-15",
      amount_cents: 100, object: "", status: "unpaid", pdf_key: null, pdf_sha256: null,
    }));
    const read = await db.pg.transaction(async (tx) => {
      const counters = async () => {
        const { rows: stats } = await tx.query<{ relname: string; fetched: number }>(
          `select relname, (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int as fetched
           from pg_stat_xact_user_tables where relid in ('portal.invoices'::regclass, 'portal.customers'::regclass)`,
        );
        return Object.fromEntries(stats.map((r) => [r.relname, r.fetched]));
      };
      const before = await counters();
      const { rows: out } = await tx.query<{ outcome: string }>("select * from public.import_invoices('004200', $1::jsonb, true)", [JSON.stringify(rows)]);
      expect(out.map((o) => o.outcome)).toEqual(Array(10).fill("unchanged"));
      const after = await counters();
      return { invoices: after.invoices! - (before.invoices ?? 0), customers: after.customers! - (before.customers ?? 0) };
    });
    // One row per line from each table (a join over the service would read 3 000 of each).
    expect(read.invoices).toBeLessThanOrEqual(20);
    expect(read.customers).toBeLessThanOrEqual(20);
  });

  it("an import marking every invoice of a reported payment paid settles it, in the same batch", async () => {
    // A classic TIPI payment of two invoices, reported from an address that is not DGFiP's.
    await db.pg.query("update portal.services set payment_provider = 'tipi', allow_multiple_invoices = true where id = $1", [SEED.serviceId]);
    const { rows: ids } = await db.pg.query<{ id: string }>("select id from portal.invoices where number in ('2017-020-002059', '2017-020-002410') order by number");
    const { rows: started } = await asLiveUser(db, SEED.demoUserId, SEED.demoEmail, (tx) =>
      tx.query<{ r: { attempt_id: string; refdet: string; amount_cents: number; tipi_token: string } }>("select public.start_payment($1::uuid[]) as r", [ids.map((r) => r.id)]),
    );
    const s = started[0]!.r;
    await db.asService((tx) =>
      tx.query("select public.apply_payment_result($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", [
        "test", null, s.tipi_token, s.refdet, "004200", s.amount_cents, "P", "N1", "2026-11-28T10:11:00Z", "{}", false,
      ]),
    );
    const attempt = async () =>
      (await db.pg.query<{ status: string; reviewed_by: string | null }>("select status::text as status, reviewed_by from portal.payment_attempts where id = $1", [s.attempt_id])).rows[0];
    expect(await attempt()).toMatchObject({ status: "reported" });

    const report = await importFiles(db, dataDir, {
      invoices: [
        "SISTEC560;2017-020-002059;10/07/2017;21/07/2017;243,11;Multi Services;réglée",
        "SISTEC560;2017-020-002410;09/10/2017;20/10/2017;87,50;Eau potable;réglée",
      ],
    });
    expect(report.errors).toEqual([]);
    expect(report.invoices).toEqual({ created: 0, updated: 2, unchanged: 0, rejected: 0 });
    expect(await attempt()).toEqual({ status: "paid", reviewed_by: "import de la facturation" });
  });
});
