import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as csvRoute from "~/routes/mes-donnees[.]csv/route";
import * as jsonRoute from "~/routes/mes-donnees[.]json/route";
import * as page from "~/routes/_espace.mes-informations_.mes-donnees/route";
import * as logout from "~/routes/deconnexion/route";
import { CSV_COLUMNS, CSV_SECTIONS, PERSONAL_DATA_FORMAT } from "~/.server/personal-data";
import { Browser, startPortal } from "../support/route-harness";
import { DEMO, loggedIn } from "../support/residents";
import { parseCsv } from "./csv-parse";
import { createPersonalDataWorld, DEMO_PAID, DEMO_TRICKY_MESSAGE, OTHER_MARKER, type PersonalDataWorld } from "./world";

/**
 * « Télécharger mes données » through its routes, on the embedded backend: the page
 * /mes-informations/mes-donnees and the downloads /mes-donnees.json and /mes-donnees.csv
 * (app/.server/personal-data.ts): headers, contents, the session's cookies, and the refusals.
 */
let db: Database;
let world: PersonalDataWorld;
beforeAll(async () => {
  ({ db } = await startPortal());
  world = await createPersonalDataWorld(db);
});
afterAll(() => db?.close());

/** Calls a download loader as the server does; the Response it returned or threw. */
async function download(browser: Browser, route: typeof jsonRoute | typeof csvRoute, path: string): Promise<Response> {
  try {
    return (await route.loader({ request: browser.request(path), params: {}, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** A 200 with the file as an attachment named for today, of its type, never cached nor sniffed. */
function expectAttachment(response: Response, ext: "json" | "csv", contentType: string) {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe(contentType);
  expect(response.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="mes-donnees-portail-\\d{4}-\\d{2}-\\d{2}\\.${ext}"$`));
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
}

describe("GET /mes-donnees.json", () => {
  it("answers the resident's own data as an attachment, never cached", async () => {
    const response = await download(await loggedIn(DEMO.email, DEMO.password), jsonRoute, "/mes-donnees.json");
    expectAttachment(response, "json", "application/json; charset=utf-8");
    const file = (await response.json()) as Record<string, unknown> & { compte: { adresseMail: string }; factures: unknown[]; paiementsEnLigne: { referenceDette: string }[] };
    expect(file).toMatchObject({ format: PERSONAL_DATA_FORMAT, version: 1 });
    expect(file.compte.adresseMail).toBe(DEMO.email);
    expect(file.factures).toHaveLength(6);
    expect(file.paiementsEnLigne.map((p) => p.referenceDette)).toContain(DEMO_PAID.refdet);
    expect(JSON.stringify(file)).not.toContain(OTHER_MARKER);
  });

  it("carries the session's headers (a refreshed access cookie)", async () => {
    const browser = await loggedIn(DEMO.email, DEMO.password);
    // Without its short-lived access cookie, the request refreshes it: the answer must set it again.
    browser.cookies.delete("pf_access");
    const response = await download(browser, jsonRoute, "/mes-donnees.json");
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("pf_access="))).toBe(true);
  });

  it("the other resident gets theirs, nothing of the demo resident", async () => {
    await db.pg.query("update auth.users set encrypted_password = extensions.crypt('mot-de-passe-autre', extensions.gen_salt('bf')) where id = $1", [world.other.userId]);
    const browser = await loggedIn(world.other.email, "mot-de-passe-autre");
    const text = await (await download(browser, jsonRoute, "/mes-donnees.json")).text();
    expect(text).toContain(OTHER_MARKER);
    for (const marker of ["SISTEC560", DEMO.email, DEMO_PAID.refdet, "2017-020-"]) expect(text, marker).not.toContain(marker);
  });
});

describe("GET /mes-donnees.csv", () => {
  it("answers a CSV for a French spreadsheet, as an attachment, never cached", async () => {
    const response = await download(await loggedIn(DEMO.email, DEMO.password), csvRoute, "/mes-donnees.csv");
    expectAttachment(response, "csv", "text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes.slice(3)));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const sections = rows.slice(1).map((r) => r[0]);
    expect(sections.filter((s) => s === CSV_SECTIONS.invoice)).toHaveLength(6);
    expect(sections.filter((s) => s === CSV_SECTIONS.payment)).toHaveLength(2);
    expect(sections.filter((s) => s === CSV_SECTIONS.message)).toHaveLength(2);
    expect(sections.filter((s) => s === CSV_SECTIONS.paperOptout)).toHaveLength(1);
    const message = rows.find((r) => r[0] === CSV_SECTIONS.message && r.includes(`'${DEMO_TRICKY_MESSAGE.subject}`));
    expect(message, "the tricky message, defused and whole").toBeDefined();
    expect(message).toContain(`'${DEMO_TRICKY_MESSAGE.body}`);
    const invoice = rows.find((r) => r.includes("2017-020-002059") && r[0] === CSV_SECTIONS.invoice)!;
    expect(invoice).toEqual(expect.arrayContaining(["10/07/2017", "21/07/2017", "243,11", "24311", "Non réglée"]));
  });
});

describe("refusals", () => {
  it("a visitor is sent to the login page, which comes back to the file", async () => {
    for (const [route, path] of [[jsonRoute, "/mes-donnees.json"], [csvRoute, "/mes-donnees.csv"]] as const) {
      const response = await download(new Browser(), route, path);
      expect(response).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(path)}`);
      expect(response.headers.get("content-disposition")).toBeNull();
    }
  });

  it("a session ended elsewhere gets no file: signed out, sent to the login page", async () => {
    const tabA = await loggedIn(DEMO.email, DEMO.password);
    const tabB = new Browser();
    for (const [name, cookie] of tabA.cookies) tabB.cookies.set(name, { ...cookie });
    expect((await tabA.call(logout.action, "/deconnexion", {})).status).toBe(302);
    const response = await download(tabB, csvRoute, "/mes-donnees.csv");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/connexion/);
    expect(response.headers.get("content-disposition")).toBeNull();
  });
});

describe("the page /mes-informations/mes-donnees ", () => {
  it("says what the file contains, for the signed-in resident only", async () => {
    const resident = await loggedIn(DEMO.email, DEMO.password);
    const shown = await resident.call(page.loader, "/mes-informations/mes-donnees");
    expect(shown.status).toBe(200);
    expect(shown.data.frame.displayName).toBe("Test SISTEC560");
    expect(shown.data.contents.map((c) => c.title)).toEqual([
      "Votre compte",
      "Vos contrats",
      "Vos factures",
      "Vos paiements en ligne",
      "Vos messages au service",
      "Vos demandes d'arrêt des factures papier",
    ]);
    const visitor = await new Browser().call(page.loader, "/mes-informations/mes-donnees");
    expect(visitor).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/mes-informations/mes-donnees")}`);
    const meta = page.meta({} as Parameters<typeof page.meta>[0]) as { title: string }[];
    expect(meta).toEqual([{ title: "Télécharger mes données — Le Portail des Factures" }]);
  });
});
