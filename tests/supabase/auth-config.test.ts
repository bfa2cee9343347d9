import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * supabase/config.toml and the auth e-mail templates cannot be exercised without Docker here.
 * These tests pin what the portal relies on; `npx supabase status` additionally checks that the
 * CLI parses the file and finds the templates (it fails on them before needing Docker).
 */
const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

/** Minimal reader for the one-line `key = value` entries of config.toml, by [section]. */
function tomlEntries(text: string): Map<string, unknown> {
  const entries = new Map<string, unknown>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const entry = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
    if (entry) entries.set(`${section ? `${section}.` : ""}${entry[1]}`, JSON.parse(entry[2]!.replace(/\s+#.*$/, "")));
  }
  return entries;
}

const config = tomlEntries(read("supabase/config.toml"));
const textOf = (html: string) =>
  html
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();

const templates = {
  invite: { type: "invite", next: "/nouveau-mot-de-passe" },
  recovery: { type: "recovery", next: "/nouveau-mot-de-passe" },
  email_change: { type: "email_change", next: "/mes-informations?courriel=modifie" },
} as const;

describe("supabase/config.toml", () => {
  it("closes public sign-ups but keeps the e-mail provider (logins and server invitations)", () => {
    expect(config.get("auth.enable_signup")).toBe(false);
    expect(config.get("auth.email.enable_signup")).toBe(true);
    expect(config.get("auth.email.enable_confirmations")).toBe(true);
  });

  it("exposes only public and graphql_public through the API", () => {
    expect(config.get("api.schemas")).toEqual(["public", "graphql_public"]);
  });

  it("redirects e-mail links to the portal's /auth/confirm", () => {
    expect(config.get("auth.site_url")).toBe("http://localhost:3000");
    expect(config.get("auth.additional_redirect_urls")).toEqual(["http://localhost:3000/auth/confirm", "http://127.0.0.1:3000/auth/confirm"]);
  });

  it("never asks more of a password than the app's rule (floor 8, no character classes)", () => {
    expect(config.get("auth.minimum_password_length")).toBe(8);
    expect(config.get("auth.password_requirements")).toBe("");
  });

  it("declares the private invoices bucket seeded from supabase/storage/invoices", () => {
    expect(config.get("storage.buckets.invoices.public")).toBe(false);
    expect(config.get("storage.buckets.invoices.allowed_mime_types")).toEqual(["application/pdf"]);
    expect(config.get("storage.buckets.invoices.objects_path")).toBe("./storage/invoices");
    expect(existsSync(new URL("supabase/storage/invoices", root))).toBe(true);
  });

  it("sizes Auth's rate limits for a portal whose every resident reaches Auth from the server (docs/supabase.md)", () => {
    // In GoTrue (docs/supabase.md, "Rate limits"): token_refresh → every POST /token, logins included;
    // sign_in_sign_ups → GOTRUE_RATE_LIMIT_OTP (/recover, /otp, /resend, PUT /user…);
    // token_verifications → POST /verify. Per IP, per 5 minutes, bursts of 30.
    expect(config.get("auth.rate_limit.token_refresh")).toBe(1800);
    expect(config.get("auth.rate_limit.sign_in_sign_ups")).toBe(300);
    expect(config.get("auth.rate_limit.token_verifications")).toBe(300);
    // Project-wide, per hour (custom SMTP only).
    expect(config.get("auth.rate_limit.email_sent")).toBe(1000);
  });

  it("points every template to an existing file (content_path is relative to the project root)", () => {
    for (const name of ["invite", "recovery", "email_change", "magic_link"]) {
      const path = config.get(`auth.email.template.${name}.content_path`);
      expect(path).toBe(`./supabase/templates/${name}.html`);
      expect(existsSync(new URL(path as string, root))).toBe(true);
    }
    expect(config.get("auth.email.template.invite.subject")).toBe("Accès au portail des factures");
  });
});

describe("auth e-mail templates", () => {
  it("are French HTML pages without remote images", () => {
    for (const name of ["invite", "recovery", "email_change", "magic_link"]) {
      const html = read(`supabase/templates/${name}.html`);
      expect(html).toMatch(/<html lang="fr">/);
      expect(html).not.toMatch(/<img|https?:\/\/(?!\{)/i);
      expect(textOf(html)).toMatch(/Merci de ne pas répondre à ce message\.$/);
    }
  });

  it("carry the specified activation text around the link", () => {
    const text = textOf(read("supabase/templates/invite.html"));
    expect(text).toContain(
      "Bonjour, Vous avez demandé l'activation de votre espace sur le portail des factures. Cliquez sur le lien suivant ou copiez le dans votre navigateur",
    );
    expect(text).toContain("pour définir votre mot de passe et finaliser la procédure d'activation.");
    expect(text).toContain("Salutations distinguées, Merci de ne pas répondre à ce message.");
  });

  it("link to /auth/confirm with the token hash and show the same link as text", () => {
    for (const [name, { type, next }] of Object.entries(templates)) {
      const html = read(`supabase/templates/${name}.html`);
      const link = `{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}&amp;type=${type}&amp;next=${next}`;
      expect(html).toContain(`href="${link}"`);
      expect(html).toContain(`>${link}</a>`);
      expect(html).not.toContain("{{ .ConfirmationURL }}");
    }
  });

  it("state a validity that matches otp_expiry", () => {
    expect(config.get("auth.email.otp_expiry")).toBe(3600);
    for (const name of Object.keys(templates)) {
      expect(textOf(read(`supabase/templates/${name}.html`))).toContain("Ce lien est valable 1 heure");
    }
  });

  it("send the e-mail change link to the new address and name it", () => {
    expect(config.get("auth.email.double_confirm_changes")).toBe(false);
    expect(read("supabase/templates/email_change.html")).toContain("{{ .NewEmail }}");
  });
});
