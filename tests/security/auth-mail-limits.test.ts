import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as activation from "~/routes/activation/route";
import * as forgotten from "~/routes/mot-de-passe-oublie/route";
import { useBackend } from "~/.server/backend";
import { createEmbeddedBackendFor } from "~/.server/embedded/backend";
import type { Database } from "~/.server/embedded/database";
import { parseEnv } from "~/.server/env";
import type { Backend } from "~/.server/ports/backend";
import { Browser, ORIGIN, startPortal, type Outcome } from "../support/route-harness";

/**
 * Activation and recovery e-mails are limited per address (3 e-mails an hour) and per client
 * (20 requests an hour, both pages together), with the state in SQL and a French message saying
 * when to retry (docs/decisions/0011-auth-throttling.md).
 */
let db: Database;
let backend: Backend;
beforeAll(async () => {
  ({ db, backend } = await startPortal());
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  useBackend(backend);
  // Each test starts with no count (written so that it also runs, and fails, before the migration).
  await db.pg.query("do $$ begin if to_regclass('portal.auth_mail_throttle') is not null then delete from portal.auth_mail_throttle; end if; end $$");
});

const THROTTLED = /^Trop de demandes d'envoi de message\. Par sécurité, réessayez à partir (?:de|du \d\d\/\d\d\/\d{4} à) \d\d h \d\d\. /;
const UNAVAILABLE = "Le message n'a pas pu être envoyé pour le moment. Réessayez dans une heure ; si le problème continue, contactez le service.";

let clients = 0;
/** A browser from a client address of its own. */
function client(): Browser {
  const browser = new Browser();
  browser.ip = `203.0.113.${++clients}`;
  return browser;
}

const activate = (email: string, browser = client()) => browser.call(activation.action, "/activation", { email });
const recover = (email: string, browser = client()) => browser.call(forgotten.action, "/mot-de-passe-oublie", { email });
const message = (outcome: Outcome) => (outcome.data as { message: string | null }).message;

async function emailsTo(address: string): Promise<number> {
  const { rows } = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.email_outbox where to_address = $1", [address]);
  return rows[0]!.n;
}

/** A customer record with this e-mail (eligible for activation), and optionally an active account. */
async function customer(email: string, withPassword = false) {
  await db.asService((tx) =>
    tx.query(
      `insert into portal.customers (service_id, customer_number, display_name, email)
       select id, $1, 'Client de test', $2 from portal.services order by numcli limit 1`,
      [`T-${email}`, email],
    ),
  );
  if (withPassword) {
    await db.pg.query(
      `update auth.users set encrypted_password = extensions.crypt('Mot-de-passe-1', extensions.gen_salt('bf', 4)) where email = $1`,
      [email],
    );
    const { rowCount } = await db.pg.query("select 1 from auth.users where email = $1", [email]);
    if (!rowCount) {
      await db.pg.query(
        `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, created_at, updated_at)
         values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1,
           extensions.crypt('Mot-de-passe-1', extensions.gen_salt('bf', 4)), now(), now(), now())`,
        [email],
      );
    }
  }
}

describe("no mailbox flooding: 3 e-mails per address and per hour", () => {
  it("ten requests to /mot-de-passe-oublie for one address, from ten clients, send 3 e-mails; then 429 with when to retry", async () => {
    await customer("active1@exemple.fr", true);
    const results: Outcome[] = [];
    for (let i = 0; i < 10; i++) results.push(await recover("active1@exemple.fr"));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    expect(await emailsTo("active1@exemple.fr")).toBe(3);
    expect(message(results[3]!)).toMatch(THROTTLED);
    expect(results[3]!.data).toMatchObject({ sent: false });
  });

  it("ten requests to /activation for one address send 3 e-mails; then 429 with when to retry", async () => {
    await customer("eligible1@exemple.fr");
    const browser = client();
    const results: Outcome[] = [];
    for (let i = 0; i < 10; i++) results.push(await activate("eligible1@exemple.fr", browser));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    expect(results.slice(0, 3).map((r) => (r.data as { outcome: string }).outcome)).toEqual(["sent", "sent", "sent"]);
    expect(results[3]!.data).toMatchObject({ outcome: "throttled" });
    expect(message(results[3]!)).toMatch(THROTTLED);
    expect(await emailsTo("eligible1@exemple.fr")).toBe(3);
  });

  it("activation and recovery share the address's limit", async () => {
    await customer("partage@exemple.fr");
    expect((await activate("partage@exemple.fr")).status).toBe(200);
    expect((await activate("partage@exemple.fr")).status).toBe(200);
    expect((await recover("partage@exemple.fr")).status).toBe(200);
    expect((await recover("partage@exemple.fr")).status).toBe(429);
    expect((await activate("partage@exemple.fr")).status).toBe(429);
    expect(await emailsTo("partage@exemple.fr")).toBe(3);
  });

  it("the limit is in SQL: a restarted server still refuses, and accepts again once the hour has passed", async () => {
    await customer("redemarrage@exemple.fr");
    for (let i = 0; i < 3; i++) await activate("redemarrage@exemple.fr");
    useBackend(createEmbeddedBackendFor(db, parseEnv({ NODE_ENV: "test", SITE_URL: ORIGIN })));
    const refused = await activate("redemarrage@exemple.fr");
    expect(refused.status).toBe(429);

    await db.pg.query(
      "update portal.auth_mail_throttle set requested_at = array(select r - interval '61 minutes' from unnest(requested_at) r)",
    );
    const again = await activate("redemarrage@exemple.fr");
    expect(again.status).toBe(200);
    expect(again.data).toMatchObject({ outcome: "sent" });
  });
});

describe("e-mails that were wanted do not count", () => {
  it("a password set on the address's account (the end of a link) starts the address's count again", async () => {
    await customer("voulu@exemple.fr");
    for (let i = 0; i < 3; i++) expect((await activate("voulu@exemple.fr")).status).toBe(200);
    expect((await recover("voulu@exemple.fr")).status).toBe(429);
    // What the new-password screen does at the end of the link (both adapters write auth.users).
    await db.pg.query(
      "update auth.users set encrypted_password = extensions.crypt('Choisi-2026', extensions.gen_salt('bf', 4)) where email = 'voulu@exemple.fr'",
    );
    expect((await recover("voulu@exemple.fr")).status).toBe(200);
    expect(await emailsTo("voulu@exemple.fr")).toBe(4);
  });

  it("anything else leaves the count as it is (an e-mail change, another account's password)", async () => {
    await customer("pas-voulu@exemple.fr");
    for (let i = 0; i < 3; i++) await activate("pas-voulu@exemple.fr");
    await db.pg.query("update auth.users set updated_at = now(), encrypted_password = encrypted_password where email = 'pas-voulu@exemple.fr'");
    await db.pg.query("update auth.users set encrypted_password = extensions.crypt('Autre-2026', extensions.gen_salt('bf', 4)) where email = 'demo@demo.fr'");
    expect((await activate("pas-voulu@exemple.fr")).status).toBe(429);
  });
});

describe("/mot-de-passe-oublie's limit says nothing about the address", () => {
  it("the same answer at the same request for an active account, a never-activated customer and an unknown address", async () => {
    await customer("connu@exemple.fr", true);
    await customer("jamais@exemple.fr");
    const answers: Outcome[][] = [];
    for (const address of ["connu@exemple.fr", "jamais@exemple.fr", "inconnu@exemple.fr"]) {
      const row: Outcome[] = [];
      for (let i = 0; i < 4; i++) row.push(await recover(address));
      answers.push(row);
    }
    const shape = (o: Outcome) => ({
      status: o.status,
      keys: Object.keys(o.data as object).sort(),
      sent: (o.data as { sent: boolean }).sent,
      message: message(o)?.replace(/\d\d h \d\d/, "HH h MM") ?? null,
    });
    for (let i = 0; i < 4; i++) {
      expect(shape(answers[1]![i]!)).toEqual(shape(answers[0]![i]!));
      expect(shape(answers[2]![i]!)).toEqual(shape(answers[0]![i]!));
    }
    expect(answers[2]!.map((o) => o.status)).toEqual([200, 200, 200, 429]);
    expect(await emailsTo("inconnu@exemple.fr")).toBe(0);
  });
});

describe("no enumeration without limit: 20 requests per client and per hour", () => {
  it("/activation's three answers stop after 20 requests from one client; other clients are still answered", async () => {
    const browser = client();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const result = await activate(`inconnu${i}@exemple.fr`, browser);
      statuses.push(result.status);
      expect(result.data).toMatchObject({ outcome: "unknown_email" });
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    const refused = await activate("demo@demo.fr", browser);
    expect(refused.status).toBe(429);
    expect(refused.data).toMatchObject({ outcome: "throttled" });
    expect(message(refused)).toMatch(THROTTLED);
    expect(await activate("demo@demo.fr")).toMatchObject({ status: 200, data: { outcome: "already_active" } });
  });

  it("/activation and /mot-de-passe-oublie count together per client", async () => {
    const browser = client();
    for (let i = 0; i < 10; i++) await activate(`autre${i}@exemple.fr`, browser);
    for (let i = 0; i < 10; i++) expect((await recover(`autre${i}@exemple.fr`, browser)).status).toBe(200);
    expect((await recover("encore@exemple.fr", browser)).status).toBe(429);
    expect((await activate("encore@exemple.fr", browser)).status).toBe(429);
  });

  it("the limit function is the server's only", async () => {
    const sql = "select public.auth_mail_request('demo@demo.fr', '192.0.2.1')";
    await expect(db.asAnon((tx) => tx.query(sql))).rejects.toThrow(/permission denied/);
    await expect(db.asUser("d0000000-0000-4000-8000-000000000001", "demo@demo.fr", (tx) => tx.query(sql))).rejects.toThrow(/permission denied/);
  });
});

describe("when Auth cannot send the e-mail for now", () => {
  /** The embedded backend whose account e-mails are refused, as Supabase Auth does when its budget is spent. */
  function mailUnavailable() {
    useBackend({
      ...backend,
      accounts: {
        forRequest(request) {
          const accounts = backend.accounts.forRequest(request);
          return {
            ...accounts,
            sendActivationLink: async () => "mail_unavailable" as const,
            sendRecoveryLink: async () => "mail_unavailable" as const,
          };
        },
      },
    });
  }

  it("/activation says so in French, status 503", async () => {
    await customer("panne1@exemple.fr");
    mailUnavailable();
    const result = await activate("panne1@exemple.fr");
    expect(result.status).toBe(503);
    expect(result.data).toMatchObject({ outcome: "mail_unavailable", message: UNAVAILABLE });
  });

  it("/mot-de-passe-oublie says so (503) when an e-mail was really attempted, for an active or a never-activated address", async () => {
    await customer("panne2@exemple.fr", true);
    await customer("panne3@exemple.fr");
    mailUnavailable();
    for (const address of ["panne2@exemple.fr", "panne3@exemple.fr"]) {
      const result = await recover(address);
      expect(result.status).toBe(503);
      expect(result.data).toMatchObject({ sent: false, message: UNAVAILABLE });
    }
  });

  it("/mot-de-passe-oublie gives the usual answer for an unknown address (nothing was attempted)", async () => {
    mailUnavailable();
    const result = await recover("personne-panne@exemple.fr");
    expect(result.status).toBe(200);
    expect(result.data).toMatchObject({ sent: true, message: null });
  });
});
