import { parseCookieHeader, serializeCookieHeader } from "@supabase/ssr";
import { isAuthApiError, isAuthError, isAuthRetryableFetchError, isAuthSessionMissingError, type AuthError, type SupabaseClient } from "@supabase/supabase-js";
import type {
  AccountsPort,
  AuthLinkType,
  EmailChangeResult,
  PasswordChangeResult,
  RequestAccounts,
  SessionUser,
  SignInResult,
  VerifyLinkResult,
} from "../ports";
import { createAnonClient } from "./clients";
import { SupabaseAdapterError } from "./errors";
import { createRequestClient, type RequestClientOptions, type RequestSupabase } from "./server-client";
import type { SupabaseSettings } from "./settings";

/**
 * Accounts through Supabase Auth (GoTrue): the same behaviour as embedded/auth.ts, with GoTrue
 * doing the work (passwords, single-use links, sessions, e-mails from supabase/templates/).
 * Decisions: docs/decisions/0005-supabase-accounts-adapter.md.
 *
 * - One @supabase/ssr client per request (server-client.ts); its Set-Cookie headers are copied
 *   into `headers` after every operation.
 * - "Se souvenir de moi" unchecked: the session cookies are browser-session cookies, and the
 *   `pf_remember=0` cookie (itself browser-session) tells later requests to keep writing them that
 *   way when a token refresh rewrites them.
 * - Privileged calls (invite) use the service-role client, never the request client.
 */

/** Present (value "0") when the session must stay a browser-session one. */
export const REMEMBER_COOKIE = "pf_remember";

/** GoTrue error codes that mean "wrong e-mail or password": one generic answer (SPEC "Login"). */
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

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createSupabaseAccounts(settings: SupabaseSettings, serviceRole: SupabaseClient): AccountsPort {
  return {
    forRequest(request: Request): RequestAccounts {
      const headers = new Headers();
      const requestCookies = parseCookieHeader(request.headers.get("Cookie") ?? "");
      const rememberedNo = requestCookies.some((c) => c.name === REMEMBER_COOKIE && c.value === "0");
      const secure = settings.siteUrl ? new URL(settings.siteUrl).protocol === "https:" : new URL(request.url).protocol === "https:";
      const siteUrl = (settings.siteUrl ?? new URL(request.url).origin).replace(/\/+$/, "");
      const redirectTo = `${siteUrl}/auth/confirm`;

      /** Every request client opened for this request, with how many of its Set-Cookie were copied. */
      const opened: { supabase: RequestSupabase; copied: number }[] = [];
      let current: Promise<RequestSupabase> | undefined;
      let cachedUser: Promise<SessionUser | null> | undefined;

      async function open(mode: SessionCookies): Promise<RequestSupabase> {
        const supabase = await createRequestClient(request, settings, { sessionCookies: mode });
        opened.push({ supabase, copied: 0 });
        return supabase;
      }

      /** The client for this request; the cookie mode follows the choice made at login. */
      async function client(): Promise<SupabaseClient> {
        current ??= open(rememberedNo ? "browser-session" : "persistent");
        return (await current).client;
      }

      /** A fresh client whose cookies follow `mode`: login and links start a new session. */
      async function reopen(mode: SessionCookies): Promise<SupabaseClient> {
        current = open(mode);
        return (await current).client;
      }

      /** Copies what the request clients wrote (Set-Cookie, no-cache headers) into `headers`. */
      function flush() {
        for (const entry of opened) {
          const cookies = entry.supabase.headers.getSetCookie();
          for (const cookie of cookies.slice(entry.copied)) headers.append("Set-Cookie", cookie);
          entry.copied = cookies.length;
          entry.supabase.headers.forEach((value, key) => {
            if (key.toLowerCase() !== "set-cookie") headers.set(key, value);
          });
        }
      }

      async function withFlush<T>(fn: () => Promise<T>): Promise<T> {
        try {
          return await fn();
        } finally {
          flush();
        }
      }

      function setRememberCookie(remember: boolean) {
        const base = { path: "/", httpOnly: true, sameSite: "lax" as const, secure };
        if (!remember) headers.append("Set-Cookie", serializeCookieHeader(REMEMBER_COOKIE, "0", base));
        else if (requestCookies.some((c) => c.name === REMEMBER_COOKIE)) {
          headers.append("Set-Cookie", serializeCookieHeader(REMEMBER_COOKIE, "", { ...base, maxAge: 0 }));
        }
      }

      async function loadUser(): Promise<SessionUser | null> {
        const c = await client();
        // Asks GoTrue (GET /auth/v1/user): the cookie alone is never trusted. An expired access
        // token is refreshed first (new cookies, in this request's cookie mode).
        const { data, error } = await c.auth.getUser();
        if (error) {
          // GoTrue unreachable or failing: an error page, not a silent logout.
          if (isAuthRetryableFetchError(error)) throw authFailure("getUser", error);
          return null; // no session, revoked session, expired refresh token, bad JWT
        }
        const user = data.user;
        if (!user?.email) return null;
        return { id: user.id, email: user.email };
      }

      const getUser = () => (cachedUser ??= withFlush(loadUser));

      async function requireCurrentUser(): Promise<SessionUser> {
        const user = await getUser();
        if (!user) throw new Error("No signed-in user for this request");
        return user;
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

      const accounts: RequestAccounts = {
        headers,
        getUser,

        signIn: ({ email, password, remember }) =>
          withFlush(async (): Promise<SignInResult> => {
            const c = await reopen(remember ? "persistent" : "browser-session");
            const { data, error } = await c.auth.signInWithPassword({ email: normalizeEmail(email), password });
            if (error) {
              if (isAuthApiError(error) && error.code && INVALID_CREDENTIALS.has(error.code)) {
                return { ok: false, reason: "invalid_credentials" };
              }
              throw authFailure("signInWithPassword", error);
            }
            setRememberCookie(remember);
            cachedUser = Promise.resolve({ id: data.user.id, email: data.user.email ?? normalizeEmail(email) });
            return { ok: true };
          }),

        signOut: () =>
          withFlush(async () => {
            const c = await client();
            // scope "local": this session only; its refresh token is revoked by GoTrue and the
            // cookies are removed (also when GoTrue says the session was already gone).
            const { error } = await c.auth.signOut({ scope: "local" });
            cachedUser = Promise.resolve(null);
            if (requestCookies.some((cookie) => cookie.name === REMEMBER_COOKIE)) setRememberCookie(true);
            if (error && !isAuthSessionMissingError(error)) throw authFailure("signOut(local)", error);
          }),

        async sendActivationLink(email) {
          const address = normalizeEmail(email);
          // POST /auth/v1/invite: creates the user (no password) or, for a user not yet confirmed,
          // sends a new invite whose token replaces the previous one (the old link stops working).
          const { error } = await serviceRole.auth.admin.inviteUserByEmail(address, { redirectTo });
          if (!error) return;
          if (error.code === "email_exists") {
            // Confirmed but the SQL rule saw no password: only a recovery link can reach it
            // (GoTrue refuses to invite a confirmed user). Same page at the end of the link.
            await sendRecovery(address, "sendActivationLink(recovery fallback)");
            return;
          }
          throw authFailure("inviteUserByEmail", error);
        },

        async sendRecoveryLink(email) {
          await sendRecovery(normalizeEmail(email), "resetPasswordForEmail");
        },

        verifyLink: (type: AuthLinkType, tokenHash: string) =>
          withFlush(async (): Promise<VerifyLinkResult> => {
            // A link opens a browser-session (as the embedded adapter): "Se souvenir de moi" is
            // offered at the next login.
            const c = await reopen("browser-session");
            const { data, error } = await c.auth.verifyOtp({ type, token_hash: tokenHash });
            if (error) {
              if (isAuthApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 429) {
                return { ok: false, reason: "invalid_or_expired" }; // 403 otp_expired, 400/404/422
              }
              throw authFailure(`verifyOtp(${type})`, error);
            }
            if (!data.session || !data.user?.email) return { ok: false, reason: "invalid_or_expired" };
            setRememberCookie(false);
            cachedUser = Promise.resolve({ id: data.user.id, email: data.user.email });
            return { ok: true, type };
          }),

        setPassword: (password) =>
          withFlush(async () => {
            await requireCurrentUser();
            const c = await client();
            await updatePassword(c, password, "updateUser(password)");
            await endOtherSessions(c);
          }),

        changePassword: (currentPassword, newPassword) =>
          withFlush(async (): Promise<PasswordChangeResult> => {
            const user = await requireCurrentUser();
            // The current password is checked by a sign-in on a throwaway client that keeps
            // nothing: the request's cookies and session stay untouched.
            const verifier = await createAnonClient(settings);
            const { error: wrong } = await verifier.auth.signInWithPassword({ email: user.email, password: currentPassword });
            if (wrong) {
              if (isAuthApiError(wrong) && wrong.code && INVALID_CREDENTIALS.has(wrong.code)) return "wrong_current_password";
              throw authFailure("signInWithPassword(current password check)", wrong);
            }
            // That check opened a GoTrue session: revoke it at once.
            const { error: revokeError } = await verifier.auth.signOut({ scope: "local" });
            if (revokeError && !isAuthSessionMissingError(revokeError)) throw authFailure("signOut(verification session)", revokeError);

            const c = await client();
            await updatePassword(c, newPassword, "updateUser(password)");
            await endOtherSessions(c);
            return "changed";
          }),

        requestEmailChange: (newEmail) =>
          withFlush(async (): Promise<EmailChangeResult> => {
            const user = await requireCurrentUser();
            const target = normalizeEmail(newEmail);
            if (target === normalizeEmail(user.email)) return "same_email";
            const c = await client();
            // PUT /auth/v1/user {email}: GoTrue sends the email_change template to the new
            // address only (double_confirm_changes = false); the login changes once it is followed.
            const { error } = await c.auth.updateUser({ email: target }, { emailRedirectTo: redirectTo });
            if (error) {
              if (error.code === "email_exists") return "email_taken";
              throw authFailure("updateUser(email)", error);
            }
            return "sent";
          }),
      };

      async function sendRecovery(address: string, operation: string) {
        // Anon client (implicit flow): the template's TokenHash has no "pkce_" prefix.
        const anon = await createAnonClient(settings);
        const { error } = await anon.auth.resetPasswordForEmail(address, { redirectTo });
        if (!error) return;
        // GoTrue refuses a second recovery e-mail within max_frequency (60 s). The previous link
        // still works, and an error page here would tell that the address has an account.
        if (isAuthError(error) && error.status === 429 && error.code === "over_email_send_rate_limit") {
          console.warn(`Supabase Auth ${operation}: e-mail not sent (${error.message})`);
          return;
        }
        throw authFailure(operation, error);
      }

      requestClients.set(accounts, client);
      return accounts;
    },
  };
}
