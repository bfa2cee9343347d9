import { redirect } from "@remix-run/server-runtime";
import { getBackend } from "./backend";
import type { ActivationResult, LinkSession, RequestAccounts, SessionUser } from "./ports";

export { safeRedirectPath } from "../utils/safe-redirect";

/**
 * Account use cases shared by both adapters: what is a rule of ours (eligibility, throttling)
 * comes from SQL through AccountRulesPort; what is Auth's (passwords, links, sessions) comes
 * from the AccountsPort adapter. Routes call these, never an adapter directly.
 */

export async function accountsFor(request: Request): Promise<RequestAccounts> {
  const backend = await getBackend();
  return backend.accounts.forRequest(request);
}

/** Resolves to the signed-in user, or throws a redirect to the login page that comes back here. */
export async function requireUser(request: Request): Promise<{ user: SessionUser; accounts: RequestAccounts }> {
  const accounts = await accountsFor(request);
  const user = await accounts.getUser();
  if (!user) {
    const url = new URL(request.url);
    const back = `${url.pathname}${url.search}`;
    const target = back === "/" || back === "/accueil" ? "/connexion" : `/connexion?redirectTo=${encodeURIComponent(back)}`;
    throw redirect(target, { headers: accounts.headers });
  }
  return { user, accounts };
}

/**
 * How long after following an activation or recovery link the session may set a password
 * without the current one. Past that, or once used, "Changer le mot de passe" asks for it.
 */
export const LINK_SESSION_SECONDS = 15 * 60;

/**
 * The link privilege of this request's session, when it may still set a password without the
 * current one: opened by an activation or recovery link less than LINK_SESSION_SECONDS ago and
 * not used yet (the adapters forget it once setPassword ran). Null otherwise.
 */
export async function passwordLinkSession(accounts: RequestAccounts, now = new Date()): Promise<LinkSession | null> {
  const link = await accounts.linkSession();
  if (!link) return null;
  const age = now.getTime() - link.openedAt.getTime();
  return age >= 0 && age <= LINK_SESSION_SECONDS * 1000 ? link : null;
}

/** Pages for visitors (login, activation…): a signed-in resident goes to the home page instead. */
export async function requireAnonymous(request: Request): Promise<RequestAccounts> {
  const accounts = await accountsFor(request);
  if (await accounts.getUser()) throw redirect("/accueil", { headers: accounts.headers });
  return accounts;
}

/**
 * The login form's accounts: a login replaces the session the browser already had. Any session
 * this request carries is ended on the server before the attempt, whatever its outcome, so a
 * failed attempt leaves an anonymous visitor, never the previous resident's space behind the
 * login error (docs/decisions/0011-auth-throttling.md).
 */
export async function accountsForLogin(request: Request): Promise<RequestAccounts> {
  const accounts = await accountsFor(request);
  if (await accounts.getUser()) await accounts.signOut();
  return accounts;
}

export type SignInOutcome = { ok: true } | { ok: false; reason: "invalid_credentials" } | { ok: false; reason: "throttled"; retryAt: Date };

/**
 * Login with throttling per (e-mail, client) and per client, and a mild per-e-mail slowdown of
 * the clients that failed on it (rules and state in SQL: they survive restarts). A client that
 * has not failed itself is never held by someone else's failures on the same e-mail.
 */
export async function signInWithThrottle(
  accounts: RequestAccounts,
  input: { email: string; password: string; remember: boolean; client: string },
): Promise<SignInOutcome> {
  const { accountRules } = await getBackend();
  const blockedUntil = await accountRules.loginCheck(input.email, input.client);
  if (blockedUntil) return { ok: false, reason: "throttled", retryAt: blockedUntil };
  const result = await accounts.signIn(input);
  if (result.ok) {
    await accountRules.loginSucceeded(input.email, input.client);
    return result;
  }
  const next = await accountRules.loginFailed(input.email, input.client);
  if (next) return { ok: false, reason: "throttled", retryAt: next };
  return result;
}

export async function requestActivation(accounts: RequestAccounts, email: string): Promise<ActivationResult> {
  const { accountRules } = await getBackend();
  const status = await accountRules.activationStatus(email);
  if (status !== "eligible") return status;
  await accounts.sendActivationLink(email);
  return "sent";
}

/**
 * Forgotten password: same answer whatever happens. An active account gets a recovery link,
 * a known address never activated gets the activation link, an unknown address gets nothing.
 */
export async function requestPasswordHelp(accounts: RequestAccounts, email: string): Promise<void> {
  const { accountRules } = await getBackend();
  const status = await accountRules.activationStatus(email);
  if (status === "already_active") await accounts.sendRecoveryLink(email);
  else if (status === "eligible") await accounts.sendActivationLink(email);
}

/**
 * "17 h 42" or "le 27/11/2026 à 08 h 05", in Paris time: when a throttled request may retry.
 * Rounded up to the minute: the time shown is never before the retry is allowed.
 */
export function formatRetryTime(retryAt: Date, now = new Date()): string {
  const tz = "Europe/Paris";
  const date = new Date(Math.ceil(retryAt.getTime() / 60_000) * 60_000);
  const day = (d: Date) => new Intl.DateTimeFormat("fr-FR", { timeZone: tz, dateStyle: "short" }).format(d);
  const time = new Intl.DateTimeFormat("fr-FR", { timeZone: tz, hour: "2-digit", minute: "2-digit" })
    .format(date)
    .replace(":", " h ");
  return day(date) === day(now) ? time : `le ${day(date)} à ${time}`;
}

/** The client key for throttling: the address the HTTP server recorded (x-client-ip, set by server/*.js). */
export function clientKey(request: Request): string {
  return request.headers.get("x-client-ip")?.trim() || "unknown";
}
