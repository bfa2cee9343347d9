/**
 * The exports with Supabase (scripts/export/target.ts over the service-role client): one
 * PostgREST call of the SQL function with the service role's key and the options as arguments,
 * the answer written as the file; an unknown service, an answer it cannot read and a function
 * missing from the schema each stop the command with a French message. Against MSW
 * (tests/supabase/msw-supabase.ts).
 */
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { decodeText, parseCsv } from "~/.server/import/csv";
import { runExportCommand } from "../../scripts/export/run";
import type { ExportKind } from "../../scripts/export/kinds";
import { pgrst202, SERVICE_ROLE_KEY, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  apikey: string | null;
  authorization: string | null;
  body: unknown;
}

/** Answers public.export_for_billing for one kind (`p_kind`), recording each call's key and arguments but p_kind. */
function answering(kind: string, answer: Record<string, unknown>, status = 200): Seen[] {
  const seen: Seen[] = [];
  server.use(
    http.post(`${SUPABASE_URL}/rest/v1/rpc/export_for_billing`, async ({ request }) => {
      const { p_kind, ...body } = (await request.json()) as { p_kind: string };
      expect(p_kind).toBe(kind);
      seen.push({ apikey: request.headers.get("apikey"), authorization: request.headers.get("authorization"), body });
      return HttpResponse.json(answer, { status });
    }),
  );
  return seen;
}

async function run(kind: ExportKind, ...argv: string[]) {
  const out: Uint8Array[] = [];
  let err = "";
  const status = await runExportCommand(kind, argv, { env: () => testEnv(), stdout: (b) => out.push(b), stderr: (t) => (err += t), by: "agent (test)" });
  return { status, stdout: Buffer.concat(out), stderr: err };
}

const PAYMENT_LINE = {
  numcli: "004200",
  customer_number: "PAIE0001",
  invoice_number: "2018-020-000101",
  refdet: "2018020000101P123456",
  amount_cents: 1234,
  paid_on: "01/12/2026",
  paid_time: "10:15:00",
  provider: "PAYFIP",
  transaction_ref: "idop-1",
  numauto: "AUTO1",
  status: "payée",
};

describe("export:payments with Supabase", () => {
  test("« dernier »: one call with the service role's key, recorded under the given name; the lines become the file", async () => {
    const seen = answering("payments", { outcome: "ok", run_id: 7, previous_at: "2026-11-30T08:00:00+00:00", lines: [PAYMENT_LINE] });
    const { status, stdout, stderr } = await run("paiements", "--service", "004200");
    expect(status).toBe(0);
    expect(seen).toEqual([{ apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}`, body: { p_numcli: "004200", p_by: "agent (test)" } }]);
    const decoded = decodeText(stdout);
    expect(decoded.encoding).toBe("windows-1252");
    expect(parseCsv(decoded.text).records[1]!.fields).toEqual(["004200", "PAIE0001", "2018-020-000101", "2018020000101P123456", "12,34", "01/12/2026", "10:15:00", "PAYFIP", "idop-1", "AUTO1", "payée"]);
    expect(stderr).toBe("Export n° 7 enregistré : 1 facture(s) réglée(s) en ligne depuis l'export du 30/11/2026 09:00.\n");
  });

  test("a period and a dry run send their arguments (and no name: nothing is recorded)", async () => {
    const seen = answering("payments", { outcome: "ok", run_id: null, previous_at: null, lines: [] });
    expect((await run("paiements", "--depuis", "2026-11-01", "--jusqu-au", "2026-11-30")).status).toBe(0);
    expect((await run("paiements", "--dry-run")).status).toBe(0);
    expect(seen.map((s) => s.body)).toEqual([{ p_from: "2026-11-01", p_to: "2026-11-30" }, { p_dry_run: true }]);
  });

  test("unknown service: exit 3 in French", async () => {
    answering("payments", { outcome: "unknown_service" });
    const { status, stderr } = await run("paiements", "--service", "999999");
    expect(status).toBe(3);
    expect(stderr).toMatch(/^Erreur : service 999999 inconnu dans Supabase \(https:\/\/abcdefghijklmnopqrst\.supabase\.co\)/);
  });

  test("an answer it cannot read, or a migration not applied: exit 3, nothing claimed, what to do", async () => {
    answering("payments", { outcome: "ok", lines: "beaucoup" });
    const unreadable = await run("paiements");
    expect(unreadable.status).toBe(3);
    expect(unreadable.stderr).toMatch(/^Erreur : l'export n'a pas abouti \(.*export_for_billing.*\)\. Aucune ligne n'a été marquée exportée : relancez la commande/);
    answering("payments", pgrst202("export_for_billing"), 404);
    const missing = await run("paiements");
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/export_for_billing/);
    expect(missing.stdout).toHaveLength(0);
  });
});

describe("export:papier with Supabase", () => {
  test("its own function, in UTF-8 with a BOM on request", async () => {
    const seen = answering("paper", {
      outcome: "ok",
      run_id: 3,
      previous_at: null,
      lines: [{ numcli: "004200", service_name: "Régie des eaux", customer_number: "RIV00013", name: "Dubœuf; François", requested_on: "03/12/2026", requested_time: "08:00:00", paper: "non" }],
    });
    const { status, stdout } = await run("papier", "--encodage", "utf-8");
    expect(status).toBe(0);
    expect(seen[0]!.apikey).toBe(SERVICE_ROLE_KEY);
    expect([...stdout.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parseCsv(decodeText(stdout).text).records[1]!.fields).toEqual(["004200", "Régie des eaux", "RIV00013", "Dubœuf; François", "03/12/2026", "08:00:00", "non"]);
  });
});
