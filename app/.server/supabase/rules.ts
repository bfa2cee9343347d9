import type { SupabaseClient } from "@supabase/supabase-js";
import type { AccountRulesPort } from "../ports";
import { rpcError, SupabaseAdapterError } from "./errors";

/**
 * AccountRulesPort through PostgREST: the SQL functions of *_accounts.sql and *_auth_throttles.sql,
 * granted to service_role only, called with the service-role client. Scalar functions answer a
 * bare JSON value: a string ("eligible", "2026-11-26T10:00:00+00:00") or null.
 */
const ACTIVATION_STATUSES = ["unknown_email", "already_active", "eligible"] as const;
type ActivationStatus = (typeof ACTIVATION_STATUSES)[number];

export function createSupabaseAccountRules(serviceRole: SupabaseClient): AccountRulesPort {
  async function call(name: string, args: Record<string, string | null>): Promise<unknown> {
    const { data, error, status } = await serviceRole.rpc(name, args);
    if (error) throw rpcError(`rpc ${name}`, error, status);
    return data;
  }

  async function timestamp(name: string, args: Record<string, string | null>): Promise<Date | null> {
    const value = await call(name, args);
    if (value === null || value === undefined) return null;
    const date = typeof value === "string" ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new SupabaseAdapterError(`Supabase rpc ${name} answered ${JSON.stringify(value)} instead of a timestamp or null`, { operation: `rpc ${name}` });
    }
    return date;
  }

  return {
    async activationStatus(email) {
      const value = await call("account_activation_status", { p_email: email });
      if (typeof value !== "string" || !(ACTIVATION_STATUSES as readonly string[]).includes(value)) {
        throw new SupabaseAdapterError(`Supabase rpc account_activation_status answered ${JSON.stringify(value)}`, {
          operation: "rpc account_activation_status",
        });
      }
      return value as ActivationStatus;
    },
    loginCheck: (email, client) => timestamp("login_attempt_check", { p_email: email, p_client: client }),
    loginFailed: (email, client) => timestamp("login_attempt_failed", { p_email: email, p_client: client }),
    async loginSucceeded(email, client) {
      await call("login_attempt_succeeded", { p_email: email, p_client: client });
    },
    authMailRequest: (email, client) => timestamp("auth_mail_request", { p_email: email, p_client: client }),
  };
}
