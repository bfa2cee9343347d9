import type { ContactService } from "../ports/contact";
import type { CustomerSummary, InvoiceCounts, InvoiceDetail, InvoiceRow, InvoiceStatus, PageFrame, PaperStatus, ResidentDataPort } from "../ports/invoices";
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
import { callJson, type Rpc } from "./rpc";

/**
 * The resident's data port, written once for both backends over `rpc` (the resident's own: the
 * Supabase request client with their access token, or the embedded database as them, session id
 * included). One page, one call: each page method is one SQL function returning everything the
 * page shows (docs/performance.md, "One page, one call"). The JSON is PostgreSQL's own (dates
 * "YYYY-MM-DD", bigint as number, timestamptz ISO with offset); here only names and types change.
 */
export function createResidentData(rpc: Rpc): ResidentDataPort {
  return {
    async framePage() {
      const page = await callJson<{ frame: FrameJson }>(rpc, "frame_page");
      return { frame: toFrame(page.frame) };
    },

    async homePage() {
      const page = await callJson<{ frame: FrameJson; announcement: string | null; welcome_message: string | null }>(rpc, "home_page");
      return { frame: toFrame(page.frame), announcement: page.announcement ?? null, welcomeMessage: page.welcome_message ?? "" };
    },

    async invoicesPage({ status, limit, after }) {
      const page = await callJson<{
        frame: FrameJson;
        invoices: InvoiceJsonRow[];
        counts: Partial<Record<InvoiceStatus, number>> | null;
        customer_count: number;
      }>(rpc, "invoices_page", {
        p_status: status,
        p_limit: limit,
        p_before_date: after?.issuedOn ?? null,
        p_before_id: after?.id ?? null,
      });
      const counts: InvoiceCounts = { unpaid: 0, paid: 0, treasury: 0 };
      for (const key of Object.keys(counts) as InvoiceStatus[]) counts[key] = Number(page.counts?.[key] ?? 0);
      return {
        frame: toFrame(page.frame),
        invoices: page.invoices.map(toInvoiceRow),
        counts,
        customerCount: Number(page.customer_count),
      };
    },

    async invoicePage(id) {
      const page = await callJson<{ frame: FrameJson; invoice: InvoiceDetailJson | null; payment: InvoicePaymentRow | null }>(rpc, "invoice_page", {
        p_id: id,
      });
      return {
        frame: toFrame(page.frame),
        invoice: page.invoice ? toInvoiceDetail(page.invoice) : null,
        payment: page.payment ? toInvoicePaymentState(page.payment) : null,
      };
    },

    async infoPage() {
      const page = await callJson<{ frame: FrameJson; customers: CustomerJsonRow[]; paper: PaperJsonRow[] }>(rpc, "info_page");
      return { frame: toFrame(page.frame), customers: page.customers.map(toCustomer), paper: page.paper.map(toPaperStatus) };
    },

    async contactPage() {
      const page = await callJson<{ frame: FrameJson; services: ContactServiceJsonRow[] }>(rpc, "contact_page");
      return { frame: toFrame(page.frame), services: page.services.map(toContactService) };
    },

    async paymentPage() {
      const page = await callJson<{ frame: FrameJson; invoices: PayableInvoiceRow[] }>(rpc, "payment_page");
      return { frame: toFrame(page.frame), invoices: page.invoices.map(toPayableInvoice) };
    },

    async paymentReturnPage({ attemptId, idop }) {
      const page = await callJson<{ frame: FrameJson; attempt: PaymentAttemptRow | null }>(rpc, "payment_return_page", {
        p_attempt_id: attemptId ?? null,
        p_idop: idop ?? null,
      });
      return { frame: toFrame(page.frame), attempt: page.attempt ? toPaymentAttempt(page.attempt) : null };
    },

    async requestPaperOptout() {
      const rows = await rpc.call("request_paper_optout");
      return rows.map((r) => ({ customerNumber: r.customer_number, serviceName: r.service_name }));
    },

    async sendContactMessage(input) {
      const id: unknown = await rpc.call("send_contact_message", {
        p_service_id: input.serviceId,
        p_subject: input.subject,
        p_body: input.body,
      });
      if (typeof id !== "string") throw rpc.answerError("send_contact_message", `answered ${JSON.stringify(id)} instead of an id`);
      return id;
    },

    async startPayment(invoiceIds) {
      const answer = await callJson<Partial<StartPaymentJson>>(rpc, "start_payment", { p_invoice_ids: invoiceIds });
      if (typeof answer.status !== "string") throw rpc.answerError("start_payment", `answered ${JSON.stringify(answer)}`);
      return toStartPaymentResult(answer as StartPaymentJson);
    },

    async setPaymentIdop(attemptId, idop) {
      return (await rpc.call("set_payment_idop", { p_attempt_id: attemptId, p_idop: idop })) === true;
    },

    async failPaymentStart(attemptId, reason) {
      return (await rpc.call("fail_payment_start", { p_attempt_id: attemptId, p_reason: reason })) === true;
    },
  };
}

// JSON rows as PostgreSQL serialises them, and their mapping to the ports' types ---------------------

export interface FrameJson {
  portal_name: string;
  display_name: string | null;
}

export const toFrame = (f: FrameJson): PageFrame => ({ portalName: f.portal_name, displayName: f.display_name ?? "" });

/** A row of my_invoices / my_invoice (date: "YYYY-MM-DD", bigint: number). */
export interface InvoiceJsonRow {
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

export interface InvoiceDetailJson extends InvoiceJsonRow {
  paid_at: string | null;
  service_id: string;
  payment_suspended: boolean;
  has_pdf: boolean;
}

export function toInvoiceRow(r: InvoiceJsonRow): InvoiceRow {
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

export function toInvoiceDetail(r: InvoiceDetailJson): InvoiceDetail {
  return {
    ...toInvoiceRow(r),
    paidAt: r.paid_at ? new Date(r.paid_at).toISOString() : null,
    serviceId: r.service_id,
    paymentSuspended: r.payment_suspended,
    hasPdf: r.has_pdf,
  };
}

export interface CustomerJsonRow {
  customer_id: string;
  customer_number: string;
  display_name: string;
  email: string | null;
  paper_invoices: boolean;
  service_id: string;
  service_name: string;
}

export const toCustomer = (r: CustomerJsonRow): CustomerSummary => ({
  customerId: r.customer_id,
  customerNumber: r.customer_number,
  displayName: r.display_name,
  email: r.email,
  paperInvoices: r.paper_invoices,
  serviceId: r.service_id,
  serviceName: r.service_name,
});

export interface PaperJsonRow {
  customer_id: string;
  customer_number: string;
  service_name: string;
  paper_invoices: boolean;
  requested_at: string | null;
}

export const toPaperStatus = (r: PaperJsonRow): PaperStatus => ({
  customerId: r.customer_id,
  customerNumber: r.customer_number,
  serviceName: r.service_name,
  paperInvoices: r.paper_invoices,
  requestedAt: r.requested_at ? new Date(r.requested_at).toISOString() : null,
});

export interface ContactServiceJsonRow {
  service_id: string;
  service_name: string;
  general_info: string;
  accepts_messages: boolean;
}

export const toContactService = (r: ContactServiceJsonRow): ContactService => ({
  serviceId: r.service_id,
  serviceName: r.service_name,
  generalInfo: r.general_info,
  acceptsMessages: r.accepts_messages === true,
});
