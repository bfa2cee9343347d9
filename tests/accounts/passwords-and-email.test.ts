import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as forgotten from "~/routes/mot-de-passe-oublie/route";
import * as login from "~/routes/connexion/route";
import * as newPassword from "~/routes/nouveau-mot-de-passe/route";
import * as changeEmail from "~/routes/_espace.mes-informations_.adresse-mail/route";
import * as changePassword from "~/routes/_espace.mes-informations_.mot-de-passe/route";
import * as infos from "~/routes/_espace.mes-informations/route";
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

async function signedIn(email: string, password: string) {
  const browser = new Browser();
  const result = await browser.call(login.action, "/connexion", { email, password });
  expect(result.status).toBe(302);
  return browser;
}

describe("Mot de passe oublié", () => {
  it("answers the same on screen whether or not the address has an account", async () => {
    const known = await new Browser().call(forgotten.action, "/mot-de-passe-oublie", { email: "demo@demo.fr" });
    const unknown = await new Browser().call(forgotten.action, "/mot-de-passe-oublie", { email: "personne@exemple.fr" });
    expect(known.status).toBe(unknown.status);
    expect(Object.keys(known.data as object)).toEqual(Object.keys(unknown.data as object));
    expect(known.data).toMatchObject({ sent: true });
    expect(unknown.data).toMatchObject({ sent: true });
  });

  it("sends nothing to an unknown address", async () => {
    const before = await countEmails(db);
    await new Browser().call(forgotten.action, "/mot-de-passe-oublie", { email: "inconnu2@exemple.fr" });
    expect(await countEmails(db)).toBe(before);
  });

  it("sends the activation e-mail instead to an address never activated", async () => {
    await new Browser().call(forgotten.action, "/mot-de-passe-oublie", { email: "nouveau@demo.fr" });
    const email = await lastEmailTo(db, "nouveau@demo.fr");
    expect(email?.subject).toBe("Accès au portail des factures");
    expect(email?.path).toContain("type=invite");
  });

  it("round trip: recovery link, new password, old password refused, new one accepted, link single-use", async () => {
    await db.asService((tx) => tx.query(`insert into portal.customers (service_id, customer_number, display_name, email)
      select id, 'REC-1', 'Madame Oubli', 'oubli@exemple.fr' from portal.services limit 1`));
    await db.pg.query(`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, created_at, updated_at)
      values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'oubli@exemple.fr',
        extensions.crypt('Ancien-mot-1', extensions.gen_salt('bf')), now(), now(), now())`);
    await new Browser().call(forgotten.action, "/mot-de-passe-oublie", { email: "oubli@exemple.fr" });
    const email = await lastEmailTo(db, "oubli@exemple.fr");
    expect(email?.kind).toBe("auth_recovery");
    expect(email?.path).toMatch(/type=recovery/);

    const browser = new Browser();
    const followed = await followLink(browser, email!.path!);
    expect(followed).toRedirectTo("/nouveau-mot-de-passe");
    const saved = await browser.call(newPassword.action, "/nouveau-mot-de-passe", { password: "Nouveau-mot-2" });
    expect(saved).toRedirectTo("/nouveau-mot-de-passe?enregistre=1");
    expect((await browser.call(newPassword.loader, saved.location!)).data).toMatchObject({ saved: true, email: "oubli@exemple.fr" });

    expect((await new Browser().call(login.action, "/connexion", { email: "oubli@exemple.fr", password: "Ancien-mot-1" })).status).toBe(401);
    expect((await new Browser().call(login.action, "/connexion", { email: "oubli@exemple.fr", password: "Nouveau-mot-2" })).status).toBe(302);
    expect((await followLink(new Browser(), email!.path!)).status).toBe(400);
  });

  it("the new-password screen without a session sends the visitor to ask for a link", async () => {
    const result = await new Browser().call(newPassword.loader, "/nouveau-mot-de-passe");
    expect(result).toRedirectTo("/mot-de-passe-oublie");
  });
});

describe("Changer le mot de passe", () => {
  it("asks the current password, then ends the other sessions but keeps this one", async () => {
    await db.pg.query(`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, created_at, updated_at)
      values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'change@exemple.fr',
        extensions.crypt('Premier-mot-1', extensions.gen_salt('bf')), now(), now(), now())`);
    const here = await signedIn("change@exemple.fr", "Premier-mot-1");
    const elsewhere = await signedIn("change@exemple.fr", "Premier-mot-1");

    const wrong = await here.call(changePassword.action, "/mes-informations/mot-de-passe", { currentPassword: "pas-ca-1", newPassword: "Second-mot-2" });
    expect(wrong.status).toBe(400);
    expect(wrong.data).toMatchObject({ errors: { currentPassword: expect.stringContaining("Ce n'est pas votre mot de passe actuel") } });

    const weak = await here.call(changePassword.action, "/mes-informations/mot-de-passe", { currentPassword: "Premier-mot-1", newPassword: "secondmot" });
    expect(weak.status).toBe(400);

    const done = await here.call(changePassword.action, "/mes-informations/mot-de-passe", { currentPassword: "Premier-mot-1", newPassword: "Second-mot-2" });
    expect(done).toRedirectTo("/mes-informations?changement=mot-de-passe");
    expect((await here.call(layout.loader, "/accueil")).status).toBe(200);
    // The other session keeps its unexpired 5-minute access cookie, still believed without a
    // query: its next page is refused all the same, by the page's SQL check of its session
    // (docs/decisions/0015-no-auth-round-trip.md), and it is signed out.
    expect(elsewhere.cookies.has("pf_access")).toBe(true);
    expect(await elsewhere.call(layout.loader, "/accueil")).toRedirectTo("/connexion");
    expect(elsewhere.cookies.has("pf_session")).toBe(false);
    expect((await new Browser().call(login.action, "/connexion", { email: "change@exemple.fr", password: "Second-mot-2" })).status).toBe(302);
  });
});

describe("Changer l'adresse mail", () => {
  it("refuses an address used by another account", async () => {
    const demo = await signedIn("demo@demo.fr", "demo-factures");
    await db.pg.query(`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
      values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'pris@exemple.fr', '', now(), now())`);
    const result = await demo.call(changeEmail.action, "/mes-informations/adresse-mail", { email: "Pris@Exemple.fr" });
    expect(result.status).toBe(400);
    expect(result.data).toMatchObject({ errors: { email: "Cette adresse mail est déjà celle d'un autre compte du portail. Choisissez une autre adresse." } });
  });

  it("round trip: link to the NEW address, login unchanged until followed, then the new address logs in and invoices stay linked", async () => {
    const demo = await signedIn("demo@demo.fr", "demo-factures");
    const sent = await demo.call(changeEmail.action, "/mes-informations/adresse-mail", { email: "demo.nouvelle@exemple.fr" });
    expect(sent.data).toMatchObject({ outcome: "sent" });
    const email = await lastEmailTo(db, "demo.nouvelle@exemple.fr");
    expect(email?.kind).toBe("auth_email_change");
    expect(await lastEmailTo(db, "demo@demo.fr").then((e) => e?.kind)).not.toBe("auth_email_change");

    // Not followed yet: the old address still logs in, the new one does not.
    expect((await new Browser().call(login.action, "/connexion", { email: "demo.nouvelle@exemple.fr", password: "demo-factures" })).status).toBe(401);
    expect((await new Browser().call(login.action, "/connexion", { email: "demo@demo.fr", password: "demo-factures" })).status).toBe(302);

    const followed = await followLink(demo, email!.path!);
    expect(followed).toRedirectTo("/mes-informations?courriel=modifie");
    const page = await demo.call(infos.loader, "/mes-informations?courriel=modifie");
    expect(page.data).toMatchObject({ email: "demo.nouvelle@exemple.fr", customers: [expect.objectContaining({ number: "SISTEC560" })] });

    expect((await new Browser().call(login.action, "/connexion", { email: "demo@demo.fr", password: "demo-factures" })).status).toBe(401);
    const fresh = await signedIn("demo.nouvelle@exemple.fr", "demo-factures");
    expect((await fresh.call(layout.loader, "/accueil")).data).toMatchObject({ frame: { displayName: "Test SISTEC560" } });
  });
});
