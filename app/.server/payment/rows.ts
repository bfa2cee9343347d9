import type { AttemptToReconcile, PaymentResultInput, PaymentResultOutcome } from "../ports/payment";

/**
 * Row shapes of the server's payment SQL functions (service role: apply_payment_result,
 * payments_to_reconcile), and their mapping to the ports' types. No rule here: only names and
 * types. The resident's payment rows are mapped with the resident's other pages
 * (app/.server/data/resident.ts).
 */

export function toOutcome(j: { outcome: PaymentResultOutcome["outcome"]; status?: PaymentResultOutcome["status"]; attempt_id?: string }): PaymentResultOutcome {
  return {
    outcome: j.outcome,
    ...(j.status ? { status: j.status } : {}),
    ...(j.attempt_id ? { attemptId: j.attempt_id } : {}),
  };
}

export interface ReconcileRow {
  id: string;
  provider: AttemptToReconcile["provider"];
  idop: string | null;
  refdet: string;
  status: AttemptToReconcile["status"];
  past_window: boolean;
}

export const toAttemptToReconcile = (r: ReconcileRow): AttemptToReconcile => ({
  id: r.id,
  provider: r.provider,
  idop: r.idop,
  refdet: r.refdet,
  status: r.status,
  pastWindow: r.past_window,
});

/** apply_payment_result's parameters, named as PostgREST wants them (and in SQL order). */
export function applyArgs(input: PaymentResultInput) {
  return {
    p_source: input.source,
    p_idop: input.idop,
    p_tipi_token: input.tipiToken,
    p_refdet: input.refdet,
    p_numcli: input.numcli,
    p_amount_cents: input.amountCents,
    p_resultrans: input.resultrans,
    p_numauto: input.numauto,
    p_transaction_at: input.transactionAt,
    p_payload: input.payload,
    p_source_verified: input.sourceVerified,
  };
}
