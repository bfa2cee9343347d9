import inviteHtml from "../../supabase/templates/invite.html?raw";
import recoveryHtml from "../../supabase/templates/recovery.html?raw";
import emailChangeHtml from "../../supabase/templates/email_change.html?raw";
import type { AuthLinkType } from "./ports/accounts";

/**
 * The account e-mails, from the very templates Supabase Auth sends in production
 * (supabase/templates/*.html, subjects as in supabase/config.toml), so both adapters send the
 * same words. The embedded adapter renders them here; the plain-text part is derived from the HTML.
 */
const TEMPLATES: Record<AuthLinkType, { subject: string; html: string }> = {
  invite: { subject: "Accès au portail des factures", html: inviteHtml },
  recovery: { subject: "Portail des factures : nouveau mot de passe", html: recoveryHtml },
  email_change: { subject: "Portail des factures : confirmez votre nouvelle adresse mail", html: emailChangeHtml },
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Fills the Go-template variables GoTrue offers ({{ .SiteURL }}, {{ .TokenHash }}, {{ .Email }}, {{ .NewEmail }}). */
export function renderAuthEmail(
  type: AuthLinkType,
  vars: { siteUrl: string; tokenHash: string; email: string; newEmail?: string },
): RenderedEmail {
  const template = TEMPLATES[type];
  const values: Record<string, string> = {
    SiteURL: vars.siteUrl.replace(/\/+$/, ""),
    TokenHash: vars.tokenHash,
    Email: vars.email,
    NewEmail: vars.newEmail ?? "",
  };
  const html = template.html.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (whole, name: string) =>
    name in values ? escapeHtml(values[name]!) : whole,
  );
  return { subject: template.subject, html, text: htmlToText(html) };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/** A readable plain-text version of our simple templates: paragraphs, and links written out. */
export function htmlToText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  return body
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => {
      const text = label.replace(/<[^>]+>/g, "").trim();
      return text && text !== href ? `${text} (${href})` : href;
    })
    .replace(/<(br|\/p|\/div|\/h\d|\/li)\s*\/?>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ENTITIES[e]!)
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line, i, lines) => line !== "" || (i > 0 && lines[i - 1] !== ""))
    .join("\n")
    .trim();
}
