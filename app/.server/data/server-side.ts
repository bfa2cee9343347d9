import type { ClaimedEmail, OutboxPort } from "../ports/outbox";
import type { PaymentResultsPort } from "../ports/payment";
import { applyArgs, toAttemptToReconcile, toOutcome } from "../payment/rows";
import type { Json, RpcRow, WithNull } from "./db-types";
import { callJson, type Rpc } from "./rpc";

/**
 * The server's own ports (service role), written once for both backends over `rpc` — the
 * service role's (Supabase: the service-role client; embedded: `db.run({ role: "service_role" })`).
 * Rules are in the SQL functions they call; here only names, types and answer shapes.
 */

/** A claimed e-mail: reply_to is null when the message has none. */
type ClaimRow = WithNull<RpcRow<"outbox_claim">, "reply_to" | "unsubscribe_account">;

/** The columns of a portal.email_outbox row that make the message itself. */
export interface OutboxMessageRow {
  id: string;
  kind: string;
  to_address: string;
  reply_to: string | null;
  subject: string;
  html_body: string;
  text_body: string;
}

/** The message of an outbox row under the ports' names (ClaimedEmail; the embedded outbox viewer's OutboxEmail). */
export function outboxMessage(r: OutboxMessageRow): Pick<ClaimedEmail, "id" | "kind" | "to" | "replyTo" | "subject" | "html" | "text"> {
  return { id: r.id, kind: r.kind, to: r.to_address, replyTo: r.reply_to, subject: r.subject, html: r.html_body, text: r.text_body };
}

/** The sender's side of portal.email_outbox: public.outbox_* functions. */
export function createOutbox(rpc: Rpc): OutboxPort {
  function flag(fn: "outbox_mark_sent" | "outbox_mark_retry" | "outbox_mark_failed", value: unknown): boolean {
    if (typeof value !== "boolean") throw rpc.answerError(fn, `answered ${JSON.stringify(value)} instead of a boolean`);
    return value;
  }
  return {
    async claim(limit, leaseSeconds, options) {
      const rows: ClaimRow[] = await rpc.call("outbox_claim", { p_limit: limit, p_lease_seconds: leaseSeconds, p_broadcast: options?.broadcast === true });
      if (!Array.isArray(rows)) throw rpc.answerError("outbox_claim", "answered something other than rows");
      return rows.map(
        (r): ClaimedEmail => ({
          ...outboxMessage(r),
          claimToken: r.claim_token,
          attempts: Number(r.attempts),
          stream: r.stream === "broadcast" ? "broadcast" : "transactional",
          unsubscribeAccount: r.unsubscribe_account ?? null,
        }),
      );
    },
    markSent: async (id, claim, messageId) =>
      flag("outbox_mark_sent", await rpc.call("outbox_mark_sent", { p_id: id, p_claim_token: claim, p_provider_message_id: messageId })),
    markRetry: async (id, claim, error) =>
      flag("outbox_mark_retry", await rpc.call("outbox_mark_retry", { p_id: id, p_claim_token: claim, p_error: error })),
    markFailed: async (id, claim, error) =>
      flag("outbox_mark_failed", await rpc.call("outbox_mark_failed", { p_id: id, p_claim_token: claim, p_error: error })),
  };
}

/** Provider results and reconciliation: public.apply_payment_result & co. */
export function createPaymentResults(rpc: Rpc): PaymentResultsPort {
  return {
    async apply(input) {
      // The payload is what the provider sent (form fields, a SOAP answer): JSON by construction.
      const value = await callJson<Partial<Parameters<typeof toOutcome>[0]>>(rpc, "apply_payment_result", {
        ...applyArgs(input),
        p_payload: input.payload as Json,
      });
      if (typeof value.outcome !== "string") throw rpc.answerError("apply_payment_result", `answered ${JSON.stringify(value)}`);
      return toOutcome(value as Parameters<typeof toOutcome>[0]);
    },
    async expire(attemptId, reason) {
      return (await rpc.call("expire_payment_attempt", { p_attempt_id: attemptId, p_reason: reason })) === true;
    },
    async toReconcile(limit) {
      const rows: WithNull<RpcRow<"payments_to_reconcile">, "idop">[] = await rpc.call("payments_to_reconcile", { p_limit: limit });
      if (!Array.isArray(rows)) throw rpc.answerError("payments_to_reconcile", "answered something other than rows");
      return rows.map(toAttemptToReconcile);
    },
  };
}
