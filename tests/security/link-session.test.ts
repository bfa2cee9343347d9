import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as forgotten from "~/routes/mot-de-passe-oublie/route";
import * as login from "~/routes/connexion/route";
import * as newPassword from "~/routes/nouveau-mot-de-passe/route";
import * as layout from "~/routes/_espace.accueil/route";
import * as changePassword from "~/routes/_espace.mes-informations_.mot-de-passe/route";
import { LINK_SESSION_SECONDS, passwordLinkSession } from "~/.server/accounts";
import type { Database } from "~/.server/embedded/database";
import type { LinkSession, RequestAccounts } from "~/.server/ports/accounts";
import { Browser, followLink, lastEmailTo, startPortal } from "../support/route-harness";

/**
 * Only a session opened by an activation or recovery link, for a short while and once, may set
 * a password without the current one (/nouveau-mot-de-passe). A session opened by a password
 * login — a stolen cookie, an unattended browser — is sent to "Changer le mot de passe", which
 * asks for the current password.
 */
let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});

const CHANGE_PASSWORD = "/mes-informations/mot-de-passe?lien=expire";

async function resident(email: string, password: string) {
  await db.pg.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1,
       extensions.crypt($2, extensions.gen_salt('bf')), now(), now(), now())`,
    [email, password],
  );
}

async function loggedIn(email: string, password: string, ip: string) {
  const browser = new Browser();
  browser.ip = ip;
  const result = await browser.call(login.action, "/connexion", { email, password, redirectTo: "/accueil" });
  expect(result.status).toBe(302);
  return browser;
}

async function recoverySession(email: string, ip: string) {
  const asker = new Browser();
  asker.ip = ip;
  await asker.call(forgotten.action, "/mot-de-passe-oublie", { email });
  const mail = await lastEmailTo(db, email);
  const browser = new Browser();
  browser.ip = ip;
  const followed = await followLink(browser, mail!.path!);
  expect(followed).toRedirectTo("/nouveau-mot-de-passe");
  return browser;
}

describe("/nouveau-mot-de-passe needs a fresh link session", () => {
  it("a session opened by a password login cannot set a password there: sent to « Changer le mot de passe », password unchanged", async () => {
    await resident("vol@exemple.fr", "Mot-de-passe-1");
    const thief = await loggedIn("vol@exemple.fr", "Mot-de-passe-1", "203.0.113.61");
    expect(await thief.call(newPassword.loader, "/nouveau-mot-de-passe")).toRedirectTo(CHANGE_PASSWORD);
    const attempt = await thief.call(newPassword.action, "/nouveau-mot-de-passe", { password: "Pris-par-moi-2" });
    expect(attempt).toRedirectTo(CHANGE_PASSWORD);
    // The owner's password still works, the attacker's does not; the owner's other sessions live.
    expect((await new Browser().call(login.action, "/connexion", { email: "vol@exemple.fr", password: "Pris-par-moi-2" })).status).toBe(401);
    await loggedIn("vol@exemple.fr", "Mot-de-passe-1", "203.0.113.62");
    expect((await thief.call(layout.loader, "/accueil")).status).toBe(200);
  });

  it("a recovery link's session sets the password once; a second try goes to « Changer le mot de passe »", async () => {
    await resident("une-fois@exemple.fr", "Ancien-mot-1");
    const browser = await recoverySession("une-fois@exemple.fr", "203.0.113.63");
    expect((await browser.call(newPassword.loader, "/nouveau-mot-de-passe")).status).toBe(200);
    const first = await browser.call(newPassword.action, "/nouveau-mot-de-passe", { password: "Nouveau-mot-2" });
    expect(first).toRedirectTo("/nouveau-mot-de-passe?enregistre=1");
    const second = await browser.call(newPassword.action, "/nouveau-mot-de-passe", { password: "Troisieme-mot-3" });
    expect(second).toRedirectTo(CHANGE_PASSWORD);
    expect(await browser.call(newPassword.loader, "/nouveau-mot-de-passe")).toRedirectTo(CHANGE_PASSWORD);
    // Still signed in, as an ordinary session.
    expect((await browser.call(layout.loader, "/accueil")).status).toBe(200);
    expect((await new Browser().call(login.action, "/connexion", { email: "une-fois@exemple.fr", password: "Nouveau-mot-2" })).status).toBe(302);
  });

  it("a link session older than the allowed minutes is sent to « Changer le mot de passe »", async () => {
    await resident("tard@exemple.fr", "Ancien-mot-1");
    const browser = await recoverySession("tard@exemple.fr", "203.0.113.64");
    await db.pg.query(
      `update auth.sessions set created_at = now() - make_interval(secs => $2 + 1)
       where user_id = (select id from auth.users where email = $1)`,
      ["tard@exemple.fr", LINK_SESSION_SECONDS],
    );
    expect(await browser.call(newPassword.loader, "/nouveau-mot-de-passe")).toRedirectTo(CHANGE_PASSWORD);
    expect(await browser.call(newPassword.action, "/nouveau-mot-de-passe", { password: "Nouveau-mot-2" })).toRedirectTo(CHANGE_PASSWORD);
    // That page says why the current password is asked and how to get a new link.
    const explained = await browser.call(changePassword.loader, CHANGE_PASSWORD);
    expect(explained.data).toMatchObject({ fromLink: true });
  });
});

describe("passwordLinkSession (the shared rule)", () => {
  const withLink = (link: LinkSession | null) => ({ linkSession: async () => link }) as unknown as RequestAccounts;
  const now = new Date("2026-11-30T10:00:00Z");

  it("accepts an activation or recovery link opened within the allowed minutes", async () => {
    const openedAt = new Date(now.getTime() - (LINK_SESSION_SECONDS - 1) * 1000);
    await expect(passwordLinkSession(withLink({ type: "recovery", openedAt }), now)).resolves.toEqual({ type: "recovery", openedAt });
    await expect(passwordLinkSession(withLink({ type: "invite", openedAt }), now)).resolves.toEqual({ type: "invite", openedAt });
  });

  it("refuses no link, a stale link, and a clock that says the link comes from the future", async () => {
    await expect(passwordLinkSession(withLink(null), now)).resolves.toBeNull();
    const stale = new Date(now.getTime() - (LINK_SESSION_SECONDS + 1) * 1000);
    await expect(passwordLinkSession(withLink({ type: "recovery", openedAt: stale }), now)).resolves.toBeNull();
    const future = new Date(now.getTime() + 60_000);
    await expect(passwordLinkSession(withLink({ type: "invite", openedAt: future }), now)).resolves.toBeNull();
  });
});
