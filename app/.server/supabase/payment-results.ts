import type { SupabaseClient } from "@supabase/supabase-js";
import type { PaymentResultsPort } from "../ports";
import { applyArgs, toAttemptToReconcile, toOutcome, type ReconcileRow } from "../payment/rows";
import { rpcError, SupabaseAdapterError } from "./errors";

/**
 * Payment results through PostgREST with the service-role client: the notification, the browser
 * return and the reconciliation job are server paths with no resident session (ARCHITECTURE.md).
 */
export function createSupabasePaymentResults(serviceRole: SupabaseClient): PaymentResultsPort {
  return {
    async apply(input) {
      const { data, error, status } = await serviceRole.rpc("apply_payment_result", applyArgs(input));
      if (error) throw rpcError("rpc apply_payment_result", error, status);
      const value = data as { outcome?: unknown } | null;
      if (!value || typeof value.outcome !== "string") {
        throw new SupabaseAdapterError(`Supabase rpc apply_payment_result answered ${JSON.stringify(data)}`, {
          operation: "rpc apply_payment_result",
          status,
        });
      }
      return toOutcome(value as Parameters<typeof toOutcome>[0]);
    },
    async expire(attemptId, reason) {
      const { data, error, status } = await serviceRole.rpc("expire_payment_attempt", { p_attempt_id: attemptId, p_reason: reason });
      if (error) throw rpcError("rpc expire_payment_attempt", error, status);
      return data === true;
    },
    async toReconcile(limit) {
      const { data, error, status } = await serviceRole.rpc("payments_to_reconcile", { p_limit: limit });
      if (error) throw rpcError("rpc payments_to_reconcile", error, status);
      if (!Array.isArray(data)) {
        throw new SupabaseAdapterError("Supabase rpc payments_to_reconcile answered something other than rows", {
          operation: "rpc payments_to_reconcile",
          status,
        });
      }
      return (data as ReconcileRow[]).map(toAttemptToReconcile);
    },
  };
}
