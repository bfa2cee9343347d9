import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as activation from "~/routes/activation/route";
import * as newPassword from "~/routes/nouveau-mot-de-passe/route";
import * as login from "~/routes/connexion/route";
import * as layout from "~/routes/_espace.accueil/route";
import type { Database } from "~/.server/embedded/database";
import { Browser, countEmails, followLink, lastEmailTo, startPortal } from "../support/route-harness";

let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

describe("J'active mon compte", () => {
  it("says 'adresse inconnue' when no customer record carries the e-mail, and sends nothing", async () => {
    const before = await countEmails(db);
    const result = await new Browser().call(activation.action, "/activation", { email: "personne@exemple.fr" });
    expect(result.data).toMatchObject({ outcome: "unknown_email" });
    expect(await countEmails(db)).toBe(before);
  });

  it("says an active account exists for demo@demo.fr (who has a password), and sends nothing", async () => {
    const before = await countEmails(db);
    const result = await new Browser().call(activation.action, "/activation", { email: " Demo@Demo.fr " });
    expect(result.data).toMatchObject({ outcome: "already_active" });
    expect(await countEmails(db)).toBe(before);
  });

  it("refuses a malformed address with a French message and status 400", async () => {
    const result = await new Browser().call(activation.action, "/activation", { email: "pas-une-adresse" });
    expect(result.status).toBe(400);
    expect(result.data).toMatchObject({ errors: { email: "Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr." } });
  });

  it("activates nouveau@demo.fr end to end: e-mail, single-use link, password, login", async () => {
    const browser = new Browser();
    const sent = await browser.call(activation.action, "/activation", { email: "nouveau@demo.fr" });
    expect(sent.data).toMatchObject({ outcome: "sent" });

    const email = await lastEmailTo(db, "nouveau@demo.fr");
    expect(email?.subject).toBe("Accès au portail des factures");
    expect(email?.text_body).toContain("Vous avez demandé l'activation de votre espace sur le portail des factures.");
    expect(email?.text_body).toContain("valable 1 heure");
    expect(email?.html_body).toContain("<a href=");
    expect(email?.path).toMatch(/^\/auth\/confirm\?token_hash=[A-Za-z0-9_-]+&type=invite&next=\/nouveau-mot-de-passe$/);

    // The account now exists without a password, linked to the customer record.
    const linked = await db.pg.query<{ account_id: string | null; encrypted_password: string }>(
      `select c.account_id, u.encrypted_password from portal.customers c join auth.users u on u.id = c.account_id
       where c.email = 'nouveau@demo.fr'`,
    );
    expect(linked.rows).toHaveLength(1);
    expect(linked.rows[0]!.encrypted_password).toBe("");

    // Asking again sends a fresh link; the first one stops working.
    const firstPath = email!.path!;
    await new Browser().call(activation.action, "/activation", { email: "nouveau@demo.fr" });
    const second = await lastEmailTo(db, "nouveau@demo.fr");
    expect(second?.path).not.toBe(firstPath);
    const stale = await followLink(new Browser(), firstPath);
    expect(stale.status).toBe(400);
    expect(stale.location).toBeNull();

    // Following the fresh link opens a session and leads to the new-password screen.
    const followed = await followLink(browser, second!.path!);
    expect(followed).toRedirectTo("/nouveau-mot-de-passe", { status: 302 });
    const screen = await browser.call(newPassword.loader, "/nouveau-mot-de-passe");
    expect(screen.data).toMatchObject({ email: "nouveau@demo.fr" });
    expect(screen.data.rule).toContain("Au moins 8 caractères");

    // The link is single-use.
    const reused = await followLink(new Browser(), second!.path!);
    expect(reused.status).toBe(400);

    const weak = await browser.call(newPassword.action, "/nouveau-mot-de-passe", { password: "court" });
    expect(weak.status).toBe(400);
    const saved = await browser.call(newPassword.action, "/nouveau-mot-de-passe", { password: "Nouveau-2026" });
    expect(saved).toRedirectTo("/nouveau-mot-de-passe?enregistre=1");

    // Now active: activation is refused, login works and the header shows the customer's name.
    const again = await new Browser().call(activation.action, "/activation", { email: "nouveau@demo.fr" });
    expect(again.data).toMatchObject({ outcome: "already_active" });
    const other = new Browser();
    const signedIn = await other.call(login.action, "/connexion", { email: "nouveau@demo.fr", password: "Nouveau-2026", redirectTo: "/accueil" });
    expect(signedIn).toRedirectTo("/accueil");
    const home = await other.call(layout.loader, "/accueil");
    expect(home.data).toMatchObject({ frame: { displayName: "Famille Nouveau" } });
  });

  it("links a customer record added later with the same e-mail to the existing account", async () => {
    await db.asService((tx) =>
      tx.query(
        `insert into portal.customers (service_id, customer_number, display_name, email)
         select service_id, 'NOUV-2', 'Famille Nouveau (cantine)', 'nouveau@demo.fr' from portal.customers where email = 'nouveau@demo.fr' limit 1`,
      ),
    );
    const { rows } = await db.pg.query<{ n: number }>(
      "select count(distinct account_id)::int as n from portal.customers where email = 'nouveau@demo.fr' and account_id is not null",
    );
    expect(rows[0]!.n).toBe(1);
    const { rows: all } = await db.pg.query("select 1 from portal.customers where email = 'nouveau@demo.fr' and account_id is null");
    expect(all).toHaveLength(0);
  });

  it("shows a French page offering a new link for a forged or expired link, never the raw error", async () => {
    const forged = await followLink(new Browser(), "/auth/confirm?token_hash=AAAAAAAAAAAAAAAAAAAAAAAA&type=invite&next=/nouveau-mot-de-passe");
    expect(forged.status).toBe(400);
    expect(forged.data).toMatchObject({ failedType: "invite" });
    const badType = await followLink(new Browser(), "/auth/confirm?token_hash=abc&type=signup");
    expect(badType.status).toBe(400);

    // Expired: a link older than one hour.
    await db.asService((tx) => tx.query(`insert into portal.customers (service_id, customer_number, display_name, email)
      select id, 'EXP-1', 'Expiré', 'expire@exemple.fr' from portal.services limit 1`));
    await new Browser().call(activation.action, "/activation", { email: "expire@exemple.fr" });
    const email = await lastEmailTo(db, "expire@exemple.fr");
    await db.pg.query("update auth.one_time_tokens set created_at = created_at - interval '61 minutes'");
    const expired = await followLink(new Browser(), email!.path!);
    expect(expired.status).toBe(400);
  });

  it("never redirects off-site after a link, whatever `next` says", async () => {
    await db.asService((tx) => tx.query(`insert into portal.customers (service_id, customer_number, display_name, email)
      select id, 'OFF-1', 'Hors site', 'horssite@exemple.fr' from portal.services limit 1`));
    await new Browser().call(activation.action, "/activation", { email: "horssite@exemple.fr" });
    const email = await lastEmailTo(db, "horssite@exemple.fr");
    const tampered = email!.path!.replace("next=/nouveau-mot-de-passe", "next=//evil.example/x");
    const result = await followLink(new Browser(), tampered);
    expect(result).toRedirectTo("/nouveau-mot-de-passe");
  });
});
