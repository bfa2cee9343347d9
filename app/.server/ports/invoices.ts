/**
 * The resident's space outside payment and contact: the layout's frame, the home page, the
 * invoices, Mes informations and paper invoices. One SQL function per page
 * (docs/decisions/0014-one-page-one-call.md); the ports are implemented once over Rpc
 * (app/.server/data/resident.ts) and handed to a route by requireResident (app/.server/resident.ts),
 * each only to the routes that ask for it.
 *
 * This module imports no other port: payment.ts and contact.ts build on its types.
 */

/** What the layout of the resident's space shows (the header): every page carries it. */
export interface PageFrame {
  portalName: string;
  /** The resident's names (their customer records'), or their e-mail when they have none. */
  displayName: string;
}

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

/**
 * What every view of an invoice shows, in a list, on its page or in the payment selection.
 * Dates are SQL dates as `YYYY-MM-DD` (no time zone).
 */
export interface InvoiceFacts {
  id: string;
  number: string;
  issuedOn: string;
  dueOn: string;
  amountCents: number;
  object: string;
  status: InvoiceStatus;
}

/** One row of a "Mes factures" tab. */
export interface InvoiceRow extends InvoiceFacts {
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

/** Why an invoice cannot be paid online now (SQL portal.invoice_payment_block). */
export type PaymentBlock = "paid" | "treasury" | "reported" | "suspended" | "pending" | "amount_too_low" | "amount_too_high";

/** An invoice's payment state for its page (SQL public.my_invoice_payment). */
export interface InvoicePaymentState {
  block: PaymentBlock | null;
  /** When the attempt under way stops holding the invoice (null: none, or reported: staff decide). */
  retryAfter: string | null;
  /** The caller's own attempt holding the invoice, if any. */
  attemptId: string | null;
}

export interface HomePage {
  frame: PageFrame;
  /** Null when the service set none: no box. */
  announcement: string | null;
  welcomeMessage: string;
  /** What is due (docs/decisions/0035-home-due-summary.md). */
  due: DueSummary;
}

/** The resident's unpaid invoices of one service, for the home page. */
export interface DueService {
  /** The service's TIPI/PayFiP customer number: the selection's `?service=` parameter. */
  numcli: string;
  serviceName: string;
  /** One invoice per payment when false (the selection enforces it). */
  allowMultiple: boolean;
  /** Online payment suspended by the service: no « Payer » link. */
  paymentSuspended: boolean;
  invoiceCount: number;
  totalCents: number;
  /** The earliest due date of these invoices, `YYYY-MM-DD`. */
  nextDueOn: string;
}

/** Unpaid invoices per service (none: empty), and how many were handed to the public treasury. */
export interface DueSummary {
  services: DueService[];
  treasuryCount: number;
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
  /** A paid invoice that the resident's payment through the portal paid: when, and its reference (null otherwise). */
  paidOnline: { at: string; refdet: string } | null;
}

export interface InfoPage {
  frame: PageFrame;
  customers: CustomerSummary[];
  paper: PaperStatus[];
}

/*
 * The resident's ports below read and write as the signed-in resident: security invoker SQL
 * functions (RLS decides what comes back), each checking first that the Auth session is still
 * live (else SessionEndedError, app/.server/data/rpc.ts).
 */

/** The home page. */
export interface ResidentHomePort {
  /** public.home_page() */
  homePage(): Promise<HomePage>;
}

/** Mes factures and an invoice's page. */
export interface ResidentInvoicesPort {
  /** public.invoices_page(): at most `limit` (1..100) rows of a tab after `after`, the counts. */
  invoicesPage(input: { status: InvoiceStatus; limit: number; after?: InvoiceCursor | null }): Promise<InvoicesPage>;
  /** public.invoice_page(id) */
  invoicePage(id: string): Promise<InvoicePage>;
}

/** Mes informations: the account's pages and the paper opt-out. */
export interface ResidentInfoPort {
  /** public.frame_page(): pages that show only the layout (e-mail and password change). */
  framePage(): Promise<{ frame: PageFrame }>;
  /** public.info_page(): Mes informations and the paper opt-out confirmation. */
  infoPage(): Promise<InfoPage>;
  /**
   * public.request_paper_optout(): records the request and its e-mail to the service in one
   * transaction; returns the customer numbers newly requested (empty: nothing new, nothing sent).
   */
  requestPaperOptout(): Promise<{ customerNumber: string; serviceName: string }[]>;
}
