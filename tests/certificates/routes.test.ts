import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as download from "~/routes/attestations.$abonne.$fichier/route";
import * as page from "~/routes/_espace.attestations/route";
import { Browser, startPortal } from "../support/route-harness";
import { DEMO, loggedIn } from "../support/residents";
import { readBack } from "../pdf/read-back";
import { SEED } from "../support/database";
import { createCertificateWorld, DEMO_NUMBER, OTHER_MARKER } from "./world";

/**
 * « Attestations de paiement » through its routes on the embedded backend: the page /attestations
 * and the download /attestations/<customer record's id>/<year>.pdf (owner only, same 404 for every
 * refusal, the same bytes for the same request).
 */
const DEMO_RECORD = SEED.demoCustomerId;
let db: Database;
let world: Awaited<ReturnType<typeof createCertificateWorld>>;
beforeAll(async () => {
  ({ db } = await startPortal());
  world = await createCertificateWorld(db);
});
afterAll(() => db?.close());

/** Calls the download loader as the server does; the Response it returned or threw. */
async function get(browser: Browser, abonne: string, fichier: string): Promise<Response> {
  const path = `/attestations/${encodeURIComponent(abonne)}/${fichier}`;
  try {
    return (await download.loader({ request: browser.request(path), params: { abonne, fichier }, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function otherResident(): Promise<Browser> {
  await db.pg.query("update auth.users set encrypted_password = extensions.crypt('mot-de-passe-autre', extensions.gen_salt('bf')) where id = $1", [world.other.userId]);
  return loggedIn(world.other.email, "mot-de-passe-autre");
}

describe("/attestations", () => {
  it("lists each record of the account with a link per year of payment, newest first", async () => {
    const outcome = await (await loggedIn(DEMO.email, DEMO.password)).call(page.loader, "/attestations");
    // The frame names both records of the account.
    expect([outcome.status, outcome.data.frame.displayName]).toEqual([200, "Test SISTEC560 Eau, Test SISTEC560"]);
    expect(outcome.data.customers.map((c) => [c.serviceName, c.customerNumber, c.years.map((y) => y.href)])).toEqual([
      ["Régie des eaux de démonstration", DEMO_NUMBER, [`/attestations/${world.waterCustomer}/2017.pdf`]],
      ["Service Multi Services de démonstration", DEMO_NUMBER, [2019, 2018, 2017].map((year) => `/attestations/${DEMO_RECORD}/${year}.pdf`)],
    ]);
    expect(outcome.data.texts.none).toBe("Aucune attestation disponible");
  });

  it("a resident without any dated payment gets their records with no year", async () => {
    const browser = await loggedIn("paiement@demo.fr", "paiement-factures");
    const outcome = await browser.call(page.loader, "/attestations");
    expect(outcome.data.customers.map((c) => c.customerNumber).sort()).toEqual(["PAIE0001", "PAIE0002", "PAIE0003"]);
    expect(outcome.data.customers.every((c) => c.years.length === 0)).toBe(true);
  });

  it("sends a visitor to the login page, which comes back here", async () => {
    expect(await new Browser().call(page.loader, "/attestations")).toRedirectTo("/connexion?redirectTo=%2Fattestations");
  });
});

describe("/attestations/<customer id>/<year>.pdf", () => {
  it("gives its owner the PDF of that record and year, as an attachment named after them, never cached", async () => {
    const response = await get(await loggedIn(DEMO.email, DEMO.password), DEMO_RECORD, "2017.pdf");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="attestation-service-multi-services-de-demonstration-SISTEC560-2017.pdf"');
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(response.headers.get("content-length")).toBe(String(bytes.byteLength));
    const text = (await readBack(bytes)).items.map((i) => i.text).join("\n");
    expect(text).toContain("2017-020-000731");
    expect(text).toContain("2017-020-001512");
    for (const absent of ["CERT-EAU-2017", "CERT-2018-NOUVEL-AN", "CERT-2019", "CERT-SANS-DATE", OTHER_MARKER]) expect(text).not.toContain(absent);
  });

  it("gives the same bytes to the same request, in another session too", async () => {
    const first = new Uint8Array(await (await get(await loggedIn(DEMO.email, DEMO.password), DEMO_RECORD, "2019.pdf")).arrayBuffer());
    const second = new Uint8Array(await (await get(await loggedIn(DEMO.email, DEMO.password), DEMO_RECORD, "2019.pdf")).arrayBuffer());
    expect(first.byteLength).toBeGreaterThan(1000);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it("answers the same 404, without a file, to another resident's record, a year without payment and malformed parameters", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const refusals: [string, string][] = [
      [world.other.customer_id, "2017.pdf"],
      [SEED.nouveauCustomerId, "2017.pdf"],
      [DEMO_RECORD, "2016.pdf"],
      [world.waterCustomer, "2019.pdf"],
      [DEMO_RECORD, "2017"],
      [DEMO_RECORD, "17.pdf"],
      [DEMO_RECORD, "1917.pdf"],
      [DEMO_RECORD, "2017.pdf.exe"],
      [DEMO_NUMBER, "2017.pdf"],
      ["c0000000-0000-4000-8000-0000000009ff", "2017.pdf"],
    ];
    for (const [abonne, fichier] of refusals) {
      const response = await get(demo, abonne, fichier);
      expect(response.status, `${abonne}/${fichier}`).toBe(404);
      expect(response.headers.get("content-disposition")).toBeNull();
      expect(await response.text()).toContain("<h1>Attestation introuvable</h1>");
    }
    // The other resident gets their own, not the demo resident's.
    const other = await otherResident();
    expect((await get(other, world.other.customer_id, "2017.pdf")).status).toBe(200);
    expect((await get(other, DEMO_RECORD, "2017.pdf")).status).toBe(404);
  });

  it("sends a visitor to the login page, which comes back to the file", async () => {
    const response = await get(new Browser(), DEMO_RECORD, "2017.pdf");
    expect(response).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(`/attestations/${DEMO_RECORD}/2017.pdf`)}`);
  });
});
