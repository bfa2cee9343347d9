import type { ContactInput, ContactService } from "./contact";
import type { InvoicePaymentState, PayableInvoice, PaymentAttempt, StartPaymentResult } from "./payment";

/**
 * Resident data ports: customers, invoices, paper invoices, the home page and the other pages
 * of the resident's space, one SQL function per page (docs/decisions/0014-one-page-one-call.md).
 */

/** A customer record (billing account) linked to the signed-in account. */
export interface CustomerSummary {
  customerId: string;
  customerNumber: string;
  displayName: string;
  email: string | null;
  paperInvoices: boolean;
  serviceId: string;
  serviceName: string;
}

/** Paper invoices of one customer record: still sent, and when stopping them was requested. */
export interface PaperStatus {
  customerId: string;
  customerNumber: string;
  serviceName: string;
  paperInvoices: boolean;
  /** ISO timestamp of the opt-out request, or null when none was made. */
  requestedAt: string | null;
}

export type InvoiceStatus = "unpaid" | "paid" | "treasury";

/** One row of a "Mes factures" tab. Dates are SQL dates as `YYYY-MM-DD` (no time zone). */
export interface InvoiceRow {
  id: string;
  number: string;
  issuedOn: string;
  dueOn: string;
  amountCents: number;
  object: string;
  status: InvoiceStatus;
  customerId: string;
  customerNumber: string;
  customerName: string;
  serviceName: string;
}

/** Keyset cursor: the (issuedOn, id) of the last row of the previous page. */
export interface InvoiceCursor {
  issuedOn: string;
  id: string;
}

export interface InvoiceDetail extends InvoiceRow {
  /** ISO timestamp of the payment, when the service recorded one. */
  paidAt: string | null;
  serviceId: string;
  paymentSuspended: boolean;
  hasPdf: boolean;
}

export type InvoiceCounts = Record<InvoiceStatus, number>;

/** What the layout of the resident's space shows (the header): every page carries it. */
export interface PageFrame {
  portalName: string;
  /** The resident's names (their customer records'), or their e-mail when they have none. */
  displayName: string;
}

export interface HomePage {
  frame: PageFrame;
  /** Null when the service set none: no box. */
  announcement: string | null;
  welcomeMessage: string;
}

export interface InvoicesPage {
  frame: PageFrame;
  /** At most the `limit` asked, newest first, after the cursor. */
  invoices: InvoiceRow[];
  counts: InvoiceCounts;
  /** How many customer records the resident has (the "Abonné" column shows from two). */
  customerCount: number;
}

export interface InvoicePage {
  frame: PageFrame;
  /** Null when there is no such invoice or it is not the resident's. */
  invoice: InvoiceDetail | null;
  /** The payment state of an unpaid invoice (null otherwise). */
  payment: InvoicePaymentState | null;
}

export interface InfoPage {
  frame: PageFrame;
  customers: CustomerSummary[];
  paper: PaperStatus[];
}

export interface ContactPage {
  frame: PageFrame;
  services: ContactService[];
}

export interface PaymentPage {
  frame: PageFrame;
  /** Unpaid and treasury invoices, with why one cannot be paid. */
  invoices: PayableInvoice[];
}

export interface PaymentReturnPage {
  frame: PageFrame;
  /** The caller's attempt by id or idOp, or null. */
  attempt: PaymentAttempt | null;
}

/**
 * What the signed-in resident reads and writes: one SQL function per page (security invoker: RLS
 * decides what comes back), each checking first that the Auth session is still live (else
 * SessionEndedError, app/.server/data/rpc.ts). Implemented once over Rpc
 * (app/.server/data/resident.ts); docs/decisions/0014-one-page-one-call.md.
 */
export interface ResidentDataPort {
  /** public.frame_page(): pages that show only the layout (e-mail and password change). */
  framePage(): Promise<{ frame: PageFrame }>;
  /** public.home_page() */
  homePage(): Promise<HomePage>;
  /** public.invoices_page(): at most `limit` (1..100) rows of a tab after `after`, the counts. */
  invoicesPage(input: { status: InvoiceStatus; limit: number; after?: InvoiceCursor | null }): Promise<InvoicesPage>;
  /** public.invoice_page(id) */
  invoicePage(id: string): Promise<InvoicePage>;
  /** public.info_page(): Mes informations and the paper opt-out confirmation. */
  infoPage(): Promise<InfoPage>;
  /** public.contact_page() */
  contactPage(): Promise<ContactPage>;
  /** public.payment_page(): the payment selection and confirmation. */
  paymentPage(): Promise<PaymentPage>;
  /** public.payment_return_page(): the caller's attempt by id or idOp. */
  paymentReturnPage(ref: { attemptId?: string; idop?: string }): Promise<PaymentReturnPage>;
  /**
   * public.request_paper_optout(): records the request and its e-mail to the service in one
   * transaction; returns the customer numbers newly requested (empty: nothing new, nothing sent).
   */
  requestPaperOptout(): Promise<{ customerNumber: string; serviceName: string }[]>;
  /** public.send_contact_message(): stores the message and its e-mail in one transaction; returns its id. */
  sendContactMessage(input: ContactInput): Promise<string>;
  /** public.start_payment(): creates the attempt atomically, or says why not. */
  startPayment(invoiceIds: string[]): Promise<StartPaymentResult>;
  /** public.set_payment_idop(): false when the attempt is not the caller's pending PayFiP one. */
  setPaymentIdop(attemptId: string, idop: string): Promise<boolean>;
  /** public.fail_payment_start(): the provider could not open the payment; frees the invoices. */
  failPaymentStart(attemptId: string, reason: string): Promise<boolean>;
}
