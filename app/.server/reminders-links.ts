import { base64url, fromBase64url } from "./base64url";
import type { ClaimedEmail, MailHeader } from "./ports/outbox";
import type { MailLinksPort } from "./ports/reminders";

/**
 * The signed unsubscribe link of reminder e-mails (docs/decisions/0039-email-reminders.md):
 * `<public origin>/desabonnement?jeton=<account id>.<signature>`, the signature being
 * HMAC-SHA-256(link key, "unsubscribe:v1:" + account id), base64url. Web Crypto only (Node, Deno,
 * edge bundle). No expiry: an old e-mail's link must still work (RFC 8058 expects the link to
 * keep working), and all it can do is turn reminders off; changing the secret voids every link.
 *
 * The key: MAIL_LINK_SECRET (≥ 32 characters), required for reminders with Supabase; the
 * embedded default without it derives one from its own database's signing key (created on first
 * start), so it works with no configuration (app/.server/embedded/backend.ts).
 */
const PURPOSE = "unsubscribe:v1:";
const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;
export const UNSUBSCRIBE_PATH = "/desabonnement";
/** The placeholders SQL writes in reminder e-mails (supabase/migrations/20261205090000_email_reminders.sql). */
const ORIGIN_PLACEHOLDER = "%%PORTAIL%%";
const UNSUBSCRIBE_PLACEHOLDER = "%%DESABONNEMENT%%";

async function hmacKey(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** The token of `accountId`'s unsubscribe link. */
export async function signUnsubscribeToken(secret: Uint8Array<ArrayBuffer>, accountId: string): Promise<string> {
  const id = accountId.toLowerCase();
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(PURPOSE + id));
  return `${id}.${base64url(signature)}`;
}

/** The account a token was signed for, or null (malformed, forged, another purpose or key). */
export async function verifyUnsubscribeToken(secret: Uint8Array<ArrayBuffer>, token: unknown): Promise<string | null> {
  if (typeof token !== "string" || token.length > 200) return null;
  const match = TOKEN.exec(token);
  if (!match) return null;
  const [, id, signature] = match;
  const bytes = fromBase64url(signature!);
  // One spelling per signature: the last character's unused bits must be zero.
  if (base64url(bytes) !== signature) return null;
  // crypto.subtle.verify compares in constant time.
  const ok = await crypto.subtle.verify("HMAC", await hmacKey(secret), bytes, new TextEncoder().encode(PURPOSE + id));
  return ok ? id! : null;
}

/** A secret from the environment as key bytes. */
export function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(secret);
}

/** MailLinksPort over a key source (null: no key, links off) and the configured public origin. */
export function createMailLinks(key: () => Promise<Uint8Array<ArrayBuffer> | null>, siteOrigin: string): MailLinksPort {
  return {
    siteOrigin,
    async unsubscribeUrl(accountId) {
      const secret = await key();
      if (!secret) return null;
      return `${siteOrigin}${UNSUBSCRIBE_PATH}?jeton=${encodeURIComponent(await signUnsubscribeToken(secret, accountId))}`;
    },
    async unsubscribeAccount(token) {
      const secret = await key();
      return secret ? verifyUnsubscribeToken(secret, token) : null;
    },
  };
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** RFC 8058 one-click unsubscribe headers (RFC 2369 List-Unsubscribe with an https URL). */
export function unsubscribeHeaders(url: string): MailHeader[] {
  return [
    { name: "List-Unsubscribe", value: `<${url}>` },
    { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
  ];
}

/**
 * A reminder e-mail as it leaves: the placeholders filled in (public origin, signed link) and the
 * unsubscribe headers added. Null when the link cannot be signed (no key): the e-mail must wait.
 */
export async function personalizeEmail<E extends Pick<ClaimedEmail, "html" | "text"> & { unsubscribeAccount?: string | null }>(
  email: E,
  links: MailLinksPort,
): Promise<(E & { headers: MailHeader[] }) | null> {
  if (!email.unsubscribeAccount) return { ...email, headers: [] };
  const url = await links.unsubscribeUrl(email.unsubscribeAccount);
  if (!url) return null;
  const fill = (body: string, escape: (s: string) => string) =>
    body.split(ORIGIN_PLACEHOLDER).join(escape(links.siteOrigin)).split(UNSUBSCRIBE_PLACEHOLDER).join(escape(url));
  return { ...email, html: fill(email.html, htmlEscape), text: fill(email.text, (s) => s), headers: unsubscribeHeaders(url) };
}
