import { redirect } from "@remix-run/server-runtime";
import { getBackend } from "./backend";
import type { AuthMailResult, LinkSession, RequestAccounts, SessionUser } from "./ports/accounts";
import { withSession } from "./session-response";

export { safeRedirectPath } from "../utils/safe-redirect";
export { clientKey } from "./client-key";

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
    throw redirect(target, withSession(accounts));
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
  if (await accounts.getUser()) throw redirect("/accueil", withSession(accounts));
  return accounts;
}

/**
 * A login attempt replaces the session the browser already had: any session this request
 * carries is ended on the server before the attempt, whatever its outcome, so a failed attempt
 * leaves an anonymous visitor, never the previous resident's space behind the login error
 * (docs/decisions/0011-auth-throttling.md).
 */
export async function endSessionBeforeLogin(accounts: RequestAccounts): Promise<void> {
  if (await accounts.getUser()) await accounts.signOut();
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

export type ClosureOutcome =
  | { status: "closed" | "wrong_password" | "payment_pending" }
  | { status: "throttled"; retryAt: Date };

/**
 * « Fermer mon compte » (docs/decisions/0032-account-closure.md): the current password, checked
 * under the login throttle (same SQL rules and keys: a wrong password here counts as a failed
 * login of this address from this client), then the SQL rule (no payment waiting for its
 * outcome), then Auth deletes the user: every session ends, the customer records are unlinked,
 * the confirmation e-mail is in the outbox. The adapter clears this browser's cookies.
 */
export async function closeAccount(accounts: RequestAccounts, user: SessionUser, input: { password: string; client: string }): Promise<ClosureOutcome> {
  const { accountRules } = await getBackend();
  const blockedUntil = await accountRules.loginCheck(user.email, input.client);
  if (blockedUntil) return { status: "throttled", retryAt: blockedUntil };
  if (!(await accounts.verifyPassword(input.password))) {
    const next = await accountRules.loginFailed(user.email, input.client);
    return next ? { status: "throttled", retryAt: next } : { status: "wrong_password" };
  }
  await accountRules.loginSucceeded(user.email, input.client);
  if ((await accountRules.closureBlocker(user.id)) === "payment_pending") return { status: "payment_pending" };
  await accounts.deleteAccount();
  return { status: "closed" };
}

/** Asking for an activation or recovery e-mail too often (per address or per client). */
export interface MailThrottled {
  status: "throttled";
  retryAt: Date;
}

export type ActivationOutcome = { status: "sent" | "unknown_email" | "already_active" | "mail_unavailable" } | MailThrottled;

/**
 * « J'active mon compte »: every request counts against the client's limit before any answer
 * (the three answers cannot be asked without limit); the address's limit counts the requests
 * that send an e-mail. "mail_unavailable": Auth could not send the e-mail for now.
 */
export async function requestActivation(accounts: RequestAccounts, email: string, client: string): Promise<ActivationOutcome> {
  const { accountRules } = await getBackend();
  const clientRetryAt = await accountRules.authMailRequest(null, client);
  if (clientRetryAt) return { status: "throttled", retryAt: clientRetryAt };
  const status = await accountRules.activationStatus(email);
  if (status !== "eligible") return { status };
  const addressRetryAt = await accountRules.authMailRequest(email, null);
  if (addressRetryAt) return { status: "throttled", retryAt: addressRetryAt };
  const sent = await accounts.sendActivationLink(email);
  return { status: sent === "mail_unavailable" ? "mail_unavailable" : "sent" };
}

export type PasswordHelpOutcome = { status: "answered" | "mail_unavailable" } | MailThrottled;

/**
 * Forgotten password: the same answer whatever the address. An active account gets a recovery
 * link, a known address never activated gets the activation link, an unknown address gets
 * nothing. The limits count every request before the address is looked up, for every address
 * alike, so "throttled" says nothing about the address.
 * "mail_unavailable" only follows a real sending attempt: it tells no more than /activation's
 * answers, under the same per-client limit (docs/decisions/0011-auth-throttling.md).
 */
export async function requestPasswordHelp(accounts: RequestAccounts, email: string, client: string): Promise<PasswordHelpOutcome> {
  const { accountRules } = await getBackend();
  const retryAt = await accountRules.authMailRequest(email, client);
  if (retryAt) return { status: "throttled", retryAt };
  const status = await accountRules.activationStatus(email);
  let sent: AuthMailResult = "sent";
  if (status === "already_active") sent = await accounts.sendRecoveryLink(email);
  else if (status === "eligible") sent = await accounts.sendActivationLink(email);
  return { status: sent === "mail_unavailable" ? "mail_unavailable" : "answered" };
}

/** What /activation and /mot-de-passe-oublie say when the limit on account e-mails is reached. */
export function mailThrottledMessage(retryAt: Date, now = new Date()): string {
  return (
    `Trop de demandes d'envoi de message. Par sécurité, réessayez ${retryFrom(retryAt, now)}. ` +
    "Si vous avez reçu un message du portail il y a moins d'une heure, utilisez le lien du message le plus récent."
  );
}

/** What /activation and /mot-de-passe-oublie say when Auth could not send the e-mail for now. */
export const MAIL_UNAVAILABLE_MESSAGE =
  "Le message n'a pas pu être envoyé pour le moment. Réessayez dans une heure ; si le problème continue, contactez le service.";

/**
 * "à partir de 17 h 42" (today) or "à partir du 27/11/2026 à 08 h 05", in Paris time: when a
 * throttled request may retry. Rounded up to the minute: the time shown is never before the retry
 * is allowed.
 */
export function retryFrom(retryAt: Date, now = new Date()): string {
  const tz = "Europe/Paris";
  const date = new Date(Math.ceil(retryAt.getTime() / 60_000) * 60_000);
  const day = (d: Date) => new Intl.DateTimeFormat("fr-FR", { timeZone: tz, dateStyle: "short" }).format(d);
  const time = new Intl.DateTimeFormat("fr-FR", { timeZone: tz, hour: "2-digit", minute: "2-digit" })
    .format(date)
    .replace(":", " h ");
  return day(date) === day(now) ? `à partir de ${time}` : `à partir du ${day(date)} à ${time}`;
}
