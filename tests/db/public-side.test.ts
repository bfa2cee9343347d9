/**
 * DataPort and AccountRulesPort are written once over Rpc (app/.server/data/public-side.ts); the
 * Supabase side is tested against MSW (tests/supabase/data-port.test.ts, account-rules.test.ts).
 * Here the same ports over the embedded Rpc, on a real PGlite database with its grants: what
 * PostgreSQL's JSON makes of each answer (rows, true, void, timestamptz, null) reaches the port
 * as PostgREST would hand it.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAccountRules, createDataPort } from "~/.server/data/public-side";
import type { Database } from "~/.server/embedded/database";
import { createEmbeddedRpc } from "~/.server/embedded/rpc";
import { SEED, testDatabase } from "../support/database";

let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db.close();
});

describe("DataPort over the embedded Rpc", () => {
  test("public reads as anon, the health check as the service role", async () => {
    const data = createDataPort({ anon: createEmbeddedRpc(db, { role: "anon" }), service: createEmbeddedRpc(db, { role: "service_role" }) });
    await expect(data.ping()).resolves.toBeUndefined();
    expect(await data.portalPublicInfo()).toEqual({ portalName: "Le Portail des Factures" });
    expect(await data.publicContactServices()).toContainEqual(expect.objectContaining({ serviceId: SEED.serviceId, acceptsMessages: true }));
  });

  test("the roles are the ones the functions are granted to: anon may not run the health check", async () => {
    const anon = createEmbeddedRpc(db, { role: "anon" });
    await expect(createDataPort({ anon, service: anon }).ping()).rejects.toThrow(/permission denied/);
  });
});

describe("AccountRulesPort over the embedded Rpc (service role)", () => {
  const rules = () => createAccountRules(createEmbeddedRpc(db, { role: "service_role" }));

  test("a status, null arguments (auth_mail_request), void (login_attempt_succeeded)", async () => {
    expect(await rules().activationStatus("personne@exemple.fr")).toBe("unknown_email");
    expect(await rules().activationStatus(SEED.demoEmail)).toBe("already_active");
    expect(await rules().authMailRequest(null, null)).toBeNull();
    await expect(rules().loginSucceeded("personne@exemple.fr", "203.0.113.9")).resolves.toBeUndefined();
  });

  test("timestamptz answers become dates: repeated failures end with a time to wait, which loginCheck repeats", async () => {
    let wait: Date | null = null;
    for (let i = 0; i < 10 && wait === null; i++) wait = await rules().loginFailed("bloque@exemple.fr", "203.0.113.10");
    expect(wait).toBeInstanceOf(Date);
    expect(Number.isNaN(wait!.getTime())).toBe(false);
    expect(await rules().loginCheck("bloque@exemple.fr", "203.0.113.10")).toEqual(wait);
  });

  test("the anon role may not call them", async () => {
    await expect(createAccountRules(createEmbeddedRpc(db, { role: "anon" })).activationStatus(SEED.demoEmail)).rejects.toThrow(/permission denied/);
  });
});
