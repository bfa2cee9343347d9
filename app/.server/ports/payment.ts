import type { InvoiceFacts, PageFrame, PaymentBlock } from "./invoices";

/**
 * Payment ports (docs/payment.md): the resident's payment pages and writes, attempts, provider
 * results and reconciliation.
 */

export type PaymentProvider = "payfip_ws" | "tipi";
/**
 * `reported`: a "paid" the portal could not verify (classic TIPI from an address not in
 * TIPI_TRUSTED_SOURCES), waiting for staff; `rejected`: staff found no such payment.
 * `abandoned` holds its invoices until `expiresAt` (20 minutes after the start).
 */
export type PaymentStatus = "pending" | "paid" | "refused" | "abandoned" | "expired" | "error" | "reported" | "rejected";
/** An unpaid or treasury invoice on the payment selection, with why it cannot be paid. */
export interface PayableInvoice extends InvoiceFacts {
  serviceId: string;
  serviceName: string;
  numcli: string;
  provider: PaymentProvider;
  allowMultiple: boolean;
  block: PaymentBlock | null;
}

export type StartRefusal =
  | "empty"
  | "too_many"
  | "not_found"
  | "not_unpaid"
  | "several_services"
  | "suspended"
  | "multiple_not_allowed"
  | "pending"
  | "amount_out_of_limits"
  | "invalid_email";

export interface StartedPayment {
  attemptId: string;
  refdet: string;
  amountCents: number;
  provider: PaymentProvider;
  numcli: string;
  saisie: string;
  exer: string;
  mel: string;
  objet: string;
  /** Classic TIPI only: the per-attempt secret carried in urlcl (never stored in clear). */
  tipiToken: string | null;
  invoiceNumbers: string[];
}

export type StartPaymentResult =
  | { status: "created"; payment: StartedPayment }
  | { status: "refused"; reason: StartRefusal; minCents?: number; maxCents?: number };

export interface PaymentAttempt {
  id: string;
  status: PaymentStatus;
  provider: PaymentProvider;
  numcli: string;
  refdet: string;
  idop: string | null;
  amountCents: number;
  invoiceIds: string[];
  invoiceNumbers: string[];
  numauto: string | null;
  transactionAt: string | null;
  createdAt: string;
  expiresAt: string;
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

/** A row of « Mes paiements » (public.payments_page). */
export interface PaymentHistoryRow {
  id: string;
  createdAt: string;
  status: PaymentStatus;
  provider: PaymentProvider;
  amountCents: number;
  /** Null when the service is no longer the resident's (its RLS hides it). */
  serviceName: string | null;
  invoiceNumbers: string[];
  refdet: string;
  idop: string | null;
  numauto: string | null;
  transactionAt: string | null;
}

/** The keyset of « Mes paiements »: the last row of the page before. */
export interface PaymentHistoryCursor {
  at: string;
  id: string;
}

export interface PaymentsPage {
  frame: PageFrame;
  perPage: number;
  payments: PaymentHistoryRow[];
  /** The keyset of the next page, null on the last. */
  next: PaymentHistoryCursor | null;
}

/** The facts of a « Justificatif de paiement » (public.payment_receipt). */
export interface PaymentReceipt {
  attemptId: string;
  serviceName: string;
  /** The customer name(s) of the paid invoices. */
  payers: string[];
  email: string;
  provider: PaymentProvider;
  refdet: string;
  idop: string | null;
  numauto: string | null;
  amountCents: number;
  paidAt: string;
  invoices: { number: string; issuedOn: string; amountCents: number }[];
}

/**
 * The signed-in resident's payments (security invoker SQL, RLS; each call checks first that the
 * Auth session is still live, else SessionEndedError): the selection, confirmation and return
 * pages, and starting an attempt.
 */
export interface ResidentPaymentPort {
  /** public.payment_page(): the payment selection and confirmation. */
  paymentPage(): Promise<PaymentPage>;
  /** public.payment_return_page(): the caller's attempt by id or idOp. */
  paymentReturnPage(ref: { attemptId?: string; idop?: string }): Promise<PaymentReturnPage>;
  /** public.start_payment(): creates the attempt atomically, or says why not. */
  startPayment(invoiceIds: string[]): Promise<StartPaymentResult>;
  /** public.set_payment_idop(): false when the attempt is not the caller's pending PayFiP one. */
  setPaymentIdop(attemptId: string, idop: string): Promise<boolean>;
  /** public.fail_payment_start(): the provider could not open the payment; frees the invoices. */
  failPaymentStart(attemptId: string, reason: string): Promise<boolean>;
  /** public.payments_page(): « Mes paiements », newest first, from the keyset of the page before. */
  paymentsPage(before?: PaymentHistoryCursor): Promise<PaymentsPage>;
  /** public.payment_receipt(): the receipt of the caller's successful payment, else null. */
  paymentReceipt(attemptId: string): Promise<PaymentReceipt | null>;
}

export interface PaymentResultInput {
  /** Where the result came from (logged): payfip_notification, payfip_return, reconcile, tipi_urlcl. */
  source: string;
  idop: string | null;
  tipiToken: string | null;
  refdet: string | null;
  numcli: string | null;
  amountCents: number | null;
  resultrans: string | null;
  numauto: string | null;
  transactionAt: string | null;
  payload: Record<string, unknown>;
  /**
   * The caller vouches that the result comes from DGFiP: PayFiP's SOAP answer fetched by the
   * server, or a classic TIPI post from an address in TIPI_TRUSTED_SOURCES. Otherwise a "paid"
   * is only recorded as reported (public.apply_payment_result).
   */
  sourceVerified: boolean;
}

export interface PaymentResultOutcome {
  outcome: "applied" | "duplicate" | "ignored" | "rejected" | "unknown";
  status?: PaymentStatus;
  attemptId?: string;
}

export interface AttemptToReconcile {
  id: string;
  provider: PaymentProvider;
  idop: string | null;
  refdet: string;
  /** pending, or abandoned within its window (PayFiP may still take a payment on the idOp). */
  status: PaymentStatus;
  pastWindow: boolean;
}

/** The server's side of payments (service role): never reachable from a resident's session. */
export interface PaymentResultsPort {
  /** public.apply_payment_result */
  apply(input: PaymentResultInput): Promise<PaymentResultOutcome>;
  /** public.expire_payment_attempt: true when it expired now. */
  expire(attemptId: string, reason: string): Promise<boolean>;
  /** public.payments_to_reconcile */
  toReconcile(limit: number): Promise<AttemptToReconcile[]>;
}
