/**
 * Ports: what the routes may ask of the outside world. Routes import these types and
 * `getBackend()` only — never supabase-js, PGlite or postmark (docs/architecture.md).
 *
 * Each port has two adapters: `supabase/` (production) and `embedded/` (PGlite, default).
 * Both call the same SQL functions of `supabase/migrations/`: the rules live there.
 */

/** Who is asking, as PostgREST would see it. */
export type Caller =
  | { role: "anon" }
  | { role: "authenticated"; userId: string; email: string; sessionId?: string }
  | { role: "service_role" };

export interface PortalPublicInfo {
  portalName: string;
}

export interface DataPort {
  /** Asks the database something trivial; throws when it does not answer. */
  ping(): Promise<void>;
  /** What the login page may show to anyone (SQL: public.portal_public_info()). */
  portalPublicInfo(): Promise<PortalPublicInfo>;
  /** Services a visitor may write to, with their other contact means (public.public_contact_services()). */
  publicContactServices(): Promise<ContactService[]>;
  /**
   * A message from a visitor who is not signed in (public.send_public_contact_message, service
   * role): throttled per e-mail and per client, stored and e-mailed in one transaction.
   */
  sendPublicContactMessage(input: PublicContactInput): Promise<PublicContactResult>;
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
  /** The e-mail outbox as the sender sees it (service role, SQL outbox_* functions). */
  outbox: OutboxPort;
  /** Provider results and reconciliation (service role, SQL apply_payment_result & co). */
  paymentResults: PaymentResultsPort;
  /** Embedded default only: the local DGFiP simulator (its routes answer 404 without it). */
  paymentSimulator?: import("./payment/simulator").DgfipSimulator;
  /** Where claimed e-mails go: Postmark, or the local capture of the embedded default. */
  mailTransport: MailTransport;
}

/* ------------------------------------------------------------------ accounts (docs/decisions/0010-…) */

/**
 * The signed-in resident, as the accounts adapter verified it for this request: from a signed,
 * unexpired access token (GoTrue's JWT; the embedded `pf_access` cookie), without a round trip to
 * Auth. It says who the token was issued to, not that the session is still live: that is checked
 * by SQL with `sessionId` (docs/decisions/0015-no-auth-round-trip.md).
 */
export interface SessionUser {
  id: string;
  email: string;
  /**
   * The Auth session this request runs in (GoTrue's `session_id` claim; the embedded
   * auth.sessions row). SQL checks it is still live, so logout and password changes end
   * access at once.
   */
  sessionId: string;
}

export type AuthLinkType = "invite" | "recovery" | "email_change";

export type SignInResult = { ok: true } | { ok: false; reason: "invalid_credentials" };

export type VerifyLinkResult = { ok: true; type: AuthLinkType } | { ok: false; reason: "invalid_or_expired" };

export type ActivationResult = "unknown_email" | "already_active" | "sent";

/**
 * What became of an account e-mail handed to Auth: "sent", or "mail_unavailable" when the
 * e-mail service refused it for now (Supabase Auth's project-wide e-mail budget is spent): the
 * resident is told to retry later and staff find it in the logs. Never "sent" when it was not.
 */
export type AuthMailResult = "sent" | "mail_unavailable";

/**
 * How the current session was opened, when it was opened by an e-mail link. Only a session
 * opened by an activation ("invite") or recovery link, recently, may set a password without the
 * current one (app/.server/accounts.ts decides; docs/decisions/0011-…).
 */
export interface LinkSession {
  type: "invite" | "recovery";
  openedAt: Date;
}

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
  /**
   * The verified user of this request's session, or null. Never trusts an unverified cookie.
   * Verifies the access token where the page runs (signature or MAC, expiry): no Auth call and no
   * query while it is valid; an expired one is refreshed (Supabase: one POST /token; embedded:
   * one lookup of the session row). A session revoked since its token was issued still yields its
   * user here: the page's SQL call ends it (docs/decisions/0015-no-auth-round-trip.md).
   */
  getUser(): Promise<SessionUser | null>;
  signIn(input: { email: string; password: string; remember: boolean }): Promise<SignInResult>;
  /** Ends the session on the server (not only the cookie). */
  signOut(): Promise<void>;
  /** Sends the activation e-mail (creates the account when needed). Eligibility is checked by the caller. */
  sendActivationLink(email: string): Promise<AuthMailResult>;
  /** Sends the password recovery e-mail to an active account. */
  sendRecoveryLink(email: string): Promise<AuthMailResult>;
  /** Verifies a single-use link from an e-mail and opens a session. */
  verifyLink(type: AuthLinkType, tokenHash: string): Promise<VerifyLinkResult>;
  /**
   * The link that opened this request's session (activation or recovery), or null for a session
   * opened by a password login, by an e-mail-change link, or whose link privilege was spent.
   * Read from server-side state (embedded: the session row, one query) or the verified access
   * token's `amr` (Supabase).
   */
  linkSession(): Promise<LinkSession | null>;
  /**
   * Sets the password of the signed-in user (activation and recovery end here). Spends the
   * session's link privilege (the next call needs the current password) and ends other sessions.
   */
  setPassword(password: string): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<PasswordChangeResult>;
  requestEmailChange(newEmail: string): Promise<EmailChangeResult>;
}

export interface AccountsPort {
  forRequest(request: Request): RequestAccounts;
}

/**
 * SQL rules about accounts, called with the service role (supabase/migrations/*_accounts.sql,
 * *_auth_throttles.sql; docs/decisions/0011-auth-throttling.md).
 */
export interface AccountRulesPort {
  /** public.account_activation_status(email) */
  activationStatus(email: string): Promise<"unknown_email" | "already_active" | "eligible">;
  /** public.login_attempt_check(email, client): null when this client may try this e-mail now, else when it may. */
  loginCheck(email: string, client: string): Promise<Date | null>;
  /** public.login_attempt_failed(email, client): records a failure; when this client may try again (null: now). */
  loginFailed(email: string, client: string): Promise<Date | null>;
  /** public.login_attempt_succeeded(email, client): lifts this client's own failures on this e-mail. */
  loginSucceeded(email: string, client: string): Promise<void>;
  /**
   * public.auth_mail_request(email, client): counts a request for an activation or recovery
   * e-mail on the address and the client (null: that key is not counted). Null: accepted and
   * counted; otherwise refused, and when a request will be accepted again.
   */
  authMailRequest(email: string | null, client: string | null): Promise<Date | null>;
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

/** A service one can write to, and its other contact means (`services.general_info`). */
export interface ContactService {
  serviceId: string;
  serviceName: string;
  generalInfo: string;
  /** The service receives messages through the portal (it has a contact address). */
  acceptsMessages: boolean;
}

export interface ContactInput {
  serviceId: string;
  subject: string;
  body: string;
}

export interface PublicContactInput extends ContactInput {
  email: string;
  name: string;
  customerNumber: string;
  /** Client address, for throttling. */
  client: string;
}

export type PublicContactResult = { status: "sent" } | { status: "throttled"; retryAt: Date };

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

/* ------------------------------------------------------------------ payment (docs/payment.md) */

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
  replyTo: string | null;
}

/** Embedded default only: the e-mails that would have left, shown at /dev/courriels. */
export interface DevMailboxPort {
  list(limit: number): Promise<OutboxEmail[]>;
}

/* ------------------------------------------------------------------ outbox (docs/mail.md) */

/** An outbox e-mail claimed by a sender, with the token that proves the claim. */
export interface ClaimedEmail {
  id: string;
  claimToken: string;
  kind: string;
  to: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  /** Attempts so far, this one included. */
  attempts: number;
}

/** The sender's side of portal.email_outbox (SQL outbox_* functions, service role). */
export interface OutboxPort {
  /** public.outbox_claim(limit, lease): due e-mails, leased to this caller. */
  claim(limit: number, leaseSeconds: number): Promise<ClaimedEmail[]>;
  /** public.outbox_mark_sent: false when it was already recorded as sent. */
  markSent(id: string, claimToken: string, providerMessageId: string): Promise<boolean>;
  /** public.outbox_mark_retry: next attempt after the SQL backoff (only the claimer may). */
  markRetry(id: string, claimToken: string, error: string): Promise<boolean>;
  /** public.outbox_mark_failed: kept as a permanent failure for staff (only the claimer may). */
  markFailed(id: string, claimToken: string, error: string): Promise<boolean>;
}

export type SendResult =
  | { status: "accepted"; messageId: string }
  | { status: "permanent"; error: string }
  | { status: "transient"; error: string };

/** Hands one e-mail to the mail provider. Never throws for a provider answer: classifies it. */
export interface MailTransport {
  readonly name: string;
  send(email: ClaimedEmail): Promise<SendResult>;
}
