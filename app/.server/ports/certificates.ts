import type { PageFrame } from "./invoices";

/**
 * « Attestations de paiement »: the yearly payment certificates of the signed-in resident's
 * customer records, read as that user under RLS, one SQL call each
 * (supabase/migrations/20261204090200_payment_certificates.sql; the rule of what is on a
 * certificate: docs/decisions/0037-payment-certificates.md). Amounts are integer cents.
 */

/** Which certificate: a customer record of the account (its id, as /factures/<id> names an invoice) and a year. */
export interface CertificateKey {
  customerId: string;
  year: number;
}

export interface CertificateCustomer {
  customerId: string;
  serviceNumcli: string;
  serviceName: string;
  customerNumber: string;
  displayName: string;
  /** Calendar years with at least one invoice paid, newest first; empty: no certificate. */
  years: number[];
}

export interface CertificatesPage {
  frame: PageFrame;
  customers: CertificateCustomer[];
}

export interface PaymentCertificate {
  service: { numcli: string; name: string; postalAddress: string | null };
  customer: { customerNumber: string; displayName: string };
  year: number;
  /** In payment order; paidOn is the payment's date in Paris (YYYY-MM-DD). */
  invoices: { paidOn: string; number: string; object: string; amountCents: number }[];
  totalCents: number;
}

/** requireResident(request, { certificates: true }) */
export interface ResidentCertificatesPort {
  /** public.certificates_page() */
  certificatesPage(): Promise<CertificatesPage>;
  /** public.payment_certificate(customer id, year); null: not the caller's, or nothing paid that year. */
  paymentCertificate(key: CertificateKey): Promise<PaymentCertificate | null>;
}
