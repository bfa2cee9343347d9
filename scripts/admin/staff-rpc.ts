import type { Rpc } from "../../app/.server/data/rpc";
import { createServiceRoleClient } from "../../app/.server/supabase/clients";
import { createSupabaseRpc } from "../../app/.server/supabase/rpc";
import { supabaseSettings } from "../../app/.server/supabase/settings";
import type { Env } from "../../app/.server/env";

/**
 * The staff's SQL, the same for both backends (supabase/migrations/20261206090100_staff_payments_stats.sql):
 * `rpc` is the service role's, on the embedded database (app/.server/embedded/rpc.ts) or through
 * PostgREST with SUPABASE_SERVICE_ROLE_KEY (app/.server/supabase/rpc.ts): one call per command.
 */

/** A payment waiting for staff (public.staff_payments_to_confirm). */
export interface PaymentToConfirm {
  attemptId: string;
  startedAt: string;
  reportedAt: string | null;
  numcli: string;
  serviceName: string;
  customerNumbers: string[];
  customerNames: string[];
  invoiceNumbers: string[];
  amountCents: number;
  provider: "payfip_ws" | "tipi";
  refdet: string;
  idop: string | null;
  numauto: string | null;
  sourceAddress: string | null;
  /** reported | payfip_answer_refused | payfip_no_answer */
  reason: string;
  reasonLabel: string;
}

export async function paymentsToConfirm(rpc: Rpc, numcli: string | undefined): Promise<PaymentToConfirm[]> {
  const rows = await rpc.call("staff_payments_to_confirm", { p_numcli: numcli });
  return rows.map((r) => ({
    attemptId: r.attempt_id,
    startedAt: r.started_at,
    reportedAt: r.reported_at,
    numcli: r.numcli,
    serviceName: r.service_name,
    customerNumbers: r.customer_numbers,
    customerNames: r.customer_names,
    invoiceNumbers: r.invoice_numbers,
    amountCents: Number(r.amount_cents),
    provider: r.provider,
    refdet: r.refdet,
    idop: r.idop,
    numauto: r.numauto,
    sourceAddress: r.source_address,
    reason: r.reason,
    reasonLabel: r.reason_label,
  }));
}

/** What public.confirm_reported_payment / reject_reported_payment answered. */
export interface ReviewOutcome {
  outcome: "confirmed" | "rejected" | "not_reported" | "unknown";
  status?: string;
  reviewed_by?: string | null;
  reviewed_at?: string | null;
}

export async function reviewPayment(rpc: Rpc, decision: "confirm" | "reject", attemptId: string, by: string, reason: string): Promise<ReviewOutcome> {
  const args = { p_attempt_id: attemptId, p_by: by, p_reason: reason };
  const answer = decision === "confirm" ? await rpc.call("confirm_reported_payment", args) : await rpc.call("reject_reported_payment", args);
  if (answer === null || typeof answer !== "object" || Array.isArray(answer) || typeof answer.outcome !== "string") {
    throw rpc.answerError(`${decision}_reported_payment`, `answered ${JSON.stringify(answer)}`);
  }
  return answer as unknown as ReviewOutcome;
}

/** One row of public.staff_monthly_activity: a service's month, or (numcli null) the month's totals. */
export interface MonthlyActivity {
  month: string;
  numcli: string | null;
  serviceName: string;
  accountsActivated: number;
  customers: number;
  customersWithAccount: number;
  paperOptouts: number;
  paymentsCount: number;
  paymentsCents: number;
  /** Portal-wide (totals rows only): an e-mail belongs to no service. */
  emailsSent: number | null;
  emailsFailed: number | null;
}

/** `month`: "AAAA-MM-01", or undefined for every month. */
export async function monthlyActivity(rpc: Rpc, month: string | undefined, numcli: string | undefined): Promise<MonthlyActivity[]> {
  const rows = await rpc.call("staff_monthly_activity", { p_month: month, p_numcli: numcli });
  return rows.map((r) => ({
    month: r.month,
    numcli: r.numcli ?? null,
    serviceName: r.service_name,
    accountsActivated: Number(r.accounts_activated),
    customers: Number(r.customers),
    customersWithAccount: Number(r.customers_with_account),
    paperOptouts: Number(r.paper_optouts),
    paymentsCount: Number(r.payments_count),
    paymentsCents: Number(r.payments_cents),
    emailsSent: r.emails_sent === null ? null : Number(r.emails_sent),
    emailsFailed: r.emails_failed === null ? null : Number(r.emails_failed),
  }));
}

/** The service role's rpc through PostgREST (SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY). */
export function supabaseStaffRpc(config: Env): Rpc {
  const settings = supabaseSettings(config);
  return createSupabaseRpc(() => createServiceRoleClient(settings));
}
