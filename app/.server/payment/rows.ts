import type { AttemptToReconcile, InvoicePaymentState, PayableInvoice, PaymentAttempt, PaymentResultOutcome, StartPaymentResult } from "../ports/payment";

/**
 * Row shapes of the payment SQL functions, as both adapters receive them (PGlite gives Date
 * objects for timestamps, PostgREST ISO strings; bigint arrives as number or bigint), and their
 * mapping to the ports' types. No rule here: only names and types.
 */
type Instant = string | Date;
const iso = (v: Instant) => new Date(v).toISOString();
const isoOrNull = (v: Instant | null) => (v === null ? null : iso(v));

export interface PayableInvoiceRow {
  id: string;
  number: string;
  issued_on: string;
  due_on: string;
  amount_cents: number | bigint | string;
  object: string;
  status: PayableInvoice["status"];
  service_id: string;
  service_name: string;
  numcli: string;
  payment_provider: PayableInvoice["provider"];
  allow_multiple_invoices: boolean;
  block: PayableInvoice["block"];
}

export function toPayableInvoice(r: PayableInvoiceRow): PayableInvoice {
  return {
    id: r.id,
    number: r.number,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    amountCents: Number(r.amount_cents),
    object: r.object,
    status: r.status,
    serviceId: r.service_id,
    serviceName: r.service_name,
    numcli: r.numcli,
    provider: r.payment_provider,
    allowMultiple: r.allow_multiple_invoices,
    block: r.block,
  };
}

export interface StartPaymentJson {
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

export function toStartPaymentResult(j: StartPaymentJson): StartPaymentResult {
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

export interface PaymentAttemptRow {
  id: string;
  status: PaymentAttempt["status"];
  provider: PaymentAttempt["provider"];
  numcli: string;
  refdet: string;
  idop: string | null;
  amount_cents: number | bigint | string;
  invoice_ids: string[];
  invoice_numbers: string[];
  numauto: string | null;
  transaction_at: Instant | null;
  created_at: Instant;
  expires_at: Instant;
}

export function toPaymentAttempt(r: PaymentAttemptRow): PaymentAttempt {
  return {
    id: r.id,
    status: r.status,
    provider: r.provider,
    numcli: r.numcli,
    refdet: r.refdet,
    idop: r.idop,
    amountCents: Number(r.amount_cents),
    invoiceIds: r.invoice_ids ?? [],
    invoiceNumbers: r.invoice_numbers ?? [],
    numauto: r.numauto,
    transactionAt: isoOrNull(r.transaction_at),
    createdAt: iso(r.created_at),
    expiresAt: iso(r.expires_at),
  };
}

export function toOutcome(j: { outcome: PaymentResultOutcome["outcome"]; status?: PaymentResultOutcome["status"]; attempt_id?: string }): PaymentResultOutcome {
  return {
    outcome: j.outcome,
    ...(j.status ? { status: j.status } : {}),
    ...(j.attempt_id ? { attemptId: j.attempt_id } : {}),
  };
}

export interface ReconcileRow {
  id: string;
  provider: AttemptToReconcile["provider"];
  idop: string | null;
  refdet: string;
  status: AttemptToReconcile["status"];
  past_window: boolean;
}

export const toAttemptToReconcile = (r: ReconcileRow): AttemptToReconcile => ({
  id: r.id,
  provider: r.provider,
  idop: r.idop,
  refdet: r.refdet,
  status: r.status,
  pastWindow: r.past_window,
});

export interface InvoicePaymentRow {
  block: InvoicePaymentState["block"];
  retry_after: Instant | null;
  attempt_id: string | null;
}

export const toInvoicePaymentState = (r: InvoicePaymentRow): InvoicePaymentState => ({
  block: r.block,
  retryAfter: isoOrNull(r.retry_after),
  attemptId: r.attempt_id,
});

/** apply_payment_result's parameters, named as PostgREST wants them (and in SQL order). */
export function applyArgs(input: import("../ports/payment").PaymentResultInput) {
  return {
    p_source: input.source,
    p_idop: input.idop,
    p_tipi_token: input.tipiToken,
    p_refdet: input.refdet,
    p_numcli: input.numcli,
    p_amount_cents: input.amountCents,
    p_resultrans: input.resultrans,
    p_numauto: input.numauto,
    p_transaction_at: input.transactionAt,
    p_payload: input.payload,
    p_source_verified: input.sourceVerified,
  };
}
