import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { createEmbeddedImportTarget } from "~/.server/embedded/import-target";
import { runImport, type ImportReport } from "~/.server/import/run";
import * as list from "~/routes/_espace.factures/route";
import * as pdf from "~/routes/factures.$id.pdf/route";
import { Browser, startPortal } from "../support/route-harness";
import { createOtherResident, DEMO, loggedIn } from "../support/residents";
import { collectInput } from "../../scripts/import/files";
import { tempDataDir } from "./helpers";

/**
 * The sample set of docs/import.md, read from disk as `npm run import -- docs/import-sample`
 * reads it, imported into a fresh embedded database; then the resident's screens (loaders, as
 * the server calls them) show the imported invoices and serve their PDFs to them only.
 */
let db: Database;
let dataDir: string;
let report: ImportReport;
beforeAll(async () => {
  dataDir = await tempDataDir();
  ({ db } = await startPortal({ DATA_DIR: dataDir }));
  const input = await collectInput(["docs/import-sample"]);
  report = await runImport(createEmbeddedImportTarget(db, dataDir), input, { numcli: "004200" });
});
afterAll(async () => {
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface ListData {
  tabs: { slug: string; count: number }[];
  invoices: { id: string; number: string; issuedOn: string; amount: string; object: string; customer: string }[];
}

async function download(browser: Browser, id: string) {
  let response: Response;
  try {
    response = (await pdf.loader({ request: browser.request(`/factures/${id}/pdf`), params: { id }, context: {} })) as Response;
  } catch (thrown) {
    response = thrown as Response;
  }
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe("importing docs/import-sample into a fresh embedded database", () => {
  it("reads both encodings and imports every line", () => {
    expect(report.errors).toEqual([]);
    expect(report.files.map((f) => [f.file, f.kind, f.encoding])).toEqual([
      ["docs/import-sample/abonnes.csv", "customers", "windows-1252"],
      ["docs/import-sample/factures.csv", "invoices", "utf-8 (BOM)"],
    ]);
    expect(report.customers).toEqual({ created: 3, updated: 0, unchanged: 1, rejected: 0 });
    expect(report.invoices).toEqual({ created: 5, updated: 0, unchanged: 1, rejected: 0 });
    expect(report.pdfs.stored).toBe(5);
  });

  it("keeps accents and a quoted ; of the Windows-1252 file", async () => {
    const { rows } = await db.pg.query<{ display_name: string }>("select display_name from portal.customers where customer_number in ('RIV00012', 'RIV00013') order by 1");
    expect(rows.map((r) => r.display_name)).toEqual(["Dubœuf; François", "Hélène Lefèvre"]);
  });

  it("shows the imported invoices on the resident's Mes factures tabs", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const unpaid = (await demo.call(list.loader, "/factures")).data as ListData;
    expect(unpaid.invoices.map((i) => i.number)).toContain("2024-020-000101");
    const row = unpaid.invoices.find((i) => i.number === "2024-020-000101")!;
    expect(row).toMatchObject({ issuedOn: "15/01/2024", object: "Eau potable" });
    expect(row.amount.replace(/[\u202f\u00a0]/g, " ")).toBe("1 243,11 €");
    const paid = (await demo.call(list.loader, "/factures?onglet=reglees")).data as ListData;
    expect(paid.invoices.map((i) => i.number)).toContain("2024-020-000102");
  });

  it("serves an imported PDF to its resident and a 404 to another one", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const unpaid = (await demo.call(list.loader, "/factures")).data as ListData;
    const id = unpaid.invoices.find((i) => i.number === "2024-020-000101")!.id;
    const mine = await download(demo, id);
    expect(mine.status).toBe(200);
    const { readFile } = await import("node:fs/promises");
    expect(mine.bytes).toEqual(new Uint8Array(await readFile(join("docs/import-sample/pdf/Facture_2024-020-000101.pdf"))));
    const other = await createOtherResident(db, "curieux@exemple.fr");
    const nosy = await loggedIn(other.email, other.password);
    expect((await download(nosy, id)).status).toBe(404);
  });

  it("lets a customer imported with a new e-mail see its invoices once the account exists", async () => {
    const { createAuthUser } = await import("../support/database");
    await createAuthUser(db, "helene.lefevre@exemple.fr", "mot-de-passe-helene");
    const helene = await loggedIn("helene.lefevre@exemple.fr", "mot-de-passe-helene");
    const treasury = (await helene.call(list.loader, "/factures?onglet=tresorerie")).data as ListData;
    expect(treasury.invoices.map((i) => i.number)).toEqual(["2024-020-000103"]);
  });
});
