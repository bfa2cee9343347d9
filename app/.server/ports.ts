/**
 * Ports: what the routes may ask of the outside world. Routes import these types and
 * `getBackend()` only — never supabase-js, PGlite or postmark (ARCHITECTURE.md).
 *
 * Each port has two adapters: `supabase/` (production) and `embedded/` (PGlite, default).
 * Both call the same SQL functions of `supabase/migrations/`: the rules live there.
 */

/** Who is asking, as PostgREST would see it. */
export type Caller =
  | { role: "anon" }
  | { role: "authenticated"; userId: string; email: string }
  | { role: "service_role" };

export interface PortalPublicInfo {
  portalName: string;
}

export interface DataPort {
  /** Asks the database something trivial; throws when it does not answer. */
  ping(): Promise<void>;
  /** What the login page may show to anyone (SQL: public.portal_public_info()). */
  portalPublicInfo(): Promise<PortalPublicInfo>;
}

export interface Backend {
  kind: "embedded" | "supabase";
  data: DataPort;
  accounts: AccountsPort;
  accountRules: AccountRulesPort;
  /** Data reads as the signed-in user of `accounts` (same request). */
  residentData(accounts: RequestAccounts, user: SessionUser): ResidentDataPort;
  /** Invoice PDFs as the signed-in user of `accounts` (same request). */
  residentFiles(accounts: RequestAccounts, user: SessionUser): InvoiceFilesPort;
  /** Embedded default only: the local outbox viewer. */
  devMailbox?: DevMailboxPort;
}

/* ------------------------------------------------------------------ accounts (issue 3) */

/** The signed-in resident, as verified by the accounts adapter for this request. */
export interface SessionUser {
  id: string;
  email: string;
}

export type AuthLinkType = "invite" | "recovery" | "email_change";

export type SignInResult = { ok: true } | { ok: false; reason: "invalid_credentials" };

export type VerifyLinkResult = { ok: true; type: AuthLinkType } | { ok: false; reason: "invalid_or_expired" };

export type ActivationResult = "unknown_email" | "already_active" | "sent";

export type EmailChangeResult = "sent" | "email_taken" | "same_email";

export type PasswordChangeResult = "changed" | "wrong_current_password";

/**
 * Account operations for one HTTP request. Cookies the adapter sets (session, refresh) are
 * collected in `headers`, which the route must merge into its response — every response.
 * Rules that are not Auth's own (who may be activated, throttling) are SQL functions reached
 * through DataPort; `app/.server/accounts.ts` composes them, identically for both adapters.
 */
export interface RequestAccounts {
  readonly headers: Headers;
  /** The verified user of this request's session, or null. Never trusts an unverified cookie. */
  getUser(): Promise<SessionUser | null>;
  signIn(input: { email: string; password: string; remember: boolean }): Promise<SignInResult>;
  /** Ends the session on the server (not only the cookie). */
  signOut(): Promise<void>;
  /** Sends the activation e-mail (creates the account when needed). Eligibility is checked by the caller. */
  sendActivationLink(email: string): Promise<void>;
  /** Sends the password recovery e-mail to an active account. */
  sendRecoveryLink(email: string): Promise<void>;
  /** Verifies a single-use link from an e-mail and opens a session. */
  verifyLink(type: AuthLinkType, tokenHash: string): Promise<VerifyLinkResult>;
  /** Sets the password of the signed-in user (activation and recovery end here). */
  setPassword(password: string): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<PasswordChangeResult>;
  requestEmailChange(newEmail: string): Promise<EmailChangeResult>;
}

export interface AccountsPort {
  forRequest(request: Request): RequestAccounts;
}

/** SQL rules about accounts (supabase/migrations/*_accounts.sql), called with the service role. */
export interface AccountRulesPort {
  /** public.account_activation_status(email) */
  activationStatus(email: string): Promise<"unknown_email" | "already_active" | "eligible">;
  /** public.login_throttle_check(email, client): null when a try is allowed now, else when it will be. */
  throttleCheck(email: string, client: string): Promise<Date | null>;
  /** public.login_throttle_record_failure(email, client): when the next try is allowed (null: now). */
  throttleRecordFailure(email: string, client: string): Promise<Date | null>;
  /** public.login_throttle_clear(email): after a successful login. */
  throttleClear(email: string): Promise<void>;
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

export type InvoiceStatus = "unpaid" | "paid" | "treasury";

/** What the home page shows (public.portal_home()). */
export interface PortalHome {
  /** Null when the service set none: no box. */
  announcement: string | null;
  welcomeMessage: string;
}

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

/** Reads on behalf of the signed-in resident: RLS decides what comes back (SQL functions). */
export interface ResidentDataPort {
  /** public.my_customers() */
  myCustomers(): Promise<CustomerSummary[]>;
  /** public.portal_home() */
  portalHome(): Promise<PortalHome>;
  /** public.my_invoices(): at most `limit` (1..100) rows of a tab, newest first, after `after`. */
  myInvoices(input: { status: InvoiceStatus; limit: number; after?: InvoiceCursor | null }): Promise<InvoiceRow[]>;
  /** public.my_invoice_counts() */
  myInvoiceCounts(): Promise<InvoiceCounts>;
  /** public.my_invoice(id): null when there is no such invoice or it is not the resident's. */
  myInvoice(id: string): Promise<InvoiceDetail | null>;
}

/** An invoice's PDF, ready to stream. */
export interface InvoicePdf {
  /** The invoice number, for the file name. */
  number: string;
  body: ReadableStream<Uint8Array>;
  size: number;
}

/**
 * Invoice PDFs for the signed-in resident. Ownership is decided by SQL first
 * (public.my_invoice_pdf_key, under RLS), then the file store is read; on Supabase the Storage
 * policy checks it again. Null: no such invoice, not theirs, no PDF, or the file is missing.
 */
export interface InvoiceFilesPort {
  invoicePdf(invoiceId: string): Promise<InvoicePdf | null>;
}

export interface OutboxEmail {
  id: string;
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  status: string;
  createdAt: string;
}

/** Embedded default only: the e-mails that would have left, shown at /dev/courriels. */
export interface DevMailboxPort {
  list(limit: number): Promise<OutboxEmail[]>;
}
