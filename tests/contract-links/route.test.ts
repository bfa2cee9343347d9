import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { outboxIdle } from "~/.server/outbox";
import { REFUSED } from "~/.server/contract-link-form";
import * as accueil from "~/routes/_espace.accueil/route";
import * as factures from "~/routes/_espace.factures/route";
import * as infos from "~/routes/_espace.mes-informations/route";
import * as rattacher from "~/routes/_espace.mes-informations_.rattacher-un-contrat/route";
import * as deconnexion from "~/routes/deconnexion/route";
import { wrapHandler } from "../../server/security.js";
import { SEED } from "../support/database";
import { ORIGIN, startPortal, type Browser } from "../support/route-harness";
import { loggedIn } from "../support/residents";
import { createAccount, createContract, linkMails, type Contract } from "./world";

/**
 * /mes-informations/rattacher-un-contrat on the embedded backend (real loader and action, real
 * PGlite with RLS): the form's French errors, the success and the invoices in Mes factures and on
 * the home page, the refusals, a cross-origin POST refused before the action, and a replayed POST
 * (docs/decisions/0040-contract-links.md).
 */
const PATH = "/mes-informations/rattacher-un-contrat";
const PASSWORD = "mot-de-passe-rattachement";

const portal: { db?: Database } = {};
beforeAll(async () => Object.assign(portal, await startPortal()));
afterAll(() => outboxIdle().then(() => portal.db?.close()));

let count = 0;
async function resident(): Promise<Browser> {
  count += 1;
  const email = `rattache-route${count}@exemple.fr`;
  await createAccount(portal.db!, email);
  return loggedIn(email, PASSWORD);
}

const form = (c: Contract, amount = (c.amountCents / 100).toFixed(2).replace(".", ",")) => ({
  serviceId: SEED.serviceId,
  customerNumber: c.customerNumber,
  invoiceNumber: c.invoiceNumber,
  amount,
});

describe("the page", () => {
  it("is reached from Mes informations and offers every service of the portal", async () => {
    const browser = await resident();
    const page = await browser.call(rattacher.loader, PATH);
    expect(page.status).toBe(200);
    expect(page.data.services.map((s) => s.serviceId)).toContain(SEED.serviceId);
    expect(page.data.constraints).toMatchObject({ serviceId: { required: true }, customerNumber: { required: true, maxLength: 50 }, amount: { required: true } });
    expect((await browser.call(infos.loader, "/mes-informations")).status).toBe(200);
  });

  it("an anonymous visitor is sent to the login page", async () => {
    const { Browser } = await import("../support/route-harness");
    expect(await new Browser().call(rattacher.loader, PATH)).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(PATH)}`);
  });
});

describe("linking", () => {
  it("links with the amount in euros with a comma or a dot; the invoice shows in Mes factures and on the home page", async () => {
    const browser = await resident();
    const contract = await createContract(portal.db!, { amountCents: 4327 });
    const done = await browser.call(rattacher.action, PATH, form(contract, "43.27"));
    expect(done).toRedirectTo(`${PATH}?rattache=1`);
    const list = await browser.call(factures.loader, "/factures");
    expect(JSON.stringify(list.data)).toContain(contract.invoiceNumber);
    const home = await browser.call(accueil.loader, "/accueil");
    expect(home.data).toMatchObject({ due: { summary: { count: "1 facture à régler", total: expect.stringMatching(/^43,27\s€$/) } } });
    expect(await linkMails(portal.db!, contract.email!)).toHaveLength(1);
  });

  it("a wrong amount or number: the one French refusal (400), the values kept", async () => {
    const browser = await resident();
    const contract = await createContract(portal.db!);
    for (const fields of [form(contract, "123,46"), { ...form(contract), invoiceNumber: "0000" }, { ...form(contract), customerNumber: "INCONNU" }]) {
      const answer = await browser.call(rattacher.action, PATH, fields);
      expect(answer.status).toBe(400);
      expect(answer.data).toMatchObject({ formError: REFUSED, values: { customerNumber: fields.customerNumber } });
    }
  });

  it("malformed amounts are field errors in French, before SQL", async () => {
    const browser = await resident();
    const contract = await createContract(portal.db!);
    for (const amount of ["1e9", "-5", "12,345", "NaN", "", "1 2 3,4,5", "9999999999,00"]) {
      const answer = await browser.call(rattacher.action, PATH, form(contract, amount));
      expect(answer.status, amount).toBe(400);
      expect((answer.data as { errors: { amount?: string } }).errors.amount, amount).toMatch(/montant de la facture en euros/);
    }
    const missing = await browser.call(rattacher.action, PATH, { amount: "1,00" });
    expect(missing.data).toMatchObject({
      errors: {
        serviceId: "Choisissez dans la liste le service qui vous envoie les factures de ce contrat.",
        customerNumber: "Indiquez le numéro client, tel qu'il figure sur la facture.",
      },
    });
  });

  it("throttled: 429 with the date and time to retry", async () => {
    const browser = await resident();
    const contract = await createContract(portal.db!);
    for (let i = 0; i < 5; i += 1) await browser.call(rattacher.action, PATH, form(contract, "0,01"));
    const held = await browser.call(rattacher.action, PATH, form(contract));
    expect(held.status).toBe(429);
    expect((held.data as { formError: string }).formError).toMatch(/^Trop d'essais sans succès : par sécurité, le rattachement est bloqué jusqu'au \d{1,2} \S+ \d{4} à \d{2}:\d{2} \(heure de Paris\)\./);
  });

  it("a contract of another account: 409, contact the service, whose account is not said", async () => {
    const first = await resident();
    const second = await resident();
    const contract = await createContract(portal.db!);
    await first.call(rattacher.action, PATH, form(contract));
    const answer = await second.call(rattacher.action, PATH, form(contract));
    expect(answer.status).toBe(409);
    expect((answer.data as { formError: string }).formError).toContain("déjà rattaché à un autre compte du portail");
    expect(JSON.stringify(answer.data)).not.toContain("rattache-route");
  });
});

/** The portal's server as the browser reaches it: the security wrapper, then the route's action. */
const served = wrapHandler(
  async (request: Request) => {
    try {
      const result = (await rattacher.action({ request, params: {}, context: {} })) as unknown as { data: unknown; init: ResponseInit | null };
      return new Response(JSON.stringify(result.data), { status: result.init?.status ?? 200 });
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  },
  { siteUrl: ORIGIN },
);

function post(browser: Browser, origin: string | null, fields: Record<string, string>, cookie = browser.cookieHeader()): Promise<Response> {
  const headers = new Headers({ cookie, "x-client-ip": browser.ip, "content-type": "application/x-www-form-urlencoded" });
  if (origin !== null) headers.set("origin", origin);
  return served(new Request(`${ORIGIN}${PATH}`, { method: "POST", headers, body: new URLSearchParams(fields).toString() }));
}

const linkedTo = async (c: Contract) =>
  (await portal.db!.pg.query<{ n: number }>("select count(*)::int as n from portal.contract_links where customer_id = $1", [c.customerId])).rows[0]!.n;

describe("attacks", () => {
  it("a cross-origin POST (or one without Origin) is refused with 403 before the action: nothing linked, nothing counted", async () => {
    const browser = await resident();
    const contract = await createContract(portal.db!);
    for (const origin of ["https://evil.example", "null", null]) expect((await post(browser, origin, form(contract))).status, String(origin)).toBe(403);
    expect(await linkedTo(contract)).toBe(0);
    const own = await post(browser, ORIGIN, form(contract));
    expect(own.status).toBe(302);
    expect(await linkedTo(contract)).toBe(1);
  });

  it("a replayed POST links once and sends one e-mail; replayed after logout it reaches nothing", async () => {
    const browser = await resident();
    const contract = await createContract(portal.db!);
    const cookie = browser.cookieHeader();
    expect((await post(browser, ORIGIN, form(contract), cookie)).status).toBe(302);
    const again = await post(browser, ORIGIN, form(contract), cookie);
    expect(again.status).toBe(409);
    expect(await linkedTo(contract)).toBe(1);
    expect(await linkMails(portal.db!, contract.email!)).toHaveLength(1);
    // After logout, the captured cookie is worth nothing: back to the login page, nothing written.
    await browser.call(deconnexion.action, "/deconnexion", {});
    const other = await createContract(portal.db!);
    const replay = await post(browser, ORIGIN, form(other), cookie);
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toMatch(/^\/connexion/);
    expect(await linkedTo(other)).toBe(0);
  });
});
