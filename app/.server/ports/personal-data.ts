import type { InvoiceFacts } from "./invoices";
import type { PaymentProvider, PaymentStatus } from "./payment";

/**
 * « Télécharger mes données » (RGPD right of access): what the portal holds about the signed-in
 * account, read in one SQL call, public.my_personal_data()
 * (supabase/migrations/20261203090200_personal_data_export.sql), under RLS, as that user.
 * The files built from it: app/.server/personal-data.ts; their format: docs/personal-data-export.md.
 *
 * Timestamps are ISO strings in UTC; SQL dates stay `YYYY-MM-DD`; amounts are integer cents.
 */
export interface PersonalData {
  /** When the database answered (ISO). */
  generatedAt: string;
  portalName: string;
  account: {
    /** The login e-mail. */
    email: string;
    createdAt: string | null;
    /** When the activation link was followed (e-mail confirmed). */
    activatedAt: string | null;
    lastSignInAt: string | null;
  };
  /** The customer records (abonnés) linked to the account. */
  customers: {
    customerNumber: string;
    displayName: string;
    /** The e-mail the service holds for this record. */
    email: string | null;
    paperInvoices: boolean;
    serviceName: string;
  }[];
  /** Every invoice of those records (metadata only, not the PDF), newest first; no internal id. */
  invoices: (Omit<InvoiceFacts, "id"> & { paidAt: string | null; customerNumber: string; serviceName: string })[];
  /** The account's online payments (one per trip to the provider), newest first. */
  payments: {
    createdAt: string;
    amountCents: number;
    /** The invoices it covers that the account can still see. */
    invoiceNumbers: string[];
    provider: PaymentProvider;
    serviceName: string | null;
    refdet: string;
    idop: string | null;
    numauto: string | null;
    status: PaymentStatus;
    transactionAt: string | null;
  }[];
  /** Messages the account sent to a service through the contact form, newest first. */
  messages: {
    createdAt: string;
    serviceName: string | null;
    senderName: string;
    senderEmail: string;
    customerNumbers: string[];
    subject: string | null;
    body: string;
  }[];
  /** The account's requests to stop paper invoices, newest first. */
  paperOptoutRequests: {
    requestedAt: string;
    /** Null when the customer record is no longer linked to the account. */
    customerNumber: string | null;
    serviceName: string | null;
  }[];
}

/** The resident's personal data export (requireResident(request, { personalData: true })). */
export interface ResidentPersonalDataPort {
  /** public.my_personal_data() */
  personalData(): Promise<PersonalData>;
}
