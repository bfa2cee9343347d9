import type { SupabaseClient } from "@supabase/supabase-js";
import type { ContactService, DataPort, PortalPublicInfo, PublicContactResult } from "../ports";
import { rpcError, SupabaseAdapterError } from "./errors";

/**
 * DataPort through PostgREST: each method calls one `public.*` SQL function of
 * supabase/migrations with the role the function is granted to.
 */
export function createSupabaseDataPort(clients: { anon: SupabaseClient; serviceRole: SupabaseClient }): DataPort {
  return {
    async ping() {
      // public.health_check() is granted to service_role only.
      const { data, error, status } = await clients.serviceRole.rpc("health_check");
      if (error) throw rpcError("rpc health_check", error, status);
      if (data !== true) {
        throw new SupabaseAdapterError(`Supabase rpc health_check answered ${JSON.stringify(data)} instead of true`, {
          operation: "rpc health_check",
          status,
        });
      }
    },

    async portalPublicInfo(): Promise<PortalPublicInfo> {
      // public.portal_public_info() returns table (portal_name text): PostgREST answers an array.
      const { data, error, status } = await clients.anon.rpc("portal_public_info");
      if (error) throw rpcError("rpc portal_public_info", error, status);
      const row: unknown = Array.isArray(data) ? data[0] : data;
      const portalName = (row as { portal_name?: unknown } | null | undefined)?.portal_name;
      if (typeof portalName !== "string") {
        throw new SupabaseAdapterError("Supabase rpc portal_public_info answered without a portal_name row", {
          operation: "rpc portal_public_info",
          status,
        });
      }
      return { portalName };
    },

    async publicContactServices(): Promise<ContactService[]> {
      const { data, error, status } = await clients.anon.rpc("public_contact_services");
      if (error) throw rpcError("rpc public_contact_services", error, status);
      if (!Array.isArray(data)) {
        throw new SupabaseAdapterError("Supabase rpc public_contact_services answered something other than rows", {
          operation: "rpc public_contact_services",
          status,
        });
      }
      return (data as { service_id: string; service_name: string; general_info: string }[]).map((r) => ({
        serviceId: r.service_id,
        serviceName: r.service_name,
        generalInfo: r.general_info,
        acceptsMessages: true, // the function lists only services with a contact address
      }));
    },

    async sendPublicContactMessage(input): Promise<PublicContactResult> {
      // Granted to service_role only: the server calls it after its honeypot check.
      const { data, error, status } = await clients.serviceRole.rpc("send_public_contact_message", {
        p_service_id: input.serviceId,
        p_email: input.email,
        p_name: input.name,
        p_customer_number: input.customerNumber,
        p_subject: input.subject,
        p_body: input.body,
        p_client: input.client,
      });
      if (error) throw rpcError("rpc send_public_contact_message", error, status);
      const result = data as { status?: unknown; retry_at?: unknown } | null;
      if (result?.status === "sent") return { status: "sent" };
      if (result?.status === "throttled" && typeof result.retry_at === "string") {
        return { status: "throttled", retryAt: new Date(result.retry_at) };
      }
      throw new SupabaseAdapterError(`Supabase rpc send_public_contact_message answered ${JSON.stringify(data)}`, {
        operation: "rpc send_public_contact_message",
        status,
      });
    },
  };
}
