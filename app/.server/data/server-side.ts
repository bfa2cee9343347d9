import type { ClaimedEmail, OutboxPort, PaymentResultsPort } from "../ports";
import { applyArgs, toAttemptToReconcile, toOutcome, type ReconcileRow } from "../payment/rows";
import type { Rpc } from "./rpc";

/**
 * The server's own ports (service role), written once for both backends over `rpc` — the
 * service role's (Supabase: the service-role client; embedded: `db.run({ role: "service_role" })`).
 * Rules are in the SQL functions they call; here only names, types and answer shapes.
 */

interface ClaimRow {
  id: string;
  claim_token: string;
  kind: string;
  to_address: string;
  reply_to: string | null;
  subject: string;
  html_body: string;
  text_body: string;
  attempts: number;
}

/** The sender's side of portal.email_outbox: public.outbox_* functions. */
export function createOutbox(rpc: Rpc): OutboxPort {
  async function flag(fn: string, args: Record<string, unknown>): Promise<boolean> {
    const value = await rpc.call<unknown>(fn, args);
    if (typeof value !== "boolean") throw new Error(`rpc ${fn} answered ${JSON.stringify(value)} instead of a boolean`);
    return value;
  }
  return {
    async claim(limit, leaseSeconds) {
      const rows = await rpc.call<unknown>("outbox_claim", { p_limit: limit, p_lease_seconds: leaseSeconds });
      if (!Array.isArray(rows)) throw new Error("rpc outbox_claim answered something other than rows");
      return (rows as ClaimRow[]).map(
        (r): ClaimedEmail => ({
          id: r.id,
          claimToken: r.claim_token,
          kind: r.kind,
          to: r.to_address,
          replyTo: r.reply_to,
          subject: r.subject,
          html: r.html_body,
          text: r.text_body,
          attempts: Number(r.attempts),
        }),
      );
    },
    markSent: (id, claim, messageId) => flag("outbox_mark_sent", { p_id: id, p_claim_token: claim, p_provider_message_id: messageId }),
    markRetry: (id, claim, error) => flag("outbox_mark_retry", { p_id: id, p_claim_token: claim, p_error: error }),
    markFailed: (id, claim, error) => flag("outbox_mark_failed", { p_id: id, p_claim_token: claim, p_error: error }),
  };
}

/** Provider results and reconciliation: public.apply_payment_result & co. */
export function createPaymentResults(rpc: Rpc): PaymentResultsPort {
  return {
    async apply(input) {
      const value = await rpc.call<{ outcome?: unknown } | null>("apply_payment_result", applyArgs(input));
      if (!value || typeof value.outcome !== "string") throw new Error(`rpc apply_payment_result answered ${JSON.stringify(value)}`);
      return toOutcome(value as Parameters<typeof toOutcome>[0]);
    },
    async expire(attemptId, reason) {
      return (await rpc.call<unknown>("expire_payment_attempt", { p_attempt_id: attemptId, p_reason: reason })) === true;
    },
    async toReconcile(limit) {
      const rows = await rpc.call<unknown>("payments_to_reconcile", { p_limit: limit });
      if (!Array.isArray(rows)) throw new Error("rpc payments_to_reconcile answered something other than rows");
      return (rows as ReconcileRow[]).map(toAttemptToReconcile);
    },
  };
}
