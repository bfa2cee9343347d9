import { describe, expect, it } from "vitest";
import { htmlToText, renderAuthEmail } from "~/.server/auth-mail";

describe("account e-mails (rendered from supabase/templates)", () => {
  it("renders the activation e-mail with the seed's words, the link, and its validity, in HTML and text", () => {
    const mail = renderAuthEmail("invite", { siteUrl: "https://factures.exemple.fr/", tokenHash: "abc_DEF-123", email: "a@b.fr" });
    expect(mail.subject).toBe("Accès au portail des factures");
    const link = "https://factures.exemple.fr/auth/confirm?token_hash=abc_DEF-123&type=invite&next=/nouveau-mot-de-passe";
    expect(mail.html).toContain(link.replaceAll("&", "&amp;"));
    for (const sentence of [
      "Bonjour,",
      "Vous avez demandé l'activation de votre espace sur le portail des factures.",
      "Cliquez sur le lien suivant ou copiez le dans votre navigateur",
      "pour définir votre mot de passe et finaliser la procédure d'activation.",
      "Salutations distinguées,",
      "Merci de ne pas répondre à ce message.",
      "valable 1 heure",
    ]) {
      expect(mail.text).toContain(sentence);
    }
    expect(mail.text).toContain(link);
    expect(mail.text).not.toMatch(/<[a-z]/i);
  });

  it("escapes what it inserts into the HTML", () => {
    const mail = renderAuthEmail("email_change", { siteUrl: "https://x.fr", tokenHash: "t", email: "a@b.fr", newEmail: '"><script>@x.fr' });
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&quot;&gt;&lt;script&gt;@x.fr");
  });

  it("turns paragraphs into lines and decodes entities", () => {
    expect(htmlToText("<body><p>Un &amp; deux</p>\n<p>trois</p></body>")).toBe("Un & deux\n\ntrois");
  });
});
