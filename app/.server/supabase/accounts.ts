import { data } from "@remix-run/server-runtime";
import { parseCookieHeader, serializeCookieHeader } from "@supabase/ssr";
import {
  isAuthApiError,
  isAuthError,
  isAuthRetryableFetchError,
  isAuthSessionMissingError,
  type AuthError,
  type JWK,
  type SupabaseClient,
} from "@supabase/supabase-js";
import { base64url, fromBase64url } from "../base64url";
import type { AccountsPort, AuthLinkType, AuthMailResult, EmailChangeResult, LinkSession, PasswordChangeResult, RequestAccounts, SessionUser, SignInResult, VerifyLinkResult } from "../ports/accounts";
import { createAnonClient } from "./clients";
import { PORTAL_BUSY, PORTAL_BUSY_RETRY_SECONDS, SupabaseAdapterError, type PortalBusyData } from "./errors";
import { createRequestClient, residentHeaders, secureCookies, signingKey, type RequestClientOptions, type RequestSupabase } from "./server-client";
import type { SupabaseSettings } from "./settings";

/**
 * Accounts through Supabase Auth (GoTrue): the same behaviour as embedded/auth.ts, with GoTrue
 * doing the work (passwords, single-use links, sessions, e-mails from supabase/templates/).
 * Decisions: docs/decisions/0005-supabase-accounts-adapter.md.
 *
 * - One @supabase/ssr client per request (server-client.ts); its Set-Cookie headers are copied
 *   into `headers` after every operation.
 * - getUser() verifies the access token locally (auth.getClaims with the project's asymmetric
 *   signing keys, fetched once per process): no call to Auth while the token is valid; an expired
 *   one is refreshed first (one POST /token). A project still signing with the legacy HS256
 *   secret makes getClaims ask GoTrue (GET /user) on every request: the slow path. Revocation stays
 *   immediate: the page's SQL checks the token's session_id (docs/decisions/0015-no-auth-round-trip.md).
 * - "Se souvenir de moi" unchecked: the session cookies are browser-session cookies, and the
 *   `pf_remember=0` cookie (itself browser-session) tells later requests to keep writing them that
 *   way when a token refresh rewrites them.
 * - Privileged calls (invite) use the service-role client, never the request client.
 * - A session opened by an activation or recovery link may set a password once, without the
 *   current one (linkSession, setPassword): see LINK_COOKIE.
 */

/** Present (value "0") when the session must stay a browser-session one. */
export const REMEMBER_COOKIE = "pf_remember";

/**
 * Which link opened the current session, for sessions GoTrue opened by POST /verify. GoTrue
 * records every such session with the authentication method "otp", whatever the link type
 * (docs/decisions/0005-supabase-accounts-adapter.md, "What GoTrue does"), so the access token's
 * `amr` cannot tell an activation
 * or recovery link from an e-mail-change one. This cookie says which: `<type>.<session id>.<MAC>`,
 * the MAC (HMAC-SHA-256, key derived from the service-role key, which never leaves the server)
 * binding the type to the GoTrue session it was issued with. It is only believed for the session
 * of a verified token (signature checked with the project's key, or by GoTrue), whose amr says
 * "otp". Browser-session, HttpOnly; removed when the password is set (that session is then
 * replaced) and at every login or logout.
 */
export const LINK_COOKIE = "pf_link";

/**
 * GoTrue error codes that mean "wrong e-mail or password": one generic answer, which tells
 * nothing about whether the address has an account.
 */
const INVALID_CREDENTIALS = new Set(["invalid_credentials", "email_not_confirmed"]);

type SessionCookies = NonNullable<RequestClientOptions["sessionCookies"]>;

/** The request client behind each RequestAccounts this adapter made (for residentData). */
const requestClients = new WeakMap<RequestAccounts, () => Promise<SupabaseClient>>();

/**
 * The per-request client carrying the resident's session (RLS applies to its `.rpc()` calls), as
 * a getter: after a login in the same request it is the client holding the new session.
 */
export function requestClientOf(accounts: RequestAccounts): () => Promise<SupabaseClient> {
  const client = requestClients.get(accounts);
  if (!client) throw new Error("Supabase adapter: these RequestAccounts were not made by the Supabase accounts adapter.");
  return client;
}

/** An Auth failure the routes do not map to an answer: the error page, details for the logs. */
export function authFailure(operation: string, error: AuthError): SupabaseAdapterError {
  const status = typeof error.status === "number" ? error.status : undefined;
  const code = error.code ?? undefined;
  const where = !status ? "network error" : `HTTP ${status}${code ? ` ${code}` : ""}`;
  const hint = status === 429 ? " — Supabase Auth rate limit reached (see [auth.rate_limit] / max_frequency)" : "";
  return new SupabaseAdapterError(`Supabase Auth ${operation} failed (${where}): ${error.message}${hint}`, { operation, code, status }, { cause: error });
}

/** A 429 from Auth (GoTrue's limits all answer 429; auth-js treats it as final, not retryable). */
function isRateLimited(error: AuthError): boolean {
  return isAuthApiError(error) && error.status === 429;
}

/**
 * Auth refused, for now, a call the page needs (429 while refreshing the access token or checking
 * the user): a 503 "try again in a moment" for the root error boundary. The resident's cookies
 * are kept (the caller discards what supabase-js wrote); staff find the cause in the logs.
 */
function portalBusy(operation: string, error: AuthError) {
  console.error(
    `Supabase Auth ${operation} refused by a rate limit (HTTP 429 ${error.code ?? ""}: ${error.message}). ` +
      `The resident keeps the session and is asked to retry in ${PORTAL_BUSY_RETRY_SECONDS} s. ` +
      "Check [auth.rate_limit] token_refresh and IP address forwarding (docs/supabase.md, \"Rate limits\").",
  );
  const body: PortalBusyData = { reason: PORTAL_BUSY, retryAfterSeconds: PORTAL_BUSY_RETRY_SECONDS };
  return data(body, { status: 503, headers: { "Retry-After": String(PORTAL_BUSY_RETRY_SECONDS), "Cache-Control": "no-store" } });
}

/**
 * Why Auth refused to send an e-mail, from its 429 answer (docs/decisions/0005-…, "What GoTrue does"):
 * - "frequency": this address got the same kind of e-mail less than max_frequency ago
 *   (validateSentWithinFrequencyLimit: "For security purposes, you can only request this after
 *   N seconds."); the previous link still works;
 * - "budget": the project's hourly e-mail budget is spent (EmailRateLimitExceeded: "email rate
 *   limit exceeded"), same code `over_email_send_rate_limit`; any other text with that code is
 *   treated the same, so that "sent" is never said of an e-mail that was not;
 * - "requests": a per-IP request bucket is empty (over_request_rate_limit).
 */
function mailRefusal(error: AuthError): "frequency" | "budget" | "requests" | null {
  if (!isRateLimited(error)) return null;
  if (error.code === "over_email_send_rate_limit") {
    return /^For security purposes, you can only request this\b/.test(error.message) ? "frequency" : "budget";
  }
  return "requests";
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/* ------------------------------------------------------------------ link cookie (MAC) */

const encoder = new TextEncoder();

/** The MAC key: HMAC-SHA-256(service-role key, purpose), so the key itself is never used raw. */
async function deriveLinkKey(secret: string): Promise<CryptoKey> {
  const hmac = { name: "HMAC", hash: "SHA-256" } as const;
  const master = await crypto.subtle.importKey("raw", encoder.encode(secret), hmac, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", master, encoder.encode("portail-des-factures pf_link v1"));
  return crypto.subtle.importKey("raw", derived, hmac, false, ["sign", "verify"]);
}

type LinkType = LinkSession["type"];

/** What GoTrue puts in the access token, as far as this adapter reads it. */
interface TokenClaims {
  sub?: unknown;
  email?: unknown;
  role?: unknown;
  is_anonymous?: unknown;
  session_id?: unknown;
  amr?: unknown;
}

/** Algorithms of Supabase's asymmetric signing keys (what auth-js verifies locally), by key type. */
const ASYMMETRIC: Record<string, string> = { ES256: "EC", RS256: "RSA" };

/** The token's JOSE header, if the token is a well-formed JWT (nothing in it is trusted yet). */
function headerOf(token: string): { alg?: unknown; kid?: unknown } | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return null;
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(parts[0]!)));
    const payload: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1]!)));
    if (typeof header !== "object" || header === null || typeof payload !== "object" || payload === null) return null;
    return header as { alg?: unknown; kid?: unknown };
  } catch {
    return null;
  }
}

function claimsOf(accessToken: string): TokenClaims | null {
  const payload = accessToken.split(".")[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(payload)));
    return typeof claims === "object" && claims !== null ? (claims as TokenClaims) : null;
  } catch {
    return null;
  }
}

/** The session user of a token GoTrue just issued, or that was verified; null without a session_id claim. */
function sessionUserOf(id: string, email: string, claims: TokenClaims | null): SessionUser | null {
  return typeof claims?.session_id === "string" ? { id, email, sessionId: claims.session_id } : null;
}

/** GoTrue's `amr`: `[{method, timestamp}]`, newest first. */
function amrEntries(claims: TokenClaims): { method: string; timestamp: number }[] {
  if (!Array.isArray(claims.amr)) return [];
  return claims.amr.flatMap((entry: unknown) => {
    const { method, timestamp } = (entry ?? {}) as { method?: unknown; timestamp?: unknown };
    return typeof method === "string" && typeof timestamp === "number" && Number.isFinite(timestamp) ? [{ method, timestamp }] : [];
  });
}

/** What the accounts of every request share. */
interface SupabaseAuth {
  settings: SupabaseSettings;
  serviceRole: SupabaseClient;
  /** The link cookie's MAC key (derived from the service-role key). */
  linkKey: Promise<CryptoKey>;
  /** Where e-mail links lead: always the configured public origin, never the request's Host. */
  redirectTo: string;
}

export function createSupabaseAccounts(settings: SupabaseSettings, serviceRole: SupabaseClient): AccountsPort {
  const auth: SupabaseAuth = {
    settings,
    serviceRole,
    linkKey: deriveLinkKey(settings.serviceRoleKey),
    redirectTo: `${settings.siteUrl.replace(/\/+$/, "")}/auth/confirm`,
  };
  return {
    forRequest(request: Request): RequestAccounts {
      const session = new SupabaseRequestAccounts(auth, request);
      const accounts = session.port();
      requestClients.set(accounts, () => session.client());
      return accounts;
    },
  };
}

async function signLink(linkKey: Promise<CryptoKey>, type: LinkType, sessionId: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await linkKey, encoder.encode(`${type}.${sessionId}`));
  return `${type}.${sessionId}.${base64url(mac)}`;
}

/** The link type the cookie vouches for, for this GoTrue session only; null if forged or foreign. */
async function readLink(linkKey: Promise<CryptoKey>, value: string | undefined, sessionId: unknown): Promise<LinkType | null> {
  const match = /^(invite|recovery)\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!match || typeof sessionId !== "string" || match[2] !== sessionId) return null;
  const [, type, id, mac] = match;
  const valid = await crypto.subtle.verify("HMAC", await linkKey, fromBase64url(mac!), encoder.encode(`${type}.${id}`));
  return valid ? (type as LinkType) : null;
}

/** Ends every other session of the user (GoTrue: POST /logout?scope=others). */
async function endOtherSessions(c: SupabaseClient) {
  const { error } = await c.auth.signOut({ scope: "others" });
  if (error) throw authFailure("signOut(others)", error);
}

/** PUT /auth/v1/user {password}; "same_password" is what the resident wanted anyway. */
async function updatePassword(c: SupabaseClient, password: string, operation: string) {
  const { error } = await c.auth.updateUser({ password });
  if (error && error.code !== "same_password") throw authFailure(operation, error);
}

/** An e-mail Auth refused to send: "sent" only when the previous link still works. */
function refusedMail(what: string, error: AuthError): AuthMailResult {
  const refusal = mailRefusal(error);
  if (refusal === "frequency") {
    // Within max_frequency of the previous one, which still works; an error here would
    // also tell that the address has an account.
    console.warn(`Supabase Auth ${what} e-mail not sent again (${error.message}): the previous link still works.`);
    return "sent";
  }
  if (refusal === "budget") {
    console.error(
      `Supabase Auth refused the ${what} e-mail: the project's e-mail budget is spent (HTTP 429 ${error.code}: "${error.message}"). ` +
        "Nothing was sent; the resident was asked to try again later. Raise the hourly e-mail budget " +
        "(rate_limit_email_sent, [auth.rate_limit] email_sent; needs custom SMTP): docs/supabase.md.",
    );
    return "mail_unavailable";
  }
  console.error(
    `Supabase Auth refused the ${what} e-mail request: per-IP request limit reached (HTTP 429 ${error.code ?? ""}: "${error.message}"). ` +
      "Nothing was sent; the resident was asked to try again later. See [auth.rate_limit] sign_in_sign_ups and IP address forwarding: docs/supabase.md.",
  );
  return "mail_unavailable";
}

/**
 * The JWKS to verify the access token with (`{}`: a legacy HS256 secret, GoTrue checks it), or
 * why the token is refused without asking Auth.
 */
async function verificationKeys(settings: SupabaseSettings, accessToken: string): Promise<{ jwks?: { keys: JWK[] } } | { refused: string }> {
  const header = headerOf(accessToken);
  if (!header || typeof header.alg !== "string") return { refused: "not a JWT" };
  const keyType = ASYMMETRIC[header.alg];
  if (keyType) {
    // The project's public key (cached per process): getClaims then verifies the signature
    // and `exp` here, without a call to Auth.
    const key = typeof header.kid === "string" ? await signingKey(settings, header.kid) : null;
    if (!key || key.kty !== keyType || (key.alg !== undefined && key.alg !== header.alg)) {
      return { refused: `signed with a key the project does not publish (${header.alg}, kid ${String(header.kid)})` };
    }
    return { jwks: { keys: [key] } };
  }
  if (!header.alg.startsWith("HS")) return { refused: `algorithm ${header.alg}` };
  return {};
}

interface Opened {
  supabase: RequestSupabase;
  /** How many of its Set-Cookie were copied into `headers`. */
  copied: number;
  /** Its writes must never reach the browser (a rate-limited refresh removed the session). */
  discarded: boolean;
}

/**
 * The accounts of one HTTP request: the request clients it opened, the cookies it writes, and
 * what it verified. port() hands the routes a plain RequestAccounts object.
 */
class SupabaseRequestAccounts {
  readonly headers = new Headers();
  private readonly auth: SupabaseAuth;
  private readonly request: Request;
  private readonly requestCookies: { name: string; value?: string }[];
  private readonly rememberedNo: boolean;
  private readonly secure: boolean;
  /** Headers of the throwaway anon clients serving this resident (their address). */
  private readonly forResident: Record<string, string>;
  /** The Auth cookies of this request (`sb-<ref>-auth-token`, and its chunks `.0`, `.1`…). */
  private readonly authCookieName: string;
  /** Every request client opened for this request. */
  private readonly opened: Opened[] = [];
  private current: Promise<Opened> | undefined;
  private cachedUser: Promise<SessionUser | null> | undefined;
  /** Claims of the access token verified (getClaims) or issued by GoTrue in this request. */
  private verified: TokenClaims | null = null;
  /** The link cookie as the browser will hold it after this response. */
  private linkCookie: string | undefined;

  constructor(auth: SupabaseAuth, request: Request) {
    this.auth = auth;
    this.request = request;
    this.requestCookies = parseCookieHeader(request.headers.get("Cookie") ?? "");
    this.rememberedNo = this.requestCookies.some((c) => c.name === REMEMBER_COOKIE && c.value === "0");
    this.secure = secureCookies(request, auth.settings);
    this.forResident = residentHeaders(request);
    this.authCookieName = `sb-${new URL(auth.settings.url).hostname.split(".")[0]}-auth-token`;
    this.linkCookie = this.requestCookies.find((c) => c.name === LINK_COOKIE)?.value ?? undefined;
  }

  port(): RequestAccounts {
    return {
      headers: this.headers,
      getUser: () => this.getUser(),
      signIn: (input) => this.withFlush(() => this.signIn(input)),
      signOut: () => this.withFlush(() => this.signOut()),
      sendActivationLink: (email) => this.sendActivationLink(email),
      sendRecoveryLink: (email) => this.sendRecovery(normalizeEmail(email), "recovery"),
      verifyLink: (type, tokenHash) => this.withFlush(() => this.verifyLink(type, tokenHash)),
      linkSession: () => this.linkSession(),
      setPassword: (password) => this.withFlush(() => this.setPassword(password)),
      changePassword: (currentPassword, newPassword) => this.withFlush(() => this.changePassword(currentPassword, newPassword)),
      requestEmailChange: (newEmail) => this.withFlush(() => this.requestEmailChange(newEmail)),
      verifyPassword: (password) => this.verifyPassword(password),
      deleteAccount: () => this.withFlush(() => this.deleteAccount()),
    };
  }

  private async open(mode: SessionCookies): Promise<Opened> {
    const supabase = await createRequestClient(this.request, this.auth.settings, { sessionCookies: mode });
    const entry: Opened = { supabase, copied: 0, discarded: false };
    this.opened.push(entry);
    return entry;
  }

  /** The client for this request; the cookie mode follows the choice made at login. */
  private async currentEntry(): Promise<Opened> {
    this.current ??= this.open(this.rememberedNo ? "browser-session" : "persistent");
    return this.current;
  }

  async client(): Promise<SupabaseClient> {
    return (await this.currentEntry()).supabase.client;
  }

  /** A fresh client whose cookies follow `mode`: login and links start a new session. */
  private async reopen(mode: SessionCookies): Promise<SupabaseClient> {
    this.current = this.open(mode);
    return (await this.current).supabase.client;
  }

  /** Copies what the request clients wrote (Set-Cookie, no-cache headers) into `headers`. */
  private flush() {
    for (const entry of this.opened) {
      if (entry.discarded) continue;
      const cookies = entry.supabase.headers.getSetCookie();
      for (const cookie of cookies.slice(entry.copied)) this.headers.append("Set-Cookie", cookie);
      entry.copied = cookies.length;
      entry.supabase.headers.forEach((value, key) => {
        if (key.toLowerCase() !== "set-cookie") this.headers.set(key, value);
      });
    }
  }

  private async withFlush<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      this.flush();
    }
  }

  private cookieBase() {
    return { path: "/", httpOnly: true, sameSite: "lax" as const, secure: this.secure };
  }

  private hasRequestCookie(name: string): boolean {
    return this.requestCookies.some((c) => c.name === name);
  }

  private setRememberCookie(remember: boolean) {
    if (!remember) this.headers.append("Set-Cookie", serializeCookieHeader(REMEMBER_COOKIE, "0", this.cookieBase()));
    else if (this.hasRequestCookie(REMEMBER_COOKIE)) {
      this.headers.append("Set-Cookie", serializeCookieHeader(REMEMBER_COOKIE, "", { ...this.cookieBase(), maxAge: 0 }));
    }
  }

  private setLinkCookie(value: string) {
    this.linkCookie = value;
    this.headers.append("Set-Cookie", serializeCookieHeader(LINK_COOKIE, value, this.cookieBase()));
  }

  /** Forgets the link privilege on this side and in the browser. */
  private clearLinkCookie() {
    const present = this.linkCookie !== undefined || this.hasRequestCookie(LINK_COOKIE);
    this.linkCookie = undefined;
    if (present) this.headers.append("Set-Cookie", serializeCookieHeader(LINK_COOKIE, "", { ...this.cookieBase(), maxAge: 0 }));
  }

  /**
   * A token that fails verification (forged, tampered, unknown key, malformed): signed out, and
   * the browser's Auth cookies removed, without asking Auth (nothing it says would change that).
   */
  private rejectToken(entry: Opened, why: string): null {
    console.warn(`Supabase Auth: access token refused (${why}); the session cookies are removed.`);
    entry.discarded = true;
    for (const { name } of this.requestCookies) {
      if (name === this.authCookieName || name.startsWith(`${this.authCookieName}.`)) {
        this.headers.append("Set-Cookie", serializeCookieHeader(name, "", { ...this.cookieBase(), maxAge: 0 }));
      }
    }
    this.clearLinkCookie();
    return null;
  }

  /** A failure of the session lookup: rate limit → busy page, Auth down → error page, else signed out. */
  private sessionFailure(entry: Opened, operation: string, error: AuthError): null {
    if (isRateLimited(error)) {
      // supabase-js removed the session (cookie deletions are waiting in this client's
      // headers): the resident did nothing wrong, keep the browser's cookies as they are.
      entry.discarded = true;
      throw portalBusy(operation, error);
    }
    // GoTrue unreachable or failing: an error page, not a silent logout.
    if (isAuthRetryableFetchError(error)) throw authFailure(operation, error);
    return null; // no session, revoked session, expired refresh token, bad JWT
  }

  private async loadUser(): Promise<SessionUser | null> {
    const entry = await this.currentEntry();
    const c = entry.supabase.client;
    // The session from the cookies; an expired access token is refreshed first (new cookies,
    // in this request's cookie mode). Nothing in it is trusted yet.
    const { data: stored, error: refreshError } = await c.auth.getSession();
    if (refreshError) return this.sessionFailure(entry, "refreshSession", refreshError);
    const accessToken = stored.session?.access_token;
    if (!accessToken) return null;
    const keys = await verificationKeys(this.auth.settings, accessToken);
    if ("refused" in keys) return this.rejectToken(entry, keys.refused);
    // Legacy HS256 secret (no jwks): getClaims asks GoTrue (GET /auth/v1/user) to check the
    // token, as before: the slow path (docs/supabase.md, "JWT signing keys").
    let result: Awaited<ReturnType<SupabaseClient["auth"]["getClaims"]>>;
    try {
      result = await c.auth.getClaims(accessToken, keys.jwks ? { jwks: keys.jwks } : {});
    } catch (error) {
      // WebCrypto refusing the key or the signature's shape: not a token of this project.
      if (isAuthError(error)) throw error;
      return this.rejectToken(entry, error instanceof Error ? error.message : String(error));
    }
    const { data, error } = result;
    if (error) {
      if (error.name === "AuthInvalidJwtError") return this.rejectToken(entry, error.message);
      return this.sessionFailure(entry, "getClaims", error);
    }
    const claims = (data?.claims ?? null) as TokenClaims | null;
    if (!claims || claims.role !== "authenticated" || claims.is_anonymous === true) return null;
    if (typeof claims.sub !== "string" || typeof claims.email !== "string" || !claims.email) return null;
    this.verified = claims;
    return sessionUserOf(claims.sub, claims.email, this.verified);
  }

  getUser(): Promise<SessionUser | null> {
    return (this.cachedUser ??= this.withFlush(() => this.loadUser()));
  }

  private async requireCurrentUser(): Promise<SessionUser> {
    const user = await this.getUser();
    if (!user) throw new Error("No signed-in user for this request");
    return user;
  }

  private async sendRecovery(address: string, what: string): Promise<AuthMailResult> {
    // Anon client (implicit flow): the template's TokenHash has no "pkce_" prefix.
    const anon = await createAnonClient(this.auth.settings, this.forResident);
    const { error } = await anon.auth.resetPasswordForEmail(address, { redirectTo: this.auth.redirectTo });
    if (!error) return "sent";
    if (mailRefusal(error)) return refusedMail(what, error);
    throw authFailure("resetPasswordForEmail", error);
  }

  private async signIn({ email, password, remember }: { email: string; password: string; remember: boolean }): Promise<SignInResult> {
    const c = await this.reopen(remember ? "persistent" : "browser-session");
    const { data: signedIn, error } = await c.auth.signInWithPassword({ email: normalizeEmail(email), password });
    if (error) {
      if (isAuthApiError(error) && error.code && INVALID_CREDENTIALS.has(error.code)) {
        return { ok: false, reason: "invalid_credentials" };
      }
      throw authFailure("signInWithPassword", error);
    }
    this.setRememberCookie(remember);
    this.clearLinkCookie();
    // Straight from GoTrue's answer (POST /token): nothing to verify for this token.
    this.verified = claimsOf(signedIn.session.access_token);
    this.cachedUser = Promise.resolve(sessionUserOf(signedIn.user.id, signedIn.user.email ?? normalizeEmail(email), this.verified));
    return { ok: true };
  }

  private async signOut(): Promise<void> {
    const c = await this.client();
    // scope "local": this session only; its refresh token is revoked by GoTrue and the
    // cookies are removed (also when GoTrue says the session was already gone).
    const { error } = await c.auth.signOut({ scope: "local" });
    this.cachedUser = Promise.resolve(null);
    this.verified = null;
    if (this.hasRequestCookie(REMEMBER_COOKIE)) this.setRememberCookie(true);
    this.clearLinkCookie();
    if (error && !isAuthSessionMissingError(error)) throw authFailure("signOut(local)", error);
  }

  private async sendActivationLink(email: string): Promise<AuthMailResult> {
    const address = normalizeEmail(email);
    // POST /auth/v1/invite: creates the user (no password) or, for a user not yet confirmed,
    // sends a new invite whose token replaces the previous one (the old link stops working).
    const { error } = await this.auth.serviceRole.auth.admin.inviteUserByEmail(address, { redirectTo: this.auth.redirectTo });
    if (!error) return "sent";
    if (error.code === "email_exists") {
      // Confirmed but the SQL rule saw no password: only a recovery link can reach it
      // (GoTrue refuses to invite a confirmed user). Same page at the end of the link.
      return this.sendRecovery(address, "recovery (activation fallback)");
    }
    // Invites have no max_frequency in GoTrue (sendInvite): a 429 here is the e-mail budget.
    if (mailRefusal(error)) return refusedMail("invite (activation)", error);
    throw authFailure("inviteUserByEmail", error);
  }

  private async verifyLink(type: AuthLinkType, tokenHash: string): Promise<VerifyLinkResult> {
    // A link opens a browser-session (as the embedded adapter): "Se souvenir de moi" is
    // offered at the next login.
    const c = await this.reopen("browser-session");
    const { data: opened, error } = await c.auth.verifyOtp({ type, token_hash: tokenHash });
    if (error) {
      if (isAuthApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 429) {
        return { ok: false, reason: "invalid_or_expired" }; // 403 otp_expired, 400/404/422
      }
      throw authFailure(`verifyOtp(${type})`, error);
    }
    if (!opened.session || !opened.user?.email) return { ok: false, reason: "invalid_or_expired" };
    this.setRememberCookie(false);
    // Straight from GoTrue's answer (POST /verify): the session it just opened.
    this.verified = claimsOf(opened.session.access_token);
    const sessionId = this.verified?.session_id;
    if ((type === "invite" || type === "recovery") && typeof sessionId === "string") this.setLinkCookie(await signLink(this.auth.linkKey, type, sessionId));
    else this.clearLinkCookie();
    this.cachedUser = Promise.resolve(sessionUserOf(opened.user.id, opened.user.email, this.verified));
    return { ok: true, type };
  }

  private async linkSession(): Promise<LinkSession | null> {
    if (!(await this.getUser()) || !this.verified) return null;
    const amr = amrEntries(this.verified);
    // GoTrue's PKCE redirect flow records the link type itself (invite / recovery).
    const recorded = amr.find((entry) => entry.method === "invite" || entry.method === "recovery");
    if (recorded) return { type: recorded.method as LinkType, openedAt: new Date(recorded.timestamp * 1000) };
    // POST /verify says "otp" for every link type: the MACed cookie says which one.
    const otp = amr.find((entry) => entry.method === "otp");
    if (!otp) return null; // a password login, a refreshed password session…
    const type = await readLink(this.auth.linkKey, this.linkCookie, this.verified.session_id);
    return type ? { type, openedAt: new Date(otp.timestamp * 1000) } : null;
  }

  private async setPassword(password: string): Promise<void> {
    const user = await this.requireCurrentUser();
    const linkClient = await this.client();
    // PUT /user: GoTrue sets the password and deletes the user's other sessions, but keeps
    // this one with its amr (docs/decisions/0005-supabase-accounts-adapter.md).
    await updatePassword(linkClient, password, "updateUser(password)");
    // Spend the link privilege: replace this session by a fresh password session
    // (amr "password", a browser-session like the link's), then end every other one,
    // the link session included. Replaying the old cookies then fails at the page's SQL
    // session check (and at GoTrue for any account operation).
    const fresh = await this.reopen("browser-session");
    const { data: signedIn, error } = await fresh.auth.signInWithPassword({ email: user.email, password });
    if (error) {
      // The password is set but no new session could be opened: end the link session
      // rather than leave its privilege alive; the resident signs in with the new password.
      const { error: endError } = await linkClient.auth.signOut({ scope: "local" });
      if (endError && !isAuthSessionMissingError(endError)) console.error(`Supabase Auth signOut(local) after setPassword failed: ${endError.message}`);
      this.verified = null;
      this.cachedUser = Promise.resolve(null);
      this.clearLinkCookie();
      throw authFailure("signInWithPassword(after setPassword)", error);
    }
    this.verified = claimsOf(signedIn.session.access_token);
    this.cachedUser = Promise.resolve(sessionUserOf(user.id, user.email, this.verified));
    this.setRememberCookie(false);
    this.clearLinkCookie();
    await endOtherSessions(fresh);
  }

  /**
   * Whether `password` is the user's current one: a sign-in on a throwaway client that keeps
   * nothing (the request's cookies and session stay untouched), whose session is revoked at once.
   */
  private async passwordMatches(email: string, password: string): Promise<boolean> {
    const verifier = await createAnonClient(this.auth.settings, this.forResident);
    const { error: wrong } = await verifier.auth.signInWithPassword({ email, password });
    if (wrong) {
      if (isAuthApiError(wrong) && wrong.code && INVALID_CREDENTIALS.has(wrong.code)) return false;
      throw authFailure("signInWithPassword(current password check)", wrong);
    }
    // That check opened a GoTrue session: revoke it at once.
    const { error: revokeError } = await verifier.auth.signOut({ scope: "local" });
    if (revokeError && !isAuthSessionMissingError(revokeError)) throw authFailure("signOut(verification session)", revokeError);
    return true;
  }

  private async verifyPassword(password: string): Promise<boolean> {
    const user = await this.requireCurrentUser();
    return this.passwordMatches(user.email, password);
  }

  /**
   * DELETE /auth/v1/admin/users/{id} with the service-role client (a hard delete: GoTrue
   * destroys the user, its sessions, identities and one-time tokens go by their foreign keys),
   * then this browser's session is signed out locally: its cookies are removed (GoTrue's answer
   * to the revocation, the session being gone already, is ignored as at any logout).
   */
  private async deleteAccount(): Promise<void> {
    const user = await this.requireCurrentUser();
    const { error } = await this.auth.serviceRole.auth.admin.deleteUser(user.id);
    if (error) throw authFailure("admin.deleteUser", error);
    const c = await this.client();
    const { error: endError } = await c.auth.signOut({ scope: "local" });
    if (endError && !isAuthSessionMissingError(endError)) console.warn(`Supabase Auth signOut(local) after deleteUser: ${endError.message}`);
    this.cachedUser = Promise.resolve(null);
    this.verified = null;
    if (this.hasRequestCookie(REMEMBER_COOKIE)) this.setRememberCookie(true);
    this.clearLinkCookie();
  }

  private async changePassword(currentPassword: string, newPassword: string): Promise<PasswordChangeResult> {
    const user = await this.requireCurrentUser();
    if (!(await this.passwordMatches(user.email, currentPassword))) return "wrong_current_password";

    const c = await this.client();
    await updatePassword(c, newPassword, "updateUser(password)");
    await endOtherSessions(c);
    return "changed";
  }

  private async requestEmailChange(newEmail: string): Promise<EmailChangeResult> {
    const user = await this.requireCurrentUser();
    const target = normalizeEmail(newEmail);
    if (target === normalizeEmail(user.email)) return "same_email";
    const c = await this.client();
    // PUT /auth/v1/user {email}: GoTrue sends the email_change template to the new
    // address only (double_confirm_changes = false); the login changes once it is followed.
    const { error } = await c.auth.updateUser({ email: target }, { emailRedirectTo: this.auth.redirectTo });
    if (error) {
      if (error.code === "email_exists") return "email_taken";
      throw authFailure("updateUser(email)", error);
    }
    return "sent";
  }
}
