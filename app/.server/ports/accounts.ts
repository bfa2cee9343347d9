/**
 * Accounts ports: who is asking, the signed-in resident, Auth operations for one request and the
 * SQL rules about accounts (docs/decisions/0010-…, docs/decisions/0015-no-auth-round-trip.md).
 * Routes import these types and `getBackend()` only (docs/architecture.md).
 */

/** Who is asking, as PostgREST would see it. */
export type Caller =
  | { role: "anon" }
  | { role: "authenticated"; userId: string; email: string; sessionId?: string }
  | { role: "service_role" };

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
  /**
   * Whether `password` is the signed-in user's current password, checked by Auth without
   * opening a session for this request (Supabase: a sign-in on a throwaway client whose session
   * is revoked at once). Throttling is the caller's (app/.server/accounts.ts).
   */
  verifyPassword(password: string): Promise<boolean>;
  /**
   * Deletes the signed-in user from Auth as GoTrue's DELETE /admin/users/{id} does (a hard
   * delete: every session, identity and link token goes with the user; the portal's rows follow
   * their foreign keys, supabase/migrations/20261203090100_account_closure.sql), then clears this
   * browser's session cookies. The checks (password, payment in progress) are the caller's.
   */
  deleteAccount(): Promise<void>;
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
  /** public.account_closure_blocker(user): why the account may not be closed now, or null. */
  closureBlocker(userId: string): Promise<"payment_pending" | null>;
}
