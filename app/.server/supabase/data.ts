import type { SupabaseClient } from "@supabase/supabase-js";
import type { DataPort, PortalPublicInfo } from "../ports";
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
  };
}
