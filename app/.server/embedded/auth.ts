import { redirect } from "@remix-run/server-runtime";
import bcrypt from "bcryptjs";
import { renderAuthEmail } from "../auth-mail";
import { base64url, fromBase64url } from "../base64url";
import type { Env } from "../env";
import type { AccountsPort, AuthLinkType, AuthMailResult, EmailChangeResult, LinkSession, PasswordChangeResult, RequestAccounts, SessionUser, SignInResult, VerifyLinkResult } from "../ports/accounts";
import { LINK_VALIDITY_SECONDS } from "../../utils/auth-links";
import type { Database, Tx } from "./database";

/**
 * Embedded accounts: what Supabase Auth (GoTrue) does, in-process on PGlite, on the same
 * `auth.users`, `auth.one_time_tokens` and `auth.sessions` tables. It acts as GoTrue does (its
 * own database role: here the PGlite owner), never as a resident.
 *
 * - passwords: bcrypt (as GoTrue; the seed's pgcrypto `crypt(…, gen_salt('bf'))` hashes verify);
 * - e-mail links: 32 random bytes sent once, only their SHA-256 stored; single use, 1 hour;
 * - sessions: server-side rows, the cookie holds `<session id>.<secret>` (only the secret's hash
 *   is stored); logout and password changes delete rows, so a stolen cookie dies with them;
 * - a session opened by an activation or recovery link is tagged `link:invite` / `link:recovery`
 *   (auth.sessions.tag) until it sets a password: the only sessions that may do so without the
 *   current password (docs/decisions/0012-link-sessions-and-public-origin.md);
 * - beside that long-lived refresh credential, a short-lived access cookie `pf_access` (what
 *   GoTrue's JWT is to Supabase): {sub, email, sid, iat, exp} MACed with a key of the database
 *   (auth.embedded_signing_keys, read once per backend). getUser() believes a valid one without
 *   any query; the page's SQL checks `sid` is still a live session in the same call, so logout and
 *   password changes still end access at once (docs/decisions/0015-no-auth-round-trip.md).
 *   Operations on the account itself (password, e-mail, link privilege) check the session row.
 */

export const SESSION_COOKIE = "pf_session";
/** The short-lived access cookie: `<base64url(JSON claims)>.<base64url(HMAC-SHA-256)>`. */
export const ACCESS_COOKIE = "pf_access";
/** How long an access cookie is believed without looking at the session row. */
export const ACCESS_SECONDS = 5 * 60;
const REMEMBER_SECONDS = 30 * 24 * 3600;
/** A browser-session cookie still has a server-side end: 12 hours after login. */
const BROWSER_SESSION_SECONDS = 12 * 3600;
const BCRYPT_COST = 10;
// bcrypt of a random string: compared against when the e-mail is unknown, so timing says nothing.
const DUMMY_HASH = "$2b$10$fXuec3.FI64qzOHQJcXJBujksuo8QrDFHddLwO/mSMFwUqONPPd4G";

const TOKEN_TYPE: Record<AuthLinkType, string> = {
  invite: "confirmation_token",
  recovery: "recovery_token",
  email_change: "email_change_token_new",
};

function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

/**
 * Secure cookies when the portal is reached over HTTPS: the request URL is the public one (the
 * HTTP wrapper in server/security.js rewrites it from SITE_URL or a trusted proxy's headers).
 */
function isHttps(request: Request, config: Env): boolean {
  return new URL(request.url).protocol === "https:" || config.siteOrigin.startsWith("https:");
}

/** The tag of a session opened by a link that may set a password (auth.sessions.tag). */
const LINK_TAGS: Record<string, LinkSession["type"]> = { "link:invite": "invite", "link:recovery": "recovery" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SESSION_COOKIE_VALUE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/;
const ACCESS_COOKIE_VALUE = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/;
const encoder = new TextEncoder();

/** What the access cookie vouches for (names as in GoTrue's JWT; times in seconds). */
interface AccessClaims {
  sub: string;
  email: string;
  sid: string;
  iat: number;
  exp: number;
}

/** The claims of a well-formed access cookie whose MAC is right and that has not expired; else null. */
async function readAccessCookie(value: string, key: CryptoKey, nowSeconds: number): Promise<AccessClaims | null> {
  const match = ACCESS_COOKIE_VALUE.exec(value);
  if (!match) return null;
  const [, payload, mac] = match;
  if (!(await crypto.subtle.verify("HMAC", key, fromBase64url(mac!), encoder.encode(payload!)))) return null;
  let claims: Partial<Record<keyof AccessClaims, unknown>>;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload!))) as typeof claims;
  } catch {
    return null;
  }
  const { sub, email, sid, iat, exp } = claims ?? {};
  if (typeof sub !== "string" || !UUID.test(sub) || typeof sid !== "string" || !UUID.test(sid)) return null;
  if (typeof email !== "string" || typeof iat !== "number" || typeof exp !== "number") return null;
  if (!(exp > nowSeconds) || exp - iat > ACCESS_SECONDS) return null;
  return { sub, email, sid, iat, exp };
}

async function signAccessCookie(claims: AccessClaims, key: CryptoKey): Promise<string> {
  const payload = base64url(encoder.encode(JSON.stringify(claims)));
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(payload));
  return `${payload}.${base64url(new Uint8Array(mac))}`;
}

interface UserRow {
  id: string;
  email: string;
  encrypted_password: string | null;
}

/** The access cookie's key: read once per backend (a failed read is retried on the next request). */
function accessKeyLoader(db: Database): () => Promise<CryptoKey> {
  let key: Promise<CryptoKey> | undefined;
  async function load(): Promise<CryptoKey> {
    const { rows } = await db.pg.query<{ secret: Uint8Array }>("select secret from auth.embedded_signing_keys where name = 'pf_access'");
    const secret = rows[0]?.secret;
    if (!secret || secret.length < 32) throw new Error("Embedded database: no pf_access signing key (auth.embedded_signing_keys, created by bootstrap.sql).");
    return crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  }
  return () =>
    (key ??= load().catch((error: unknown) => {
      key = undefined;
      throw error;
    }));
}

/** A live session row, its secret checked. */
interface SessionRow {
  sessionId: string;
  userId: string;
  email: string;
  link: LinkSession | null;
}

/** What the accounts of every request share: the database, the configuration, the access cookie's key. */
interface EmbeddedAuth {
  db: Database;
  config: Env;
  /** GoTrue's own access: the PGlite owner role, one transaction. */
  asAuth<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  accessKey(): Promise<CryptoKey>;
}

export function createEmbeddedAccounts(db: Database, config: Env): AccountsPort {
  const auth: EmbeddedAuth = {
    db,
    config,
    asAuth: (fn) => db.pg.transaction(fn),
    accessKey: accessKeyLoader(db),
  };
  return {
    forRequest: (request: Request): RequestAccounts => new EmbeddedRequestAccounts(auth, request).port(),
  };
}

async function findUserByEmail(tx: Tx, email: string): Promise<UserRow | undefined> {
  const { rows } = await tx.query<UserRow>(
    "select id, email, encrypted_password from auth.users where lower(email) = lower($1) and deleted_at is null",
    [email.trim()],
  );
  return rows[0];
}

async function storeLinkToken(tx: Tx, userId: string, type: AuthLinkType, relatesTo: string): Promise<string> {
  const token = randomToken();
  // One live link per user and kind: asking again replaces (and so voids) the previous link.
  await tx.query("delete from auth.one_time_tokens where user_id = $1 and token_type = $2::auth.one_time_token_type", [
    userId,
    TOKEN_TYPE[type],
  ]);
  await tx.query(
    `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
     values (gen_random_uuid(), $1, $2::auth.one_time_token_type, $3, $4, now() at time zone 'utc', now() at time zone 'utc')`,
    [userId, TOKEN_TYPE[type], await sha256(token), relatesTo],
  );
  return token;
}

/** Embedded "delivery": the e-mail lands in the outbox, shown at /dev/courriels. */
async function deliver(tx: Tx, kind: string, to: string, mail: { subject: string; html: string; text: string }) {
  await tx.query(
    `insert into portal.email_outbox (kind, to_address, subject, html_body, text_body, status, sent_at, provider_message_id)
     values ($1, $2, $3, $4, $5, 'sent', now(), 'embedded')`,
    [kind, to, mail.subject, mail.html, mail.text],
  );
}

/**
 * Invite: the account exists without a password; the trigger on auth.users links every customer
 * record carrying this e-mail.
 */
async function inviteUser(tx: Tx, email: string): Promise<UserRow> {
  const { rows } = await tx.query<UserRow>(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, invited_at,
       confirmation_token, recovery_token, email_change_token_new, email_change,
       raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
       lower($1), '', now(), '', '', '', '', '{"provider":"email","providers":["email"]}', '{}', now(), now())
     returning id, email, encrypted_password`,
    [email.trim()],
  );
  const user = rows[0]!;
  await tx.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
     values ($1::text, $1::uuid, jsonb_build_object('sub', $1::text, 'email', $2::text), 'email', now(), now())`,
    [user.id, user.email],
  );
  return user;
}

/**
 * Applies what a verified link does to its user (inside the verifying transaction). False when an
 * e-mail change's new address was taken meanwhile.
 */
async function applyLink(tx: Tx, type: AuthLinkType, token: { user_id: string; relates_to: string }): Promise<boolean> {
  if (type === "email_change") {
    const taken = await tx.query("select 1 from auth.users where lower(email) = lower($1) and id <> $2", [token.relates_to, token.user_id]);
    if (taken.rows.length > 0) return false;
    await tx.query(
      `update auth.users set email = lower($2), email_change = '', email_change_sent_at = null,
         email_confirmed_at = now(), updated_at = now() where id = $1 and email_change = lower($2)`,
      [token.user_id, token.relates_to],
    );
    return true;
  }
  await tx.query("update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1", [token.user_id]);
  if (type === "invite") {
    // As GoTrue does on an invite's verification: a random temporary password, so the
    // account counts as activated from here on (a resident who leaves before choosing
    // a password uses « Oublié ? », on both adapters alike).
    await tx.query("update auth.users set encrypted_password = $2 where id = $1 and coalesce(encrypted_password, '') = ''", [
      token.user_id,
      await bcrypt.hash(randomToken(), BCRYPT_COST),
    ]);
  }
  return true;
}

/**
 * The accounts of one HTTP request: its cookies, the session they name, and what this request
 * learnt or changed about it. port() hands the routes a plain RequestAccounts object.
 */
class EmbeddedRequestAccounts {
  readonly headers = new Headers();
  private readonly auth: EmbeddedAuth;
  private readonly request: Request;
  private readonly secure: boolean;
  private readonly sessionCookie: string | undefined;
  private readonly accessCookie: string | undefined;
  private cached: Promise<SessionUser | null> | undefined;
  /** The session of this request, as getUser() verified it (access cookie or session row). */
  private currentSessionId: string | undefined;
  /** The link that opened it, once known from the session row (undefined: not read yet). */
  private currentLink: LinkSession | null | undefined;
  private row: Promise<SessionRow | null> | undefined;

  constructor(auth: EmbeddedAuth, request: Request) {
    this.auth = auth;
    this.request = request;
    this.secure = isHttps(request, auth.config);
    this.sessionCookie = readCookie(request, SESSION_COOKIE);
    this.accessCookie = readCookie(request, ACCESS_COOKIE);
  }

  port(): RequestAccounts {
    return {
      headers: this.headers,
      getUser: () => this.getUser(),
      signIn: (input) => this.signIn(input),
      signOut: () => this.signOut(),
      sendActivationLink: (email) => this.sendActivationLink(email),
      sendRecoveryLink: (email) => this.sendRecoveryLink(email),
      verifyLink: (type, tokenParam) => this.verifyLink(type, tokenParam),
      linkSession: () => this.linkSession(),
      setPassword: (password) => this.setPassword(password),
      changePassword: (currentPassword, newPassword) => this.changePassword(currentPassword, newPassword),
      requestEmailChange: (newEmail) => this.requestEmailChange(newEmail),
      verifyPassword: (password) => this.verifyPassword(password),
      deleteAccount: () => this.deleteAccount(),
    };
  }

  private setCookie(name: string, value: string, maxAge: number | null) {
    const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax"];
    if (this.secure) parts.push("Secure");
    if (maxAge !== null) parts.push(`Max-Age=${maxAge}`);
    this.headers.append("Set-Cookie", parts.join("; "));
  }

  private setSessionCookie(value: string, maxAge: number | null) {
    this.setCookie(SESSION_COOKIE, value, maxAge);
  }

  /**
   * A fresh access cookie for this session. Always a browser-session cookie: it is only
   * believed until its `exp`, and only beside the session cookie it was issued with.
   */
  private async issueAccess(user: SessionUser) {
    const now = Math.floor(Date.now() / 1000);
    const claims: AccessClaims = { sub: user.id, email: user.email, sid: user.sessionId, iat: now, exp: now + ACCESS_SECONDS };
    this.setCookie(ACCESS_COOKIE, await signAccessCookie(claims, await this.auth.accessKey()), null);
  }

  /** Removes the cookies of a dead or forged session (a malformed session cookie is left, as ever). */
  private clearCookies() {
    if (this.currentSessionId || (this.sessionCookie && SESSION_COOKIE_VALUE.test(this.sessionCookie))) this.setSessionCookie("", 0);
    if (this.currentSessionId || this.accessCookie !== undefined) this.setCookie(ACCESS_COOKIE, "", 0);
  }

  /** Forgets this request's session (it ended): getUser() says null from now on. */
  private forgetSession() {
    this.currentSessionId = undefined;
    this.currentLink = null;
    this.cached = Promise.resolve(null);
  }

  /**
   * The user the access cookie vouches for, without any query: its MAC is right, it has not
   * expired, and the session cookie beside it names the same session (a browser that dropped
   * its browser-session cookie is signed out even if it kept this one).
   */
  private async userFromAccess(): Promise<SessionUser | null> {
    if (!this.accessCookie || !this.sessionCookie) return null;
    const sessionId = SESSION_COOKIE_VALUE.exec(this.sessionCookie)?.[1];
    if (!sessionId) return null;
    const claims = await readAccessCookie(this.accessCookie, await this.auth.accessKey(), Math.floor(Date.now() / 1000));
    if (!claims || claims.sid !== sessionId) return null;
    return { id: claims.sub, email: claims.email, sessionId: claims.sid };
  }

  /** The session row of the session cookie, its secret checked (one query, once per request). */
  private sessionRow(): Promise<SessionRow | null> {
    this.row ??= this.readSessionRow();
    return this.row;
  }

  private async readSessionRow(): Promise<SessionRow | null> {
    const match = this.sessionCookie ? SESSION_COOKIE_VALUE.exec(this.sessionCookie) : null;
    if (!match) return null;
    const [, sessionId, secret] = match;
    const { rows } = await this.auth.db.pg.query<{ user_id: string; email: string; secret_hash: string; tag: string | null; created_at: Date }>(
      `select s.user_id, u.email, s.secret_hash, s.tag, s.created_at
       from auth.sessions s join auth.users u on u.id = s.user_id
       where s.id = $1 and s.not_after > now() and u.deleted_at is null
         and (u.banned_until is null or u.banned_until < now())`,
      [sessionId],
    );
    const found = rows[0];
    if (!found || found.secret_hash !== (await sha256(secret!))) return null;
    const linkType = found.tag ? LINK_TAGS[found.tag] : undefined;
    return {
      sessionId: sessionId!,
      userId: found.user_id,
      email: found.email,
      link: linkType ? { type: linkType, openedAt: new Date(found.created_at) } : null,
    };
  }

  private async openSession(tx: Tx, userId: string, email: string, remember: boolean, link: LinkSession["type"] | null = null) {
    // A new login or link replaces the session this browser had: the old one ends on the
    // server too, not only its cookie (callers ran getUser() before opening the transaction).
    if (this.currentSessionId) await tx.query("delete from auth.sessions where id = $1", [this.currentSessionId]);
    const secret = randomToken();
    const lifetime = remember ? REMEMBER_SECONDS : BROWSER_SESSION_SECONDS;
    const { rows } = await tx.query<{ id: string; created_at: Date }>(
      `insert into auth.sessions (id, user_id, created_at, updated_at, not_after, aal, user_agent, secret_hash, tag)
       values (gen_random_uuid(), $1, now(), now(), now() + make_interval(secs => $2), 'aal1', $3, $4, $5)
       returning id, created_at`,
      [userId, lifetime, this.request.headers.get("user-agent")?.slice(0, 300) ?? null, await sha256(secret), link ? `link:${link}` : null],
    );
    const sessionId = rows[0]!.id;
    this.currentSessionId = sessionId;
    this.currentLink = link ? { type: link, openedAt: new Date(rows[0]!.created_at) } : null;
    this.row = Promise.resolve({ sessionId, userId, email, link: this.currentLink });
    this.setSessionCookie(`${sessionId}.${secret}`, remember ? REMEMBER_SECONDS : null);
    const user: SessionUser = { id: userId, email, sessionId };
    await this.issueAccess(user);
    this.cached = Promise.resolve(user);
  }

  private async loadUser(): Promise<SessionUser | null> {
    // The fast path: a valid access cookie, no query at all.
    const fromAccess = await this.userFromAccess();
    if (fromAccess) {
      this.currentSessionId = fromAccess.sessionId;
      return fromAccess;
    }
    // Missing, expired or forged: the session cookie decides (one query), as before.
    const found = await this.sessionRow();
    if (!found) {
      this.clearCookies(); // a dead or forged cookie is removed
      return null;
    }
    this.currentSessionId = found.sessionId;
    this.currentLink = found.link;
    const user: SessionUser = { id: found.userId, email: found.email, sessionId: found.sessionId };
    await this.issueAccess(user);
    return user;
  }

  getUser(): Promise<SessionUser | null> {
    return (this.cached ??= this.loadUser());
  }

  private async requireCurrentUser(): Promise<SessionUser> {
    const user = await this.getUser();
    if (!user) throw new Error("No signed-in user for this request");
    return user;
  }

  /**
   * The signed-in user whose session row is still live: what operations on the account itself
   * require (an access cookie alone outlives a logout by up to ACCESS_SECONDS). A session
   * ended meanwhile signs the browser out, as a page's SQL check does.
   */
  private async requireLiveUser(): Promise<SessionUser> {
    const user = await this.requireCurrentUser();
    const found = await this.sessionRow();
    if (found && found.sessionId === user.sessionId && found.userId === user.id) {
      this.currentLink ??= found.link;
      return { ...user, email: found.email };
    }
    this.forgetSession();
    this.clearCookies();
    throw redirect("/connexion", { headers: this.headers });
  }

  async signIn({ email, password, remember }: { email: string; password: string; remember: boolean }): Promise<SignInResult> {
    // Outside the transaction (PGlite has one connection): the current session, and the
    // access cookie's key that openSession() signs with.
    await Promise.all([this.getUser(), this.auth.accessKey()]);
    return this.auth.asAuth(async (tx) => {
      const user = await findUserByEmail(tx, email);
      const hash = user?.encrypted_password || DUMMY_HASH;
      const valid = (await bcrypt.compare(password, hash)) && Boolean(user?.encrypted_password);
      if (!user || !valid) return { ok: false, reason: "invalid_credentials" } as const;
      await tx.query("update auth.users set last_sign_in_at = now() where id = $1", [user.id]);
      await this.openSession(tx, user.id, user.email, remember);
      return { ok: true } as const;
    });
  }

  async signOut(): Promise<void> {
    // The session the access cookie (which names the session cookie's session) or the
    // session row vouched for.
    await this.getUser();
    if (this.currentSessionId) await this.auth.db.pg.query("delete from auth.sessions where id = $1", [this.currentSessionId]);
    this.forgetSession();
    this.setSessionCookie("", 0);
    this.setCookie(ACCESS_COOKIE, "", 0);
  }

  async sendActivationLink(email: string): Promise<AuthMailResult> {
    const { siteOrigin } = this.auth.config;
    await this.auth.asAuth(async (tx) => {
      let user = await findUserByEmail(tx, email);
      if (!user) user = await inviteUser(tx, email);
      else await tx.query("update auth.users set invited_at = now() where id = $1", [user.id]);
      const token = await storeLinkToken(tx, user.id, "invite", user.email);
      await deliver(tx, "auth_invite", user.email, renderAuthEmail("invite", { siteUrl: siteOrigin, tokenHash: token, email: user.email }));
    });
    return "sent";
  }

  async sendRecoveryLink(email: string): Promise<AuthMailResult> {
    const { siteOrigin } = this.auth.config;
    await this.auth.asAuth(async (tx) => {
      const user = await findUserByEmail(tx, email);
      if (!user) return;
      await tx.query("update auth.users set recovery_sent_at = now() where id = $1", [user.id]);
      const token = await storeLinkToken(tx, user.id, "recovery", user.email);
      await deliver(tx, "auth_recovery", user.email, renderAuthEmail("recovery", { siteUrl: siteOrigin, tokenHash: token, email: user.email }));
    });
    return "sent";
  }

  async verifyLink(type: AuthLinkType, tokenParam: string): Promise<VerifyLinkResult> {
    // Outside the transaction (PGlite has one connection): the current session, and the
    // access cookie's key that openSession() signs with.
    await Promise.all([this.getUser(), this.auth.accessKey()]);
    return this.auth.asAuth(async (tx) => {
      const { rows } = await tx.query<{ user_id: string; relates_to: string; fresh: boolean }>(
        `delete from auth.one_time_tokens
         where token_hash = $1 and token_type = $2::auth.one_time_token_type
         returning user_id, relates_to, created_at > (now() at time zone 'utc') - make_interval(secs => $3) as fresh`,
        [await sha256(tokenParam), TOKEN_TYPE[type], LINK_VALIDITY_SECONDS],
      );
      const token = rows[0];
      if (!token || !token.fresh) return { ok: false, reason: "invalid_or_expired" } as const;
      if (!(await applyLink(tx, type, token))) return { ok: false, reason: "invalid_or_expired" } as const;
      const { rows: users } = await tx.query<{ email: string }>("select email from auth.users where id = $1", [token.user_id]);
      // A link opens a browser-session: the resident ticks "Se souvenir de moi" at the next login.
      await this.openSession(tx, token.user_id, users[0]!.email, false, type === "email_change" ? null : type);
      return { ok: true, type } as const;
    });
  }

  async linkSession(): Promise<LinkSession | null> {
    // Only the password pages ask: the session row says (one query, unless this request
    // already read or opened it).
    if (!(await this.getUser())) return null;
    if (this.currentLink !== undefined) return this.currentLink;
    const found = await this.sessionRow();
    this.currentLink = found && found.sessionId === this.currentSessionId ? found.link : null;
    return this.currentLink;
  }

  async setPassword(password: string): Promise<void> {
    const user = await this.requireLiveUser();
    const hash = await bcrypt.hash(password, BCRYPT_COST);
    await this.auth.asAuth(async (tx) => {
      await tx.query("update auth.users set encrypted_password = $2, updated_at = now() where id = $1", [user.id, hash]);
      // The link's privilege is spent: from now on this session is an ordinary one.
      await tx.query("update auth.sessions set tag = null, updated_at = now() where id = $1", [this.currentSessionId]);
      // Links still in flight for this account are spent, and other sessions end.
      await tx.query("delete from auth.one_time_tokens where user_id = $1 and token_type in ('confirmation_token', 'recovery_token')", [user.id]);
      await tx.query("delete from auth.sessions where user_id = $1 and id <> $2", [user.id, this.currentSessionId]);
    });
    this.currentLink = null;
  }

  /** Whether `password` is the stored one of this user (bcrypt, as GoTrue); nothing is written. */
  private async passwordMatches(userId: string, password: string): Promise<boolean> {
    const { rows } = await this.auth.db.pg.query<{ encrypted_password: string | null }>("select encrypted_password from auth.users where id = $1", [userId]);
    const stored = rows[0]?.encrypted_password;
    return Boolean(stored) && (await bcrypt.compare(password, stored!));
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<PasswordChangeResult> {
    const user = await this.requireLiveUser();
    if (!(await this.passwordMatches(user.id, currentPassword))) return "wrong_current_password";
    const hash = await bcrypt.hash(newPassword, BCRYPT_COST);
    await this.auth.asAuth(async (tx) => {
      await tx.query("update auth.users set encrypted_password = $2, updated_at = now() where id = $1", [user.id, hash]);
      await tx.query("delete from auth.sessions where user_id = $1 and id <> $2", [user.id, this.currentSessionId]);
    });
    return "changed";
  }

  async verifyPassword(password: string): Promise<boolean> {
    const user = await this.requireLiveUser();
    return this.passwordMatches(user.id, password);
  }

  /**
   * GoTrue's DELETE /admin/users/{id} without should_soft_delete: one `delete from auth.users`
   * in a transaction; sessions, identities and one-time tokens go by their `on delete cascade`
   * (bootstrap.sql, as in GoTrue's schema), the portal's rows follow their own foreign keys and
   * the closure e-mail is written by the trigger of
   * supabase/migrations/20261203090100_account_closure.sql in the same transaction.
   */
  async deleteAccount(): Promise<void> {
    const user = await this.requireLiveUser();
    await this.auth.asAuth((tx) => tx.query("delete from auth.users where id = $1", [user.id]));
    this.forgetSession();
    this.setSessionCookie("", 0);
    this.setCookie(ACCESS_COOKIE, "", 0);
  }

  async requestEmailChange(newEmail: string): Promise<EmailChangeResult> {
    const user = await this.requireLiveUser();
    const target = newEmail.trim().toLowerCase();
    if (target === user.email.toLowerCase()) return "same_email";
    const { siteOrigin } = this.auth.config;
    return this.auth.asAuth(async (tx) => {
      if (await findUserByEmail(tx, target)) return "email_taken" as const;
      await tx.query("update auth.users set email_change = $2, email_change_sent_at = now() where id = $1", [user.id, target]);
      const token = await storeLinkToken(tx, user.id, "email_change", target);
      await deliver(
        tx,
        "auth_email_change",
        target,
        renderAuthEmail("email_change", { siteUrl: siteOrigin, tokenHash: token, email: user.email, newEmail: target }),
      );
      return "sent" as const;
    });
  }
}
