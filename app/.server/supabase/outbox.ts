import type { SupabaseClient } from "@supabase/supabase-js";
import type { ClaimedEmail, OutboxPort } from "../ports";
import { rpcError, SupabaseAdapterError } from "./errors";

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

/** The sender's side of the outbox through PostgREST: outbox_* functions, service role only. */
export function createSupabaseOutbox(serviceRole: SupabaseClient): OutboxPort {
  async function call(name: string, args: Record<string, unknown>): Promise<unknown> {
    const { data, error, status } = await serviceRole.rpc(name, args);
    if (error) throw rpcError(`rpc ${name}`, error, status);
    return data;
  }
  async function flag(name: string, args: Record<string, unknown>): Promise<boolean> {
    const value = await call(name, args);
    if (typeof value !== "boolean") {
      throw new SupabaseAdapterError(`Supabase rpc ${name} answered ${JSON.stringify(value)} instead of a boolean`, { operation: `rpc ${name}` });
    }
    return value;
  }
  return {
    async claim(limit, leaseSeconds) {
      const data = await call("outbox_claim", { p_limit: limit, p_lease_seconds: leaseSeconds });
      if (!Array.isArray(data)) {
        throw new SupabaseAdapterError("Supabase rpc outbox_claim answered something other than rows", { operation: "rpc outbox_claim" });
      }
      return (data as ClaimRow[]).map(
        (r): ClaimedEmail => ({
          id: r.id,
          claimToken: r.claim_token,
          kind: r.kind,
          to: r.to_address,
          replyTo: r.reply_to,
          subject: r.subject,
          html: r.html_body,
          text: r.text_body,
          attempts: r.attempts,
        }),
      );
    },
    markSent: (id, claim, messageId) => flag("outbox_mark_sent", { p_id: id, p_claim_token: claim, p_provider_message_id: messageId }),
    markRetry: (id, claim, error) => flag("outbox_mark_retry", { p_id: id, p_claim_token: claim, p_error: error }),
    markFailed: (id, claim, error) => flag("outbox_mark_failed", { p_id: id, p_claim_token: claim, p_error: error }),
  };
}
