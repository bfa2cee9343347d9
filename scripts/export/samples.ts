/**
 * The sample files of docs/export-sample/ (docs/export.md): the demo data (supabase/seed.sql) plus
 * a fixture — two payments settled online (PayFiP, two invoices; classic TIPI, one) and two paper
 * opt-out requests — in a fresh in-memory embedded database, exported as staff export them. The
 * demo seeds no settled payment of its own, hence the fixture. Deterministic: the same bytes every
 * time (tests/exports/samples.test.ts compares them with the committed files).
 */
import { openDatabase } from "../../app/.server/embedded/database";
import { createEmbeddedRpc } from "../../app/.server/embedded/rpc";
import { csvText, encodeExport } from "./csv";
import { callExport, EXPORTS, rowOf, type ExportKind } from "./kinds";
import { DEFAULT_ENCODING, type ExportEncoding } from "./options";

const FIXTURE = `
insert into portal.payment_attempts (id, service_id, refdet, idop, amount_cents, provider, numcli, saisie, created_at)
values ('ea000000-0000-4000-8000-000000000001', '5e000000-0000-4000-8000-000000004200', 'GRP2F2018020000101P482913',
        'a1b2c3d4-demo-idop-0001', 3579, 'payfip_ws', '004200', 'T', '2026-12-01 10:12:00+01'),
       ('ea000000-0000-4000-8000-000000000002', '5e000000-0000-4000-8000-000000004281', '2018021000201P305118',
        null, 2650, 'tipi', '004281', 'T', '2026-12-02 18:40:00+01');
insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
values ('ea000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000101', 1234),
       ('ea000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000102', 2345),
       ('ea000000-0000-4000-8000-000000000002', '1a000000-0000-4000-8000-000000000201', 2650);
select portal.mark_payment_attempt_paid('ea000000-0000-4000-8000-000000000001', 'P', '123456', '2026-12-01 10:14:37+01');
select portal.mark_payment_attempt_paid('ea000000-0000-4000-8000-000000000002', 'P', '654321', '2026-12-02 18:43:05+01');
insert into portal.customers (id, service_id, customer_number, display_name, email, paper_invoices)
values ('c0000000-0000-4000-8000-0000000000e1', '5e000000-0000-4000-8000-000000004200', 'RIV00012', 'Hélène Lefèvre', null, true);
insert into portal.paper_optout_requests (customer_id, requested_at)
values ('c0000000-0000-4000-8000-0000000000e1', '2026-12-01 08:30:12+01'),
       ('c0000000-0000-4000-8000-000000000002', '2026-12-03 14:05:40+01');
`;

export const SAMPLE_FILES: Record<string, { kind: ExportKind; encoding: ExportEncoding }> = {
  "paiements.csv": { kind: "paiements", encoding: DEFAULT_ENCODING },
  "papier.csv": { kind: "papier", encoding: DEFAULT_ENCODING },
  "paiements-utf8.csv": { kind: "paiements", encoding: "utf-8" },
};

export async function buildSamples(): Promise<Record<string, Uint8Array>> {
  const db = await openDatabase({ dataDir: "memory://", seed: true });
  try {
    await db.pg.exec(FIXTURE);
    const rpc = createEmbeddedRpc(db, { role: "service_role" });
    const files: Record<string, Uint8Array> = {};
    for (const [name, { kind, encoding }] of Object.entries(SAMPLE_FILES)) {
      // A period covering the fixture: nothing recorded, so every file has the same lines.
      const answer = await callExport(rpc, kind, { numcli: null, from: "2026-12-01", to: "2026-12-31", out: null, encoding, dryRun: false }, "exemple");
      files[name] = encodeExport(csvText(EXPORTS[kind].header, (answer.lines ?? []).map((l) => rowOf(kind, l))), encoding).bytes;
    }
    return files;
  } finally {
    await db.close();
  }
}
