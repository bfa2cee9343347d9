import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { outboxIdle } from "~/.server/outbox";
import * as accueil from "~/routes/_espace.accueil/route";
import * as factures from "~/routes/_espace.factures/route";
import * as closure from "~/routes/_espace.mes-informations_.fermer-mon-compte/route";
import * as activation from "~/routes/activation/route";
import * as login from "~/routes/connexion/route";
import * as newPassword from "~/routes/nouveau-mot-de-passe/route";
import { Browser, followLink, lastEmailTo, startPortal } from "../support/route-harness";
import { createOtherResident, loggedIn } from "../support/residents";

/**
 * « Fermer mon compte » on the embedded default, through the real loaders and actions
 * (docs/decisions/0032-account-closure.md): what the page says, the refusals (wrong password
 * under the login throttle, missing confirmation, payment in progress), and what a closure does:
 * every session ends, the Auth user and its rows are gone, customers, invoices and payments stay
 * and are unlinked, one confirmation e-mail in the outbox, cookies cleared, and the same address
 * can activate an account again and see its invoices.
 */
const PATH = "/mes-informations/fermer-mon-compte";

let db: Database;
beforeAll(async () => void ({ db } = await startPortal()));
afterAll(() => outboxIdle().then(() => db?.close()));

let residents = 0;
/** A resident of their own (a service, a customer record, an invoice), signed in from a browser of their own. */
async function resident() {
  const email = `fermeture${++residents}@exemple.fr`;
  const created = await createOtherResident(db, email, "mot-de-passe-fermeture");
  const browser = await loggedIn(email, created.password);
  browser.ip = `2001:db8:c105::${residents}`;
  return { ...created, browser };
}

const confirmed = (password: string) => ({ currentPassword: password, confirm: "on" });

async function one<T>(sql: string, params: unknown[]): Promise<T> {
  return (await db.pg.query<T>(sql, params)).rows[0]!;
}

async function userExists(userId: string): Promise<boolean> {
  return (await one<{ n: number }>("select count(*)::int as n from auth.users where id = $1", [userId])).n === 1;
}

async function closureEmails(email: string): Promise<number> {
  return (await one<{ n: number }>("select count(*)::int as n from portal.email_outbox where kind = 'account_closed' and to_address = $1", [email])).n;
}

describe("the seed's resident for the browser journey (e2e/account-closure.spec.ts)", () => {
  it("fermeture@demo.fr logs in with fermeture-factures and sees its two invoices", async () => {
    const browser = await loggedIn("fermeture@demo.fr", "fermeture-factures");
    expect(JSON.stringify((await browser.call(factures.loader, "/factures?onglet=non-reglees")).data)).toContain("2018-020-000401");
    expect(JSON.stringify((await browser.call(factures.loader, "/factures?onglet=reglees")).data)).toContain("2018-020-000402");
  });
});

describe("the page", () => {
  it("explains what closing does, asks the current password and a confirmation; a GET closes nothing", async () => {
    const r = await resident();
    const page = await r.browser.call(closure.loader, PATH);
    expect(page.status).toBe(200);
    const text = JSON.stringify(page.data);
    expect(text).toContain("Votre compte du portail est supprimé");
    expect(text).toContain("continue à vous envoyer vos factures, au format papier ou non");
    expect(text).toContain("Les paiements en ligne déjà faits restent enregistrés");
    expect(text).toContain("« J'active mon compte »");
    expect(text).toContain(r.email);
    expect(page.data.constraints).toMatchObject({ currentPassword: { required: true }, confirm: { required: true } });
    expect(await userExists(r.userId)).toBe(true);
  });

  it("sends a visitor to the login page", async () => {
    expect(await new Browser().call(closure.loader, PATH)).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(PATH)}`);
    expect(await new Browser().call(closure.action, PATH, confirmed("x"))).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(PATH)}`);
  });
});

describe("refusals: nothing is closed", () => {
  it("without the confirmation: 400, the French error on the checkbox", async () => {
    const r = await resident();
    const result = await r.browser.call(closure.action, PATH, { currentPassword: r.password });
    expect(result.status).toBe(400);
    expect(result.data).toMatchObject({ errors: { confirm: "Cochez la case pour confirmer que vous voulez fermer définitivement votre compte." } });
    expect(JSON.stringify(result.data)).not.toContain(r.password);
    expect(await userExists(r.userId)).toBe(true);
  });

  it("a wrong password: 400, the French error on the field, the password not echoed", async () => {
    const r = await resident();
    const result = await r.browser.call(closure.action, PATH, confirmed("pas-le-bon"));
    expect(result.status).toBe(400);
    expect(result.data).toMatchObject({ errors: { currentPassword: expect.stringMatching(/^Ce n'est pas votre mot de passe actuel/) } });
    expect(JSON.stringify(result.data)).not.toContain("pas-le-bon");
    expect(await userExists(r.userId)).toBe(true);
    expect((await r.browser.call(accueil.loader, "/accueil")).status).toBe(200);
  });

  it("wrong passwords are throttled like logins: from the 5th, 429, and even the right one waits", async () => {
    const r = await resident();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await r.browser.call(closure.action, PATH, confirmed(`faux-${i}`))).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    const held = await r.browser.call(closure.action, PATH, confirmed(r.password));
    expect(held.status).toBe(429);
    expect(held.data).toMatchObject({ errors: { currentPassword: expect.stringMatching(/^Trop de tentatives .* réessayez à partir d[eu] .* Votre compte n'a pas été fermé\.$/) } });
    expect(await userExists(r.userId)).toBe(true);
    // The same rules as the login form: the failures were counted on this address from this client.
    const { n } = await one<{ n: number }>("select failures as n from portal.login_throttle where key = $1", [`pair:${r.browser.ip} ${r.email}`]);
    expect(n).toBe(5);
  });

  it("a payment waiting for its outcome: 409 with a French message; closing works once it has one", async () => {
    const r = await resident();
    const { id } = await one<{ id: string }>(
      `insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie)
       select s.id, $2, 'FERMETUREPENDING1', 5000, s.payment_provider, s.numcli, s.saisie from portal.services s where s.id = $1
       returning id`,
      [r.service_id, r.userId],
    );
    await db.pg.query("insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents) values ($1, $2, 5000)", [id, r.invoice_id]);
    const refused = await r.browser.call(closure.action, PATH, confirmed(r.password));
    expect(refused.status).toBe(409);
    expect(refused.data).toMatchObject({ formError: expect.stringContaining("un paiement en ligne est en cours pour votre compte. Attendez son résultat") });
    expect(await userExists(r.userId)).toBe(true);

    // Abandoned within its window: DGFiP may still take it.
    await db.pg.query("update portal.payment_attempts set status = 'abandoned', expires_at = now() + interval '10 minutes' where id = $1", [id]);
    expect((await r.browser.call(closure.action, PATH, confirmed(r.password))).status).toBe(409);

    await db.pg.query("update portal.payment_attempts set status = 'refused' where id = $1", [id]);
    expect(await r.browser.call(closure.action, PATH, confirmed(r.password))).toRedirectTo("/connexion?compte=ferme");
    const kept = await one<{ account_id: string | null; status: string }>("select account_id, status::text as status from portal.payment_attempts where id = $1", [id]);
    expect(kept).toEqual({ account_id: null, status: "refused" });
  });

  it("malformed or huge input: a French 400, never a 5xx", async () => {
    const r = await resident();
    const forms: Record<string, string>[] = [
      {},
      { currentPassword: "", confirm: "on" },
      { currentPassword: "x".repeat(20_000), confirm: "on" },
      { currentPassword: r.password, confirm: "oui" },
      { currentPassword: r.password, confirm: "x".repeat(5000) },
      { currentPassword: "é€😀\u200b", confirm: "on" },
    ];
    for (const form of forms) {
      const result = await r.browser.call(closure.action, PATH, form);
      expect(result.status, JSON.stringify(form).slice(0, 80)).toBe(400);
    }
    expect(await userExists(r.userId)).toBe(true);
  });
});

describe("closing the account", () => {
  it("ends every session, deletes the Auth user, unlinks and keeps the records, mails once, clears the cookies", async () => {
    const r = await resident();
    const otherDevice = await loggedIn(r.email, r.password);
    const { id: paidId } = await one<{ id: string }>(
      `insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status)
       select s.id, $2, 'FERMETUREPAID0001', 5000, s.payment_provider, s.numcli, s.saisie, 'paid' from portal.services s where s.id = $1
       returning id`,
      [r.service_id, r.userId],
    );
    expect((await one<{ n: number }>("select count(*)::int as n from auth.sessions where user_id = $1", [r.userId])).n).toBe(2);

    const closed = await r.browser.call(closure.action, PATH, confirmed(r.password));
    expect(closed).toRedirectTo("/connexion?compte=ferme");
    expect(closed).toClearSessionCookie();
    expect(closed).toClearSessionCookie("pf_access");
    expect(r.browser.cookies.size).toBe(0);

    // Auth: the user and everything of it.
    expect(await userExists(r.userId)).toBe(false);
    for (const table of ["auth.sessions", "auth.identities", "auth.one_time_tokens"]) {
      expect((await one<{ n: number }>(`select count(*)::int as n from ${table} where user_id = $1`, [r.userId])).n, table).toBe(0);
    }
    // The service's records stay, unlinked.
    expect(await one("select account_id from portal.customers where id = $1", [r.customer_id])).toEqual({ account_id: null });
    expect(await one("select status::text as status from portal.invoices where id = $1", [r.invoice_id])).toEqual({ status: "unpaid" });
    expect(await one("select account_id, status::text as status from portal.payment_attempts where id = $1", [paidId])).toEqual({ account_id: null, status: "paid" });
    // One confirmation e-mail, in French, through the outbox.
    expect(await closureEmails(r.email)).toBe(1);
    const mail = await lastEmailTo(db, r.email);
    expect(mail?.subject).toBe("Portail des factures : votre compte a été fermé");
    expect(mail?.text_body).toContain("Vos abonnements et vos factures restent gérés par votre service");
    expect(mail?.text_body).toContain("« J'active mon compte »");

    // The other device is signed out at its next page; the old password no longer logs in.
    expect(await otherDevice.call(accueil.loader, "/accueil")).toRedirectTo("/connexion");
    expect((await new Browser().call(login.action, "/connexion", { email: r.email, password: r.password })).status).toBe(401);
    // The login page says what happened.
    const page = await new Browser().call(login.loader, "/connexion?compte=ferme");
    expect(page.data).toMatchObject({ closed: expect.stringMatching(/^Votre compte a été fermé\. Un message de confirmation a été envoyé/) });
    expect((await new Browser().call(login.loader, "/connexion")).data).toMatchObject({ closed: null });
  });

  it("a replayed form after the closure changes nothing and sends no second e-mail", async () => {
    const r = await resident();
    const cookies = r.browser.cookieHeader();
    expect(await r.browser.call(closure.action, PATH, confirmed(r.password))).toRedirectTo("/connexion?compte=ferme");
    const replay = new Browser();
    for (const part of cookies.split("; ")) {
      const [name, ...value] = part.split("=");
      replay.cookies.set(name!, { value: value.join("="), maxAge: null });
    }
    const again = await replay.call(closure.action, PATH, confirmed(r.password));
    expect(again.status).toBe(302);
    expect(again.location).toMatch(/^\/connexion/);
    expect(await closureEmails(r.email)).toBe(1);
  });

  it("the same address activates an account again, logs in and sees its invoices again", async () => {
    const r = await resident();
    expect(await r.browser.call(closure.action, PATH, confirmed(r.password))).toRedirectTo("/connexion?compte=ferme");

    const browser = new Browser();
    browser.ip = "2001:db8:c105::ffff";
    expect((await browser.call(activation.action, "/activation", { email: r.email })).data).toMatchObject({ outcome: "sent" });
    const invite = await lastEmailTo(db, r.email);
    expect(invite?.kind).toBe("auth_invite");
    expect(await followLink(browser, invite!.path!)).toRedirectTo("/nouveau-mot-de-passe");
    expect(await browser.call(newPassword.action, "/nouveau-mot-de-passe", { password: "Nouveau-depart-2026" })).toRedirectTo("/nouveau-mot-de-passe?enregistre=1");

    const back = await loggedIn(r.email, "Nouveau-depart-2026");
    const list = await back.call(factures.loader, "/factures");
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.data)).toContain("2024-099-000001");
    const { account_id } = await one<{ account_id: string }>("select account_id from portal.customers where id = $1", [r.customer_id]);
    expect(account_id).not.toBeNull();
    expect(account_id).not.toBe(r.userId);
  });
});
