import type { Backend } from "../ports/backend";
import type { PaymentResultOutcome, PaymentResultsPort, ResidentPaymentPort, StartRefusal } from "../ports/payment";
import { createPayfipClient, PayfipError, type PayfipClient } from "./client";
import { CALLBACK_PATHS, type PaymentUrls } from "./config";
import { montantOf, parseMontant, parseTipiResult, tipiFields, transactionInstant } from "./protocol";

/**
 * The payment flow, the same for both backends: the rules are SQL (start_payment,
 * apply_payment_result, expire_payment_attempt); this module talks to the provider and passes
 * what it answered to SQL. A result is only ever taken from PayFiP's SOAP answer, or (classic
 * TIPI) from a post that carries the attempt's token and is checked against it in SQL; such a
 * post makes invoices paid only when it came from an address of TIPI_TRUSTED_SOURCES, else a
 * "paid" is recorded as reported for staff (docs/decisions/0013-tipi-trust-and-abandon-window.md).
 */
export function payfipClientFor(urls: PaymentUrls): PayfipClient {
  return createPayfipClient({ url: urls.payfipWs });
}

export type StartOutcome =
  | { kind: "refused"; reason: StartRefusal; minCents?: number; maxCents?: number }
  /** PayFiP: send the browser there (same tab). */
  | { kind: "redirect"; url: string; attemptId: string }
  /** Classic TIPI: an auto-submitting form to paiement.web. */
  | { kind: "tipi_form"; action: string; fields: [string, string][]; attemptId: string }
  /** The provider could not open the payment: nothing was taken, the invoices are free again. */
  | { kind: "provider_unavailable"; error: string };

export async function startPayment(resident: ResidentPaymentPort, invoiceIds: string[], urls: PaymentUrls, client: PayfipClient): Promise<StartOutcome> {
  const started = await resident.startPayment(invoiceIds);
  if (started.status === "refused") {
    return { kind: "refused", reason: started.reason, minCents: started.minCents, maxCents: started.maxCents };
  }
  const p = started.payment;
  if (p.provider === "tipi") {
    if (!p.tipiToken) throw new Error("start_payment created a TIPI attempt without its token");
    const urlcl = `${urls.portalOrigin}${CALLBACK_PATHS.tipiResult}${p.tipiToken}`;
    const fields = tipiFields({
      numcli: p.numcli,
      exer: p.exer,
      refdet: p.refdet,
      montant: montantOf(p.amountCents),
      mel: p.mel,
      objet: p.objet,
      urlcl,
      saisie: p.saisie,
    });
    return { kind: "tipi_form", action: urls.tipiPayment, fields, attemptId: p.attemptId };
  }
  let idop: string;
  try {
    idop = await client.createPayment({
      exer: p.exer,
      mel: p.mel,
      montant: montantOf(p.amountCents),
      numcli: p.numcli,
      objet: p.objet,
      refdet: p.refdet,
      saisie: p.saisie,
      urlnotif: `${urls.portalOrigin}${CALLBACK_PATHS.notification}`,
      urlredirect: `${urls.portalOrigin}${CALLBACK_PATHS.return}`,
    });
  } catch (error) {
    const message = error instanceof PayfipError ? error.message : `unexpected error: ${String(error)}`;
    console.error(`payment ${p.attemptId}: creerPaiementSecurise failed: ${message}`);
    await resident.failPaymentStart(p.attemptId, message);
    return { kind: "provider_unavailable", error: message };
  }
  if (!(await resident.setPaymentIdop(p.attemptId, idop))) {
    await resident.failPaymentStart(p.attemptId, `idOp not recorded: ${idop}`);
    return { kind: "provider_unavailable", error: "idOp not recorded" };
  }
  const url = new URL(urls.payfipPayment);
  url.searchParams.set("idop", idop);
  return { kind: "redirect", url: url.toString(), attemptId: p.attemptId };
}

export type ConfirmOutcome =
  | { kind: "result"; outcome: PaymentResultOutcome; resultrans: string }
  /** P5: PayFiP does not know the result yet. */
  | { kind: "waiting" }
  /** P1: unknown or cleaned-up idOp. */
  | { kind: "unknown_idop" }
  /** PayFiP unreachable or answered something else: ask again later. */
  | { kind: "error"; error: string };

/** Asks PayFiP for the result of `idop` and hands it to SQL. Never throws for a provider answer. */
export async function confirmPayfip(results: PaymentResultsPort, client: PayfipClient, idop: string, source: string): Promise<ConfirmOutcome> {
  let detail;
  try {
    detail = await client.paymentDetail(idop);
  } catch (error) {
    if (error instanceof PayfipError && error.kind === "functional" && error.code === "P5") return { kind: "waiting" };
    if (error instanceof PayfipError && error.kind === "functional" && error.code === "P1") return { kind: "unknown_idop" };
    const message = error instanceof Error ? error.message : String(error);
    console.error(`payment idop ${idop}: recupererDetailPaiementSecurise failed: ${message}`);
    return { kind: "error", error: message };
  }
  const outcome = await results.apply({
    source,
    // The idOp we asked about: an answer about another idOp must not find this attempt.
    idop: detail.idOp && detail.idOp !== idop ? `${idop}#${detail.idOp}` : idop,
    tipiToken: null,
    refdet: detail.refdet || null,
    numcli: detail.numcli || null,
    amountCents: parseMontant(detail.montant),
    resultrans: detail.resultrans || null,
    numauto: detail.numauto || null,
    transactionAt: transactionInstant(detail.dattrans, detail.heurtrans),
    payload: { ...detail },
    // The server's own SOAP answer from PayFiP: DGFiP's word.
    sourceVerified: true,
  });
  return { kind: "result", outcome, resultrans: detail.resultrans };
}

/**
 * A classic TIPI result posted to urlcl: only the token in the path says which attempt.
 * `from`: the client address as the HTTP server recorded it, and whether it is one of DGFiP's
 * (TIPI_TRUSTED_SOURCES, app/.server/payment/trust.ts); it is logged with the result.
 */
/** Longer than any field TIPI sends back (objet: 100 characters; urlcl is not echoed). */
const TIPI_FIELD_MAX = 200;

export async function applyTipiResult(
  results: PaymentResultsPort,
  token: string,
  received: URLSearchParams,
  source: string,
  from: { address: string; trusted: boolean },
): Promise<PaymentResultOutcome> {
  // TIPI's fields are short printable text (the longest, objet, 100 characters): a pair carrying
  // a NUL (which PostgreSQL text cannot hold) or another control character, or longer than any
  // TIPI field, is dropped, so such a result is simply incomplete — and an anonymous caller
  // cannot fill the audit log (payment_events) with large values.
  const params = new URLSearchParams(
    // eslint-disable-next-line no-control-regex
    [...received].filter(([k, v]) => k.length <= 40 && v.length <= TIPI_FIELD_MAX && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(k + v)),
  );
  const r = parseTipiResult(params);
  return results.apply({
    source,
    idop: null,
    tipiToken: /^[0-9a-f]{64}$/.test(token) ? token : "invalid",
    refdet: r.refdet,
    numcli: r.numcli,
    amountCents: parseMontant(r.montant),
    resultrans: r.resultrans,
    numauto: r.numauto,
    transactionAt: transactionInstant(r.dattrans, r.heurtrans),
    payload: {
      ...Object.fromEntries([...params].filter(([k]) => k !== "client_address").slice(0, 30)),
      client_address: from.address.slice(0, 64),
    },
    sourceVerified: from.trusted,
  });
}

export interface ReconcileSummary {
  checked: number;
  settled: number;
  expired: number;
  waiting: number;
  errors: number;
}

/**
 * The reconciliation job: every attempt still pending is asked about (PayFiP), and expired once
 * past its window when PayFiP has no result (P5) or does not know the idOp (P1), or when it is a
 * classic TIPI attempt (nothing to ask). A PayFiP attempt abandoned within its window is asked
 * about too: a payment may still come on its idOp. A payment therefore never depends on the
 * resident coming back, and invoices never stay locked.
 */
export async function reconcilePayments(
  backend: Pick<Backend, "paymentResults">,
  client: PayfipClient,
  options: { limit?: number } = {},
): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { checked: 0, settled: 0, expired: 0, waiting: 0, errors: 0 };
  const attempts = await backend.paymentResults.toReconcile(options.limit ?? 200);
  for (const attempt of attempts) {
    summary.checked++;
    let reason: string | null = null;
    if (attempt.provider === "payfip_ws" && attempt.idop) {
      const confirmed = await confirmPayfip(backend.paymentResults, client, attempt.idop, "reconcile");
      if (confirmed.kind === "result") {
        // Abandoned within its window: PayFiP still says A; asked again until the window ends.
        if (attempt.status === "abandoned" && confirmed.outcome.status === "abandoned") summary.waiting++;
        else if (confirmed.outcome.outcome === "applied" || confirmed.outcome.outcome === "duplicate") summary.settled++;
        else summary.errors++; // rejected (mismatch): left pending and logged for staff
        continue;
      }
      if (attempt.status !== "pending") {
        // Abandoned within its window: nothing to expire; PayFiP is asked again on the next run.
        if (confirmed.kind === "error") summary.errors++;
        else summary.waiting++;
        continue;
      }
      if (confirmed.kind === "error") {
        summary.errors++;
        continue;
      }
      reason = confirmed.kind === "waiting" ? "P5: no result after the window" : "P1: idOp unknown to PayFiP";
    } else if (attempt.provider === "payfip_ws") {
      reason = "no idOp: the payment never reached PayFiP";
    } else {
      reason = "classic TIPI: no result posted within the window";
    }
    if (attempt.pastWindow && (await backend.paymentResults.expire(attempt.id, reason))) summary.expired++;
    else summary.waiting++;
  }
  return summary;
}
