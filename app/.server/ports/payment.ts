import type { InvoiceStatus } from "./invoices";

/**
 * Payment ports (docs/payment.md): attempts, provider results and reconciliation.
 */

export type PaymentProvider = "payfip_ws" | "tipi";
/**
 * `reported`: a "paid" the portal could not verify (classic TIPI from an address not in
 * TIPI_TRUSTED_SOURCES), waiting for staff; `rejected`: staff found no such payment.
 * `abandoned` holds its invoices until `expiresAt` (20 minutes after the start).
 */
export type PaymentStatus = "pending" | "paid" | "refused" | "abandoned" | "expired" | "error" | "reported" | "rejected";
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

export interface PayableInvoice {
  id: string;
  number: string;
  issuedOn: string;
  dueOn: string;
  amountCents: number;
  object: string;
  status: InvoiceStatus;
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
