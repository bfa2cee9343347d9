import type { SupabaseClient } from "@supabase/supabase-js";
import type { ContactService, CustomerSummary, InvoiceCounts, InvoiceDetail, InvoiceRow, InvoiceStatus, PaperStatus, ResidentDataPort } from "../ports";
import { rpcError, SupabaseAdapterError } from "./errors";
import {
  toInvoicePaymentState,
  toPayableInvoice,
  toPaymentAttempt,
  toStartPaymentResult,
  type InvoicePaymentRow,
  type PayableInvoiceRow,
  type PaymentAttemptRow,
  type StartPaymentJson,
} from "../payment/rows";

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

    async portalHome() {
      const rows = await rpcRows<{ announcement: string | null; welcome_message: string }>(client, "portal_home");
      const row = rows[0];
      return { announcement: row?.announcement ?? null, welcomeMessage: row?.welcome_message ?? "" };
    },

    async myInvoices({ status, limit, after }) {
      const rows = await rpcRows<InvoiceJsonRow>(client, "my_invoices", {
        p_status: status,
        p_limit: limit,
        p_before_date: after?.issuedOn ?? null,
        p_before_id: after?.id ?? null,
      });
      return rows.map(toInvoiceRow);
    },

    async myInvoiceCounts() {
      const rows = await rpcRows<{ status: InvoiceStatus; invoice_count: number }>(client, "my_invoice_counts");
      const counts: InvoiceCounts = { unpaid: 0, paid: 0, treasury: 0 };
      for (const r of rows) counts[r.status] = Number(r.invoice_count);
      return counts;
    },

    async myInvoice(id) {
      const rows = await rpcRows<InvoiceJsonRow & { paid_at: string | null; service_id: string; payment_suspended: boolean; has_pdf: boolean }>(
        client,
        "my_invoice",
        { p_id: id },
      );
      const r = rows[0];
      if (!r) return null;
      return {
        ...toInvoiceRow(r),
        paidAt: r.paid_at ? new Date(r.paid_at).toISOString() : null,
        serviceId: r.service_id,
        paymentSuspended: r.payment_suspended,
        hasPdf: r.has_pdf,
      } satisfies InvoiceDetail;
    },

    async paperStatus(): Promise<PaperStatus[]> {
      const data = await rpcRows<{ customer_id: string; customer_number: string; service_name: string; paper_invoices: boolean; requested_at: string | null }>(client, "my_paper_status",
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
      const data = await rpcRows<{ customer_number: string; service_name: string }>(client, "request_paper_optout");
      return data.map((r) => ({ customerNumber: r.customer_number, serviceName: r.service_name }));
    },

    async contactServices(): Promise<ContactService[]> {
      const data = await rpcRows<{ service_id: string; service_name: string; general_info: string; accepts_messages: boolean }>(client, "my_contact_services");
      return data.map((r) => ({ serviceId: r.service_id, serviceName: r.service_name, generalInfo: r.general_info, acceptsMessages: r.accepts_messages === true }));
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

    async payableInvoices() {
      return (await rpcRows<PayableInvoiceRow>(client, "my_payable_invoices")).map(toPayableInvoice);
    },

    async startPayment(invoiceIds) {
      const data = await rpcValue<StartPaymentJson>(client, "start_payment", { p_invoice_ids: invoiceIds });
      if (!data || typeof data !== "object" || !("status" in data)) {
        throw new SupabaseAdapterError(`Supabase rpc start_payment answered ${JSON.stringify(data)}`, { operation: "rpc start_payment" });
      }
      return toStartPaymentResult(data);
    },

    async setPaymentIdop(attemptId, idop) {
      return (await rpcValue<boolean>(client, "set_payment_idop", { p_attempt_id: attemptId, p_idop: idop })) === true;
    },

    async failPaymentStart(attemptId, reason) {
      return (await rpcValue<boolean>(client, "fail_payment_start", { p_attempt_id: attemptId, p_reason: reason })) === true;
    },

    async paymentAttempt({ attemptId, idop }) {
      const rows = await rpcRows<PaymentAttemptRow>(client, "my_payment_attempt", { p_attempt_id: attemptId ?? null, p_idop: idop ?? null });
      return rows[0] ? toPaymentAttempt(rows[0]) : null;
    },

    async invoicePayment(invoiceId) {
      const rows = await rpcRows<InvoicePaymentRow>(client, "my_invoice_payment", { p_invoice_id: invoiceId });
      return rows[0] ? toInvoicePaymentState(rows[0]) : null;
    },
  };
}

/** Calls a scalar SQL function (PostgREST answers the bare JSON value). */
export async function rpcValue<T>(client: () => Promise<SupabaseClient>, fn: string, args?: Record<string, unknown>): Promise<T> {
  const { data, error, status } = await (await client()).rpc(fn, args);
  if (error) throw rpcError(`rpc ${fn}`, error, status);
  return data as T;
}

/** Calls a set-returning SQL function; PostgREST answers a JSON array of rows. */
export async function rpcRows<T>(client: () => Promise<SupabaseClient>, fn: string, args?: Record<string, unknown>): Promise<T[]> {
  const { data, error, status } = await (await client()).rpc(fn, args);
  if (error) throw rpcError(`rpc ${fn}`, error, status);
  if (!Array.isArray(data)) {
    throw new SupabaseAdapterError(`Supabase rpc ${fn} answered something other than rows`, { operation: `rpc ${fn}`, status });
  }
  return data as T[];
}

/** A row of my_invoices / my_invoice as PostgREST serialises it (date: "YYYY-MM-DD", bigint: number). */
interface InvoiceJsonRow {
  id: string;
  number: string;
  issued_on: string;
  due_on: string;
  amount_cents: number;
  object: string;
  status: InvoiceStatus;
  customer_id: string;
  customer_number: string;
  customer_name: string;
  service_name: string;
}

function toInvoiceRow(r: InvoiceJsonRow): InvoiceRow {
  return {
    id: r.id,
    number: r.number,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    amountCents: Number(r.amount_cents),
    object: r.object,
    status: r.status,
    customerId: r.customer_id,
    customerNumber: r.customer_number,
    customerName: r.customer_name,
    serviceName: r.service_name,
  };
}
