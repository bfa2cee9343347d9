import {
  creerPaiementSecuriseRequest,
  parseCreerPaiementSecuriseResponse,
  parseFault,
  parseRecupererDetailPaiementSecuriseResponse,
  recupererDetailPaiementSecuriseRequest,
  type CreatePaymentRequest,
  type PaymentDetail,
  type SoapFault,
} from "./soap";
import { XmlError } from "./xml";

/**
 * The PayFiP SOAP client: the same code for DGFiP and for the local simulator, only `url`
 * differs. Every failure is a PayfipError whose `kind` says what happened (the callers decide:
 * P5 = not known yet, P1 = unknown or expired idOp, anything else = try again later).
 */
export type PayfipErrorKind = "functional" | "technical" | "http" | "timeout" | "network" | "malformed";

export class PayfipError extends Error {
  override name = "PayfipError";
  constructor(
    message: string,
    readonly kind: PayfipErrorKind,
    readonly details: { code?: string; status?: number; fault?: SoapFault } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get code(): string | undefined {
    return this.details.code;
  }
}

export interface PayfipClient {
  /** creerPaiementSecurise → idOp. */
  createPayment(request: CreatePaymentRequest): Promise<string>;
  /** recupererDetailPaiementSecurise(idOp) → the transaction as DGFiP knows it. */
  paymentDetail(idOp: string): Promise<PaymentDetail>;
}

export interface PayfipClientOptions {
  /** The SOAP endpoint, e.g. https://www.payfip.gouv.fr/tpa/services/securite. */
  url: string;
  /** Per call; eopayment uses 15 s. */
  timeoutMs?: number;
}

export function createPayfipClient({ url, timeoutMs = 15_000 }: PayfipClientOptions): PayfipClient {
  async function call<T>(operation: string, body: string, parse: (xml: string) => T): Promise<T> {
    let response: Response;
    try {
      // Global fetch looked up at call time, so MSW (tests) intercepts it.
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "text/xml; charset=utf-8", SOAPAction: '""', Accept: "text/xml" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
    } catch (error) {
      const name = (error as { name?: string })?.name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new PayfipError(`PayFiP ${operation}: no answer within ${timeoutMs} ms`, "timeout", {}, { cause: error });
      }
      throw new PayfipError(`PayFiP ${operation}: network error (${String((error as Error)?.message ?? error)})`, "network", {}, { cause: error });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new PayfipError(`PayFiP ${operation}: the answer could not be read`, "network", { status: response.status }, { cause: error });
    }
    let fault: SoapFault | null = null;
    try {
      fault = parseFault(text);
    } catch {
      fault = null; // not SOAP at all: judged on the HTTP status below
    }
    if (fault) {
      throw new PayfipError(`PayFiP ${operation}: ${fault.kind} fault ${fault.code} (${fault.descriptif || fault.libelle})`, fault.kind, {
        code: fault.code,
        status: response.status,
        fault,
      });
    }
    if (!response.ok) {
      throw new PayfipError(`PayFiP ${operation}: HTTP ${response.status}`, "http", { status: response.status });
    }
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof XmlError) {
        throw new PayfipError(`PayFiP ${operation}: unexpected answer (${error.message})`, "malformed", { status: response.status }, { cause: error });
      }
      throw error;
    }
  }

  return {
    createPayment: (request) =>
      call("creerPaiementSecurise", creerPaiementSecuriseRequest(request), parseCreerPaiementSecuriseResponse),
    paymentDetail: (idOp) =>
      call("recupererDetailPaiementSecurise", recupererDetailPaiementSecuriseRequest(idOp), parseRecupererDetailPaiementSecuriseResponse),
  };
}
