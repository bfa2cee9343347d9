import { HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runStaffCommand } from "../../scripts/admin/staff";
import { supabaseStaffRpc } from "../../scripts/admin/staff-rpc";
import { requestRecorder, SERVICE_ROLE_KEY, testEnv } from "../supabase/msw-supabase";

/**
 * `npm run admin -- paiements … | stats …` with Supabase (SUPABASE_SERVICE_ROLE_KEY set): one
 * PostgREST call per command, `POST /rest/v1/rpc/<fn>` with the service role's key and the named
 * arguments, against MSW playing PostgREST (tests/supabase/msw-supabase.ts).
 */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const { seen, rpc, clear } = requestRecorder("unused", "unused@exemple.fr");
afterEach(() => {
  server.resetHandlers();
  clear();
});

const ATTEMPT = "a7000000-0000-4000-8000-000000000001";
const run = (...argv: string[]) => runStaffCommand(supabaseStaffRpc(testEnv()), argv);
const serviceRole = { apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}` };

describe("with Supabase", () => {
  it("paiements a-confirmer --service: one rpc with p_numcli, the rows printed", async () => {
    server.use(
      rpc("staff_payments_to_confirm", () =>
        HttpResponse.json([
          {
            attempt_id: ATTEMPT,
            started_at: "2026-11-28T09:00:00+00:00",
            reported_at: "2026-11-28T09:05:00+00:00",
            numcli: "004281",
            service_name: "Cantine",
            customer_numbers: ["PAI0002"],
            customer_names: ["Famille Paiement"],
            invoice_numbers: ["2018-030-000101"],
            amount_cents: 4250,
            provider: "tipi",
            refdet: "2018030000101T000001",
            idop: null,
            numauto: "N1",
            transaction_at: "2026-11-28T09:04:00+00:00",
            source_address: "203.0.113.9",
            reason: "reported",
            reason_label: "signalé payé (TIPI), non vérifié auprès de la DGFiP",
          },
        ]),
      ),
    );
    const { code, stdout } = await run("paiements", "a-confirmer", "--service", "004281");
    expect(code).toBe(0);
    expect(seen).toEqual([{ method: "POST", path: "/rest/v1/rpc/staff_payments_to_confirm", body: { p_numcli: "004281" }, ...serviceRole }]);
    expect(stdout).toContain("28/11/2026 10:05");
    expect(stdout).toMatch(/PAI0002 Famille Paiement\s+2018-030-000101\s+42,50\s€\s+TIPI\s+2018030000101T000001\s+—\s+signalé payé \(TIPI\), non vérifié auprès de la DGFiP \(depuis 203\.0\.113\.9\)/);
  });

  it("paiements a-confirmer without --service: no argument (the SQL default: every service)", async () => {
    server.use(rpc("staff_payments_to_confirm", () => HttpResponse.json([])));
    expect((await run("paiements", "a-confirmer")).stdout).toBe("Aucun paiement à confirmer.");
    expect(seen.map((s) => s.body)).toEqual([{}]);
  });

  it("paiements confirmer <id>: one rpc confirm_reported_payment with who and why", async () => {
    server.use(rpc("confirm_reported_payment", () => HttpResponse.json({ outcome: "confirmed", status: "paid" })));
    const done = await run("paiements", "confirmer", ATTEMPT, "--motif", "Relevé du 28/11", "--par", "Mme Comptable");
    expect(done.stdout).toMatch(/^Paiement a7000000-0000-4000-8000-000000000001 confirmé par Mme Comptable/);
    expect(seen).toEqual([
      { method: "POST", path: "/rest/v1/rpc/confirm_reported_payment", body: { p_attempt_id: ATTEMPT, p_by: "Mme Comptable", p_reason: "Relevé du 28/11" }, ...serviceRole },
    ]);
  });

  it("paiements rejeter <id>: reject_reported_payment; its refusal said in French", async () => {
    server.use(rpc("reject_reported_payment", () => HttpResponse.json({ outcome: "not_reported", status: "paid", reviewed_by: "Mme Comptable", reviewed_at: null })));
    const done = await run("paiements", "rejeter", ATTEMPT, "--motif", "erreur", "--par", "M. Régisseur");
    expect(done).toMatchObject({ code: 1, stderr: expect.stringMatching(/n'est pas à confirmer \(état : réglé, décision de Mme Comptable\)/) });
    expect(seen.map((s) => s.path)).toEqual(["/rest/v1/rpc/reject_reported_payment"]);
  });

  it("stats --mois --service: one rpc staff_monthly_activity with the month's first day", async () => {
    server.use(
      rpc("staff_monthly_activity", () =>
        HttpResponse.json([
          { month: "2026-10-01", numcli: "004200", service_name: "Eau", accounts_activated: 4, customers: 10, customers_with_account: 5, paper_optouts: 1, payments_count: 2, payments_cents: 12345, emails_sent: null, emails_failed: null },
          { month: "2026-10-01", numcli: null, service_name: "Ensemble", accounts_activated: 4, customers: 10, customers_with_account: 5, paper_optouts: 1, payments_count: 2, payments_cents: 12345, emails_sent: 7, emails_failed: 0 },
        ]),
      ),
    );
    const { stdout } = await run("stats", "--mois", "2026-10", "--service", "004200");
    expect(seen).toEqual([{ method: "POST", path: "/rest/v1/rpc/staff_monthly_activity", body: { p_month: "2026-10-01", p_numcli: "004200" }, ...serviceRole }]);
    expect(stdout).toMatch(/^Octobre 2026\n/);
    expect(stdout).toMatch(/004200 Eau\s+4\s+5 \/ 10\s+50\s%\s+1\s+2\s+123,45\s€\s+—\s+—/);
  });

  it("a PostgREST error is not mistaken for an answer", async () => {
    server.use(rpc("staff_monthly_activity", () => HttpResponse.json({ code: "42501", message: "permission denied for function staff_monthly_activity" }, { status: 403 })));
    await expect(run("stats")).rejects.toThrow(/staff_monthly_activity/);
  });
});
