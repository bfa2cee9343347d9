import type { ContactService, ResidentContactPort } from "../ports/contact";
import type {
  CustomerSummary,
  DueSummary,
  InvoiceCounts,
  InvoiceDetail,
  InvoiceFacts,
  InvoicePaymentState,
  InvoiceRow,
  InvoiceStatus,
  PageFrame,
  PaperStatus,
  ResidentHomePort,
  ResidentInfoPort,
  ResidentInvoicesPort,
} from "../ports/invoices";
import type {
  PayableInvoice,
  PaymentAttempt,
  PaymentHistoryCursor,
  PaymentHistoryRow,
  PaymentReceipt,
  ResidentPaymentPort,
  StartPaymentResult,
} from "../ports/payment";
import type { ResidentDataPort } from "../ports/resident";
import { residentCertificates } from "./certificates";
import { residentContractLink } from "./contract-link";
import { residentPersonalData } from "./personal-data";
import { residentReminders } from "./reminders";
import { callJson, type Rpc } from "./rpc";

/**
 * The resident's data ports, written once for both backends over `rpc` (the resident's own: the
 * Supabase request client with their access token, or the embedded database as them, session id
 * included). One page, one call: each page method is one SQL function returning everything the
 * page shows (docs/decisions/0014-one-page-one-call.md). The JSON is PostgreSQL's own (dates
 * "YYYY-MM-DD", bigint as number, timestamptz ISO with offset); here only names and types change.
 *
 * One factory per port of app/.server/ports/resident.ts; an adapter's residentData is all of them.
 */
export function createResidentData(rpc: Rpc): ResidentDataPort {
  return {
    ...residentHome(rpc),
    ...residentInvoices(rpc),
    ...residentInfo(rpc),
    ...residentPayment(rpc),
    ...residentContact(rpc),
    ...residentPersonalData(rpc),
    ...residentCertificates(rpc),
    ...residentContractLink(rpc),
    ...residentReminders(rpc),
  };
}

export function residentHome(rpc: Rpc): ResidentHomePort {
  return {
    async homePage() {
      const page = await callJson<{ frame: FrameJson; announcement: string | null; welcome_message: string | null; due: DueJson }>(rpc, "home_page");
      return {
        frame: toFrame(page.frame),
        announcement: page.announcement ?? null,
        welcomeMessage: page.welcome_message ?? "",
        due: toDueSummary(page.due),
      };
    },
  };
}

export function residentInvoices(rpc: Rpc): ResidentInvoicesPort {
  return {
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
      const page = await callJson<{
        frame: FrameJson;
        invoice: InvoiceDetailJson | null;
        payment: InvoicePaymentJson | null;
        paid_online?: { at: string; refdet: string } | null;
      }>(rpc, "invoice_page", { p_id: id });
      return {
        frame: toFrame(page.frame),
        invoice: page.invoice ? toInvoiceDetail(page.invoice) : null,
        payment: page.payment ? toInvoicePaymentState(page.payment) : null,
        paidOnline: page.paid_online ? { at: page.paid_online.at, refdet: page.paid_online.refdet } : null,
      };
    },
  };
}

export function residentInfo(rpc: Rpc): ResidentInfoPort {
  return {
    async framePage() {
      const page = await callJson<{ frame: FrameJson }>(rpc, "frame_page");
      return { frame: toFrame(page.frame) };
    },

    async infoPage() {
      const page = await callJson<{ frame: FrameJson; customers: CustomerJsonRow[]; paper: PaperJsonRow[] }>(rpc, "info_page");
      return { frame: toFrame(page.frame), customers: page.customers.map(toCustomer), paper: page.paper.map(toPaperStatus) };
    },

    async requestPaperOptout() {
      const rows = await rpc.call("request_paper_optout");
      return rows.map((r) => ({ customerNumber: r.customer_number, serviceName: r.service_name }));
    },
  };
}

export function residentPayment(rpc: Rpc): ResidentPaymentPort {
  return {
    async paymentPage() {
      const page = await callJson<{ frame: FrameJson; invoices: PayableInvoiceJson[] }>(rpc, "payment_page");
      return { frame: toFrame(page.frame), invoices: page.invoices.map(toPayableInvoice) };
    },

    async paymentReturnPage({ attemptId, idop }) {
      const page = await callJson<{ frame: FrameJson; attempt: PaymentAttemptJson | null }>(rpc, "payment_return_page", {
        p_attempt_id: attemptId ?? null,
        p_idop: idop ?? null,
      });
      return { frame: toFrame(page.frame), attempt: page.attempt ? toPaymentAttempt(page.attempt) : null };
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

    async paymentsPage(before) {
      const page = await callJson<{ frame: FrameJson; per_page: number; payments: PaymentHistoryJson[]; next: PaymentHistoryCursor | null }>(
        rpc,
        "payments_page",
        { p_before_at: before?.at, p_before_id: before?.id },
      );
      return {
        frame: toFrame(page.frame),
        perPage: Number(page.per_page),
        payments: page.payments.map(toPaymentHistoryRow),
        next: page.next ? { at: page.next.at, id: page.next.id } : null,
      };
    },

    async paymentReceipt(attemptId) {
      const page = await callJson<{ receipt: PaymentReceiptJson | null }>(rpc, "payment_receipt", { p_attempt_id: attemptId });
      return page.receipt ? toPaymentReceipt(page.receipt) : null;
    },
  };
}

/** A row of payments_page. */
interface PaymentHistoryJson {
  id: string;
  created_at: string;
  status: PaymentHistoryRow["status"];
  provider: PaymentHistoryRow["provider"];
  amount_cents: number | string;
  service_name: string | null;
  invoice_numbers: string[];
  refdet: string;
  idop: string | null;
  numauto: string | null;
  transaction_at: string | null;
}

const toPaymentHistoryRow = (r: PaymentHistoryJson): PaymentHistoryRow => ({
  id: r.id,
  createdAt: r.created_at,
  status: r.status,
  provider: r.provider,
  amountCents: Number(r.amount_cents),
  serviceName: r.service_name,
  invoiceNumbers: r.invoice_numbers,
  refdet: r.refdet,
  idop: r.idop,
  numauto: r.numauto,
  transactionAt: r.transaction_at,
});

/** payment_receipt's answer. */
interface PaymentReceiptJson {
  attempt_id: string;
  service_name: string;
  payers: string[];
  email: string;
  provider: PaymentReceipt["provider"];
  refdet: string;
  idop: string | null;
  numauto: string | null;
  amount_cents: number | string;
  paid_at: string;
  invoices: { number: string; issued_on: string; amount_cents: number | string }[];
}

const toPaymentReceipt = (r: PaymentReceiptJson): PaymentReceipt => ({
  attemptId: r.attempt_id,
  serviceName: r.service_name,
  payers: r.payers,
  email: r.email,
  provider: r.provider,
  refdet: r.refdet,
  idop: r.idop,
  numauto: r.numauto,
  amountCents: Number(r.amount_cents),
  paidAt: r.paid_at,
  invoices: r.invoices.map((i) => ({ number: i.number, issuedOn: i.issued_on, amountCents: Number(i.amount_cents) })),
});

export function residentContact(rpc: Rpc): ResidentContactPort {
  return {
    async contactPage() {
      const page = await callJson<{ frame: FrameJson; services: ContactServiceJsonRow[] }>(rpc, "contact_page");
      return { frame: toFrame(page.frame), services: page.services.map(toContactService) };
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
  };
}

// JSON rows as PostgreSQL serialises them, and their mapping to the ports' types ---------------------

/** A timestamptz as JSON: ISO with offset. */
const iso = (v: string) => new Date(v).toISOString();
const isoOrNull = (v: string | null) => (v ? iso(v) : null);

export interface FrameJson {
  portal_name: string;
  display_name: string | null;
}

export const toFrame = (f: FrameJson): PageFrame => ({ portalName: f.portal_name, displayName: f.display_name ?? "" });

/** home_page's `due` (bigint: number, date: "YYYY-MM-DD"). */
interface DueJson {
  services: {
    numcli: string;
    service_name: string;
    allow_multiple_invoices: boolean;
    payment_suspended: boolean;
    invoice_count: number;
    total_cents: number;
    next_due_on: string;
  }[];
  treasury_count: number;
}

function toDueSummary({ services, treasury_count }: DueJson): DueSummary {
  const toService = ({ service_name, allow_multiple_invoices, payment_suspended, invoice_count, total_cents, next_due_on, numcli }: DueJson["services"][number]) => ({
    numcli,
    serviceName: service_name,
    allowMultiple: allow_multiple_invoices,
    paymentSuspended: payment_suspended,
    invoiceCount: Number(invoice_count),
    totalCents: Number(total_cents),
    nextDueOn: next_due_on,
  });
  return { services: services.map(toService), treasuryCount: Number(treasury_count) };
}

/** What every invoice row carries (date: "YYYY-MM-DD", bigint: number). */
export interface InvoiceFactsJson {
  id: string;
  number: string;
  issued_on: string;
  due_on: string;
  amount_cents: number;
  object: string;
  status: InvoiceStatus;
}

function toInvoiceFacts(r: InvoiceFactsJson): InvoiceFacts {
  return {
    id: r.id,
    number: r.number,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    amountCents: Number(r.amount_cents),
    object: r.object,
    status: r.status,
  };
}

/** A row of my_invoices / my_invoice. */
export interface InvoiceJsonRow extends InvoiceFactsJson {
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
    ...toInvoiceFacts(r),
    customerId: r.customer_id,
    customerNumber: r.customer_number,
    customerName: r.customer_name,
    serviceName: r.service_name,
  };
}

export function toInvoiceDetail(r: InvoiceDetailJson): InvoiceDetail {
  return {
    ...toInvoiceRow(r),
    paidAt: isoOrNull(r.paid_at),
    serviceId: r.service_id,
    paymentSuspended: r.payment_suspended,
    hasPdf: r.has_pdf,
  };
}

/** A row of my_invoice_payment. */
interface InvoicePaymentJson {
  block: InvoicePaymentState["block"];
  retry_after: string | null;
  attempt_id: string | null;
}

const toInvoicePaymentState = (r: InvoicePaymentJson): InvoicePaymentState => ({
  block: r.block,
  retryAfter: isoOrNull(r.retry_after),
  attemptId: r.attempt_id,
});

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
  requestedAt: isoOrNull(r.requested_at),
});

/** A row of my_payable_invoices (payment_page). */
interface PayableInvoiceJson extends InvoiceFactsJson {
  service_id: string;
  service_name: string;
  numcli: string;
  payment_provider: PayableInvoice["provider"];
  allow_multiple_invoices: boolean;
  block: PayableInvoice["block"];
}

function toPayableInvoice(r: PayableInvoiceJson): PayableInvoice {
  const { numcli, block } = r;
  return {
    ...toInvoiceFacts(r),
    ...{ numcli, block },
    serviceId: r.service_id,
    serviceName: r.service_name,
    provider: r.payment_provider,
    allowMultiple: r.allow_multiple_invoices,
  };
}

/** start_payment's answer. */
interface StartPaymentJson {
  status: "created" | "refused";
  reason?: string;
  min_cents?: number;
  max_cents?: number;
  attempt_id?: string;
  refdet?: string;
  amount_cents?: number;
  provider?: "payfip_ws" | "tipi";
  numcli?: string;
  saisie?: string;
  exer?: string;
  mel?: string;
  objet?: string;
  tipi_token?: string | null;
  invoice_numbers?: string[];
}

function toStartPaymentResult(j: StartPaymentJson): StartPaymentResult {
  if (j.status === "refused") {
    return {
      status: "refused",
      reason: j.reason as Extract<StartPaymentResult, { status: "refused" }>["reason"],
      ...(j.min_cents !== undefined ? { minCents: Number(j.min_cents) } : {}),
      ...(j.max_cents !== undefined ? { maxCents: Number(j.max_cents) } : {}),
    };
  }
  if (j.status !== "created" || !j.attempt_id || !j.refdet || !j.provider || !j.numcli) {
    throw new Error(`start_payment answered ${JSON.stringify(j)}`);
  }
  return {
    status: "created",
    payment: {
      attemptId: j.attempt_id,
      refdet: j.refdet,
      amountCents: Number(j.amount_cents),
      provider: j.provider,
      numcli: j.numcli,
      saisie: j.saisie ?? "T",
      exer: j.exer ?? "",
      mel: j.mel ?? "",
      objet: j.objet ?? "",
      tipiToken: j.tipi_token ?? null,
      invoiceNumbers: j.invoice_numbers ?? [],
    },
  };
}

/** A payment attempt as payment_return_page answers it. */
interface PaymentAttemptJson {
  id: string;
  status: PaymentAttempt["status"];
  provider: PaymentAttempt["provider"];
  numcli: string;
  refdet: string;
  idop: string | null;
  amount_cents: number;
  invoice_ids: string[] | null;
  invoice_numbers: string[] | null;
  numauto: string | null;
  transaction_at: string | null;
  created_at: string;
  expires_at: string;
}

function toPaymentAttempt(r: PaymentAttemptJson): PaymentAttempt {
  const { id, status, provider, numcli, refdet, idop, numauto } = r;
  return {
    ...{ id, status, provider, numcli, refdet, idop, numauto },
    amountCents: Number(r.amount_cents),
    invoiceIds: r.invoice_ids ?? [],
    invoiceNumbers: r.invoice_numbers ?? [],
    transactionAt: isoOrNull(r.transaction_at),
    createdAt: iso(r.created_at),
    expiresAt: iso(r.expires_at),
  };
}

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
