import bcrypt from "bcryptjs";
import { renderAuthEmail } from "../auth-mail";
import type { Env } from "../env";
import type {
  AccountsPort,
  AuthLinkType,
  AuthMailResult,
  EmailChangeResult,
  LinkSession,
  PasswordChangeResult,
  RequestAccounts,
  SessionUser,
  SignInResult,
  VerifyLinkResult,
} from "../ports";
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
 *   current password (docs/decisions/0012-link-sessions-and-public-origin.md).
 */

export const SESSION_COOKIE = "pf_session";
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

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

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

interface UserRow {
  id: string;
  email: string;
  encrypted_password: string | null;
}

export function createEmbeddedAccounts(db: Database, config: Env): AccountsPort {
  /** GoTrue's own access: the PGlite owner role, one transaction. */
  const asAuth = <T>(fn: (tx: Tx) => Promise<T>) => db.pg.transaction(fn);

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

  return {
    forRequest(request: Request): RequestAccounts {
      const headers = new Headers();
      const secure = isHttps(request, config);
      let cached: Promise<SessionUser | null> | undefined;
      let currentSessionId: string | undefined;
      let currentLink: LinkSession | null = null;

      function setSessionCookie(value: string, maxAge: number | null) {
        const parts = [`${SESSION_COOKIE}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax"];
        if (secure) parts.push("Secure");
        if (maxAge !== null) parts.push(`Max-Age=${maxAge}`);
        headers.append("Set-Cookie", parts.join("; "));
      }

      async function openSession(tx: Tx, userId: string, email: string, remember: boolean, link: LinkSession["type"] | null = null) {
        // A new login or link replaces the session this browser had: the old one ends on the
        // server too, not only its cookie (callers ran getUser() before opening the transaction).
        if (currentSessionId) await tx.query("delete from auth.sessions where id = $1", [currentSessionId]);
        const secret = randomToken();
        const lifetime = remember ? REMEMBER_SECONDS : BROWSER_SESSION_SECONDS;
        const { rows } = await tx.query<{ id: string; created_at: Date }>(
          `insert into auth.sessions (id, user_id, created_at, updated_at, not_after, aal, user_agent, secret_hash, tag)
           values (gen_random_uuid(), $1, now(), now(), now() + make_interval(secs => $2), 'aal1', $3, $4, $5)
           returning id, created_at`,
          [userId, lifetime, request.headers.get("user-agent")?.slice(0, 300) ?? null, await sha256(secret), link ? `link:${link}` : null],
        );
        currentSessionId = rows[0]!.id;
        currentLink = link ? { type: link, openedAt: new Date(rows[0]!.created_at) } : null;
        setSessionCookie(`${currentSessionId}.${secret}`, remember ? REMEMBER_SECONDS : null);
        cached = Promise.resolve({ id: userId, email, sessionId: rows[0]!.id });
      }

      async function loadUser(): Promise<SessionUser | null> {
        const raw = readCookie(request, SESSION_COOKIE);
        const match = raw ? /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(raw) : null;
        if (!match) return null;
        const [, sessionId, secret] = match;
        const { rows } = await db.pg.query<{ user_id: string; email: string; secret_hash: string; tag: string | null; created_at: Date }>(
          `select s.user_id, u.email, s.secret_hash, s.tag, s.created_at
           from auth.sessions s join auth.users u on u.id = s.user_id
           where s.id = $1 and s.not_after > now() and u.deleted_at is null
             and (u.banned_until is null or u.banned_until < now())`,
          [sessionId],
        );
        const row = rows[0];
        if (!row || row.secret_hash !== (await sha256(secret!))) {
          setSessionCookie("", 0); // a dead or forged cookie is removed
          return null;
        }
        currentSessionId = sessionId;
        const linkType = row.tag ? LINK_TAGS[row.tag] : undefined;
        currentLink = linkType ? { type: linkType, openedAt: new Date(row.created_at) } : null;
        return { id: row.user_id, email: row.email, sessionId: sessionId! };
      }

      const getUser = () => (cached ??= loadUser());

      async function requireCurrentUser(): Promise<SessionUser> {
        const user = await getUser();
        if (!user) throw new Error("No signed-in user for this request");
        return user;
      }

      return {
        headers,
        getUser,

        async signIn({ email, password, remember }): Promise<SignInResult> {
          await getUser(); // outside the transaction: PGlite has one connection
          return asAuth(async (tx) => {
            const user = await findUserByEmail(tx, email);
            const hash = user?.encrypted_password || DUMMY_HASH;
            const valid = (await bcrypt.compare(password, hash)) && Boolean(user?.encrypted_password);
            if (!user || !valid) return { ok: false, reason: "invalid_credentials" } as const;
            await tx.query("update auth.users set last_sign_in_at = now() where id = $1", [user.id]);
            await openSession(tx, user.id, user.email, remember);
            return { ok: true } as const;
          });
        },

        async signOut() {
          await getUser();
          if (currentSessionId) await db.pg.query("delete from auth.sessions where id = $1", [currentSessionId]);
          currentSessionId = undefined;
          currentLink = null;
          cached = Promise.resolve(null);
          setSessionCookie("", 0);
        },

        async sendActivationLink(email): Promise<AuthMailResult> {
          await asAuth(async (tx) => {
            let user = await findUserByEmail(tx, email);
            if (!user) {
              // Invite: the account exists without a password; the trigger on auth.users links
              // every customer record carrying this e-mail.
              const { rows } = await tx.query<UserRow>(
                `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, invited_at,
                   confirmation_token, recovery_token, email_change_token_new, email_change,
                   raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
                 values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
                   lower($1), '', now(), '', '', '', '', '{"provider":"email","providers":["email"]}', '{}', now(), now())
                 returning id, email, encrypted_password`,
                [email.trim()],
              );
              user = rows[0]!;
              await tx.query(
                `insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
                 values ($1::text, $1::uuid, jsonb_build_object('sub', $1::text, 'email', $2::text), 'email', now(), now())`,
                [user.id, user.email],
              );
            } else {
              await tx.query("update auth.users set invited_at = now() where id = $1", [user.id]);
            }
            const token = await storeLinkToken(tx, user.id, "invite", user.email);
            await deliver(tx, "auth_invite", user.email, renderAuthEmail("invite", { siteUrl: config.siteOrigin, tokenHash: token, email: user.email }));
          });
          return "sent";
        },

        async sendRecoveryLink(email): Promise<AuthMailResult> {
          await asAuth(async (tx) => {
            const user = await findUserByEmail(tx, email);
            if (!user) return;
            await tx.query("update auth.users set recovery_sent_at = now() where id = $1", [user.id]);
            const token = await storeLinkToken(tx, user.id, "recovery", user.email);
            await deliver(tx, "auth_recovery", user.email, renderAuthEmail("recovery", { siteUrl: config.siteOrigin, tokenHash: token, email: user.email }));
          });
          return "sent";
        },

        async verifyLink(type, tokenParam): Promise<VerifyLinkResult> {
          await getUser(); // outside the transaction: PGlite has one connection
          return asAuth(async (tx) => {
            const { rows } = await tx.query<{ user_id: string; relates_to: string; fresh: boolean }>(
              `delete from auth.one_time_tokens
               where token_hash = $1 and token_type = $2::auth.one_time_token_type
               returning user_id, relates_to, created_at > (now() at time zone 'utc') - make_interval(secs => $3) as fresh`,
              [await sha256(tokenParam), TOKEN_TYPE[type], LINK_VALIDITY_SECONDS],
            );
            const token = rows[0];
            if (!token || !token.fresh) return { ok: false, reason: "invalid_or_expired" } as const;
            if (type === "email_change") {
              const taken = await tx.query("select 1 from auth.users where lower(email) = lower($1) and id <> $2", [token.relates_to, token.user_id]);
              if (taken.rows.length > 0) return { ok: false, reason: "invalid_or_expired" } as const;
              await tx.query(
                `update auth.users set email = lower($2), email_change = '', email_change_sent_at = null,
                   email_confirmed_at = now(), updated_at = now() where id = $1 and email_change = lower($2)`,
                [token.user_id, token.relates_to],
              );
            } else {
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
            }
            const { rows: users } = await tx.query<{ email: string }>("select email from auth.users where id = $1", [token.user_id]);
            // A link opens a browser-session: the resident ticks "Se souvenir de moi" at the next login.
            await openSession(tx, token.user_id, users[0]!.email, false, type === "email_change" ? null : type);
            return { ok: true, type } as const;
          });
        },

        async linkSession() {
          await getUser();
          return currentLink;
        },

        async setPassword(password) {
          const user = await requireCurrentUser();
          const hash = await bcrypt.hash(password, BCRYPT_COST);
          await asAuth(async (tx) => {
            await tx.query("update auth.users set encrypted_password = $2, updated_at = now() where id = $1", [user.id, hash]);
            // The link's privilege is spent: from now on this session is an ordinary one.
            await tx.query("update auth.sessions set tag = null, updated_at = now() where id = $1", [currentSessionId]);
            // Links still in flight for this account are spent, and other sessions end.
            await tx.query("delete from auth.one_time_tokens where user_id = $1 and token_type in ('confirmation_token', 'recovery_token')", [user.id]);
            await tx.query("delete from auth.sessions where user_id = $1 and id <> $2", [user.id, currentSessionId]);
          });
          currentLink = null;
        },

        async changePassword(currentPassword, newPassword): Promise<PasswordChangeResult> {
          const user = await requireCurrentUser();
          const { rows } = await db.pg.query<{ encrypted_password: string | null }>("select encrypted_password from auth.users where id = $1", [user.id]);
          const stored = rows[0]?.encrypted_password;
          if (!stored || !(await bcrypt.compare(currentPassword, stored))) return "wrong_current_password";
          const hash = await bcrypt.hash(newPassword, BCRYPT_COST);
          await asAuth(async (tx) => {
            await tx.query("update auth.users set encrypted_password = $2, updated_at = now() where id = $1", [user.id, hash]);
            await tx.query("delete from auth.sessions where user_id = $1 and id <> $2", [user.id, currentSessionId]);
          });
          return "changed";
        },

        async requestEmailChange(newEmail): Promise<EmailChangeResult> {
          const user = await requireCurrentUser();
          const target = newEmail.trim().toLowerCase();
          if (target === user.email.toLowerCase()) return "same_email";
          return asAuth(async (tx) => {
            if (await findUserByEmail(tx, target)) return "email_taken" as const;
            await tx.query("update auth.users set email_change = $2, email_change_sent_at = now() where id = $1", [user.id, target]);
            const token = await storeLinkToken(tx, user.id, "email_change", target);
            await deliver(
              tx,
              "auth_email_change",
              target,
              renderAuthEmail("email_change", { siteUrl: config.siteOrigin, tokenHash: token, email: user.email, newEmail: target }),
            );
            return "sent" as const;
          });
        },
      };
    },
  };
}

