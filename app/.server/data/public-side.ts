import type { AccountRulesPort } from "../ports/accounts";
import type { ContactService, DataPort, PublicContactResult } from "../ports/contact";
import { LEGAL_FIELDS, type LegalField, type LegalInfo, type LegalPort } from "../ports/legal";
import type { RpcName } from "./db-types";
import { callJson, type Rpc } from "./rpc";

/**
 * The ports that serve pages before anyone signs in, written once for both backends over Rpc
 * (docs/decisions/0014-one-page-one-call.md), each SQL function called with the role it is
 * granted to: `anon` (Supabase: the anon-key client; embedded: `db.run({ role: "anon" })`) for
 * what anyone may read, `service` (the service role) for the rest. Rules are in SQL; here only
 * names, types and answer shapes. An answer the port cannot read is the adapter's error
 * (Rpc.answerError).
 */

/** DataPort: anonymous reads as anon; health check and visitor messages as the service role. */
export function createDataPort(rpc: { anon: Rpc; service: Rpc }): DataPort {
  return {
    async ping() {
      // public.health_check() is granted to service_role only.
      const value: unknown = await rpc.service.call("health_check");
      if (value !== true) throw rpc.service.answerError("health_check", `answered ${JSON.stringify(value)} instead of true`);
    },

    async portalPublicInfo() {
      const rows: unknown = await rpc.anon.call("portal_public_info");
      const portalName = Array.isArray(rows) ? (rows[0] as { portal_name?: unknown } | undefined)?.portal_name : undefined;
      if (typeof portalName !== "string") throw rpc.anon.answerError("portal_public_info", "answered without a portal_name row");
      return { portalName };
    },

    ...createLegalPort(rpc.anon),

    async publicContactServices() {
      const rows = await rpc.anon.call("public_contact_services");
      if (!Array.isArray(rows)) throw rpc.anon.answerError("public_contact_services", "answered something other than rows");
      return rows.map(
        (r): ContactService => ({
          serviceId: r.service_id,
          serviceName: r.service_name,
          generalInfo: r.general_info,
          acceptsMessages: true, // the function lists only services with a contact address
        }),
      );
    },

    async sendPublicContactMessage(input): Promise<PublicContactResult> {
      // Granted to service_role only: the server calls it after its honeypot check.
      const fn = "send_public_contact_message";
      const result = await callJson<{ status?: unknown; retry_at?: unknown }>(rpc.service, fn, {
        p_service_id: input.serviceId,
        p_email: input.email,
        p_name: input.name,
        p_customer_number: input.customerNumber,
        p_subject: input.subject,
        p_body: input.body,
        p_client: input.client,
      });
      if (result.status === "sent") return { status: "sent" };
      if (result.status === "throttled" && typeof result.retry_at === "string") return { status: "throttled", retryAt: new Date(result.retry_at) };
      throw rpc.service.answerError(fn, `answered ${JSON.stringify(result)}`);
    },
  };
}

/** LegalPort as anon: public.legal_info() (also what `npm run admin -- legal show` reads). */
export function createLegalPort(anon: Rpc): LegalPort {
  return { legalInfo: async () => legalInfoFrom(anon, await callJson<Record<string, unknown>>(anon, "legal_info")) };
}

/** public.legal_info()'s JSON as LegalInfo: each field a string (a whole number for periods) or null. */
function legalInfoFrom(anon: Rpc, json: Record<string, unknown>): LegalInfo {
  const portalName = json.portal_name;
  if (typeof portalName !== "string") throw anon.answerError("legal_info", "answered without a portal_name");
  const info: Record<string, string | number | null> = { portalName };
  for (const [field, spec] of Object.entries(LEGAL_FIELDS) as Array<[LegalField, (typeof LEGAL_FIELDS)[LegalField]]>) {
    const value = json[spec.column];
    const numeric = spec.kind === "days" || spec.kind === "months";
    if (value !== null && (numeric ? !Number.isInteger(value) : typeof value !== "string")) {
      throw anon.answerError("legal_info", `answered ${JSON.stringify(value)} for ${spec.column}`);
    }
    info[field] = value as string | number | null;
  }
  return info as LegalInfo;
}

const ACTIVATION_STATUSES = ["unknown_email", "already_active", "eligible"] as const;
type ActivationStatus = (typeof ACTIVATION_STATUSES)[number];

/**
 * AccountRulesPort: the SQL functions of *_customers_and_accounts.sql, granted to
 * service_role only. They answer a bare value: a status, a timestamptz (as PostgreSQL's JSON:
 * "2026-11-26T10:00:00+00:00") or null.
 */
export function createAccountRules(service: Rpc): AccountRulesPort {
  function timestamp(fn: RpcName, value: unknown): Date | null {
    if (value === null || value === undefined) return null;
    const date = typeof value === "string" ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw service.answerError(fn, `answered ${JSON.stringify(value)} instead of a timestamp or null`);
    return date;
  }

  return {
    async activationStatus(email) {
      const value: unknown = await service.call("account_activation_status", { p_email: email });
      if (typeof value !== "string" || !(ACTIVATION_STATUSES as readonly string[]).includes(value)) {
        throw service.answerError("account_activation_status", `answered ${JSON.stringify(value)}`);
      }
      return value as ActivationStatus;
    },
    loginCheck: async (email, client) =>
      timestamp("login_attempt_check", await service.call("login_attempt_check", { p_email: email, p_client: client })),
    loginFailed: async (email, client) =>
      timestamp("login_attempt_failed", await service.call("login_attempt_failed", { p_email: email, p_client: client })),
    async loginSucceeded(email, client) {
      await service.call("login_attempt_succeeded", { p_email: email, p_client: client });
    },
    authMailRequest: async (email, client) =>
      timestamp("auth_mail_request", await service.call("auth_mail_request", { p_email: email, p_client: client })),
    async closureBlocker(userId) {
      const value: unknown = await service.call("account_closure_blocker", { p_user_id: userId });
      if (value === null || value === "payment_pending") return value;
      throw service.answerError("account_closure_blocker", `answered ${JSON.stringify(value)}`);
    },
  };
}
