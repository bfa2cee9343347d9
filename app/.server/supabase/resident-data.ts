import type { SupabaseClient } from "@supabase/supabase-js";
import type { CustomerSummary, ResidentDataPort } from "../ports";
import { rpcError, SupabaseAdapterError } from "./errors";

interface CustomerRow {
  customer_id: string;
  customer_number: string;
  display_name: string;
  email: string | null;
  paper_invoices: boolean;
  service_id: string;
  service_name: string;
}

/**
 * Reads as the signed-in resident: `client` is the request's @supabase/ssr client, so PostgREST
 * gets the resident's access token and RLS decides what comes back. Never the service role.
 */
export function createSupabaseResidentData(client: () => Promise<SupabaseClient>): ResidentDataPort {
  return {
    async myCustomers(): Promise<CustomerSummary[]> {
      const { data, error, status } = await (await client()).rpc("my_customers");
      if (error) throw rpcError("rpc my_customers", error, status);
      if (!Array.isArray(data)) {
        throw new SupabaseAdapterError("Supabase rpc my_customers answered something other than rows", { operation: "rpc my_customers", status });
      }
      return (data as CustomerRow[]).map((r) => ({
        customerId: r.customer_id,
        customerNumber: r.customer_number,
        displayName: r.display_name,
        email: r.email,
        paperInvoices: r.paper_invoices,
        serviceId: r.service_id,
        serviceName: r.service_name,
      }));
    },
  };
}
