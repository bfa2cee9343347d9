import type { SupabaseClient } from "@supabase/supabase-js";
import type { ContactService, CustomerSummary, PaperStatus, ResidentDataPort } from "../ports";
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
  async function rows<T>(name: string, args?: Record<string, unknown>): Promise<T[]> {
    const { data, error, status } = await (await client()).rpc(name, args);
    if (error) throw rpcError(`rpc ${name}`, error, status);
    if (!Array.isArray(data)) {
      throw new SupabaseAdapterError(`Supabase rpc ${name} answered something other than rows`, { operation: `rpc ${name}`, status });
    }
    return data as T[];
  }
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

    async paperStatus(): Promise<PaperStatus[]> {
      const data = await rows<{ customer_id: string; customer_number: string; service_name: string; paper_invoices: boolean; requested_at: string | null }>(
        "my_paper_status",
      );
      return data.map((r) => ({
        customerId: r.customer_id,
        customerNumber: r.customer_number,
        serviceName: r.service_name,
        paperInvoices: r.paper_invoices,
        requestedAt: r.requested_at ? new Date(r.requested_at).toISOString() : null,
      }));
    },

    async requestPaperOptout() {
      const data = await rows<{ customer_number: string; service_name: string }>("request_paper_optout");
      return data.map((r) => ({ customerNumber: r.customer_number, serviceName: r.service_name }));
    },

    async contactServices(): Promise<ContactService[]> {
      const data = await rows<{ service_id: string; service_name: string; general_info: string }>("my_contact_services");
      return data.map((r) => ({ serviceId: r.service_id, serviceName: r.service_name, generalInfo: r.general_info }));
    },

    async sendContactMessage(input) {
      const { data, error, status } = await (await client()).rpc("send_contact_message", {
        p_service_id: input.serviceId,
        p_subject: input.subject,
        p_body: input.body,
      });
      if (error) throw rpcError("rpc send_contact_message", error, status);
      if (typeof data !== "string") {
        throw new SupabaseAdapterError(`Supabase rpc send_contact_message answered ${JSON.stringify(data)} instead of an id`, {
          operation: "rpc send_contact_message",
          status,
        });
      }
      return data;
    },
  };
}
