import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as csvRoute from "~/routes/mes-donnees[.]csv/route";
import * as jsonRoute from "~/routes/mes-donnees[.]json/route";
import { startPortal } from "../support/route-harness";
import { SEED } from "../support/database";
import { loggedIn } from "../support/residents";
import { anonymousBrowser, describeProbe, expectAnswered, expectNoneOf, probe, residentMarkers, toLogin, withoutShared, type Handler } from "./matrix-helpers";

/**
 * « Télécharger mes données » (/mes-donnees.json, /mes-donnees.csv): a file holds its caller's
 * data and nobody else's, whatever the request names. Resident A is the seed's demo@demo.fr,
 * resident B the seed's paiement@demo.fr, who share a service (004200): only their customer
 * records differ. Each one's markers (invoice numbers, customer names and numbers, amounts in
 * cents as the files write them, e-mail) must never be in the other's file; a visitor, a forged
 * or an ended session get the login page and no file.
 */
const A = { email: "demo@demo.fr", password: "demo-factures", userId: SEED.demoUserId };
const B = { email: "paiement@demo.fr", password: "paiement-factures", userId: "d0000000-0000-4000-8000-000000000010" };

const DOWNLOADS: [string, Handler][] = [
  ["/mes-donnees.json", jsonRoute.loader as Handler],
  ["/mes-donnees.csv", csvRoute.loader as Handler],
];

let db: Database;
let markersA: string[];
let markersB: string[];

/** The markers of residentMarkers, plus each amount in cents as the JSON and the CSV write it. */
async function markers(userId: string, email: string): Promise<string[]> {
  const { rows } = await db.pg.query<{ c: number }>(
    "select i.amount_cents::int as c from portal.invoices i join portal.customers c on c.id = i.customer_id where c.account_id = $1",
    [userId],
  );
  return [...(await residentMarkers(db, userId, email)), ...rows.flatMap((r) => [`"montantCentimes": ${r.c},`, `;${r.c};`])];
}

/** Whether a file of `path` writes the marker in that form (the pages' "243,11 €" and "amountCents" are not the files'). */
function writtenIn(path: string, marker: string): boolean {
  if (marker.includes("€") || marker.startsWith('"amountCents"')) return false;
  return path.endsWith(".json") ? !marker.startsWith(";") : !marker.startsWith('"montantCentimes"');
}

beforeAll(async () => {
  ({ db } = await startPortal());
  const allA = await markers(A.userId, A.email);
  const allB = await markers(B.userId, B.email);
  markersA = withoutShared(allA, allB);
  markersB = withoutShared(allB, allA);
  expect(markersA.length).toBeGreaterThan(10);
  expect(markersB.length).toBeGreaterThan(10);
});
afterAll(() => db?.close());

describe("each resident's file holds their data and none of the other's", () => {
  for (const [path, handler] of DOWNLOADS) {
    it(`${path}: A's file, B's file`, async () => {
      const a = await probe(await loggedIn(A.email, A.password), handler, path, {}, "residentA");
      const b = await probe(await loggedIn(B.email, B.password), handler, path, {}, "residentB");
      for (const [p, own, other, whose] of [[a, markersA, markersB, "B"], [b, markersB, markersA, "A"]] as const) {
        expectAnswered(p);
        expect(p.status, describeProbe(p)).toBe(200);
        // Their own data is there (the refusal below is about who asks)…
        expect(own.filter((m) => writtenIn(path, m) && !p.body.includes(m)), `own markers missing in ${describeProbe(p)}`).toEqual([]);
        // …and nothing of the other resident.
        expectNoneOf(p, other, `resident ${whose}`);
      }
    });

    it(`${path}: naming the other account in the query or headers changes nothing`, async () => {
      const browser = await loggedIn(A.email, A.password);
      const plain = await probe(browser, handler, path, {}, "residentA");
      const tries = [
        `${path}?compte=${B.userId}`,
        `${path}?email=${encodeURIComponent(B.email)}`,
        `${path}?user_id=${B.userId}&account_id=${B.userId}`,
      ];
      for (const tried of tries) {
        const p = await probe(browser, handler, tried, { headers: { "x-user-id": B.userId, prefer: "params=single-object" } }, "residentA");
        expect(p.status, describeProbe(p)).toBe(200);
        expectNoneOf(p, markersB, "resident B");
        // The same file, but for the moment it was made.
        expect(p.body.replace(/"genereLe": "[^"]+"/, "")).toBe(plain.body.replace(/"genereLe": "[^"]+"/, ""));
      }
    });
  }
});

describe("no file without a live session", () => {
  for (const [path, handler] of DOWNLOADS) {
    it(`${path}: a visitor is sent to /connexion`, async () => {
      const p = await probe(anonymousBrowser(), handler, path, {}, "anonymous");
      toLogin(path)(p);
      expect(p.headers.get("content-disposition")).toBeNull();
      expectNoneOf(p, [...markersA, ...markersB], "a resident");
    });

    it(`${path}: forged cookies are a visitor`, async () => {
      const browser = anonymousBrowser();
      browser.cookies.set("pf_session", { value: "forged.session.value", maxAge: null });
      browser.cookies.set("pf_access", { value: `${B.userId}.forged`, maxAge: null });
      const p = await probe(browser, handler, path, {}, "forged");
      expectAnswered(p);
      expect(p.status, describeProbe(p)).toBe(302);
      expect(p.location ?? "", describeProbe(p)).toMatch(/^\/connexion/);
      expectNoneOf(p, [...markersA, ...markersB], "a resident");
    });

    it(`${path}: a session ended by a logout gets no file`, async () => {
      const browser = await loggedIn(B.email, B.password);
      const stale = new Map(browser.cookies);
      const { action } = await import("~/routes/deconnexion/route");
      expect((await browser.call(action, "/deconnexion", {})).status).toBe(302);
      browser.cookies = stale;
      const p = await probe(browser, handler, path, {}, "ended");
      expectAnswered(p);
      expect(p.status, describeProbe(p)).toBe(302);
      expect(p.location ?? "", describeProbe(p)).toMatch(/^\/connexion/);
      expectNoneOf(p, markersB, "resident B");
    });
  }
});
