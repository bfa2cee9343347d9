import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copySeedFiles, type Database } from "~/.server/embedded/database";
import { openStoredFile } from "~/.server/embedded/files";
import * as pdf from "~/routes/factures.$id.pdf/route";
import { Browser, startPortal } from "../support/route-harness";
import { SEED } from "../support/database";
import { createOtherResident, DEMO, loggedIn } from "../support/residents";

let db: Database;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "portail-pdf-"));
  await copySeedFiles("supabase/storage/invoices", join(dataDir, "storage/invoices"));
  ({ db } = await startPortal({ DATA_DIR: dataDir }));
});
afterAll(async () => {
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Calls the resource route as the server would and reads the body as bytes. */
async function download(browser: Browser, id: string) {
  const request = browser.request(`/factures/${id}/pdf`);
  let response: Response;
  try {
    response = (await pdf.loader({ request, params: { id }, context: {} })) as Response;
  } catch (thrown) {
    response = thrown as Response;
  }
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const SEED_PDF = "supabase/storage/invoices/004200/2017-020-002059.pdf";

describe("GET /factures/:id/pdf", () => {
  it("streams the owner's PDF with its type, file name and size", async () => {
    const browser = await loggedIn(DEMO.email, DEMO.password);
    const { response, bytes } = await download(browser, SEED.invoice2059Id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="facture-2017-020-002059.pdf"');
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const size = (await stat(SEED_PDF)).size;
    expect(response.headers.get("content-length")).toBe(String(size));
    expect(bytes.length).toBe(size);
    expect(new TextDecoder("latin1").decode(bytes.slice(0, 5))).toBe("%PDF-");
  });

  it("gives another resident, an unknown id and a malformed id one and the same 404", async () => {
    const other = await createOtherResident(db, "indiscret@exemple.fr");
    const nosy = await loggedIn(other.email, other.password);
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const refusals = [
      await download(nosy, SEED.invoice2059Id),
      await download(demo, "1a000000-0000-4000-8000-0000000000ff"),
      await download(demo, "..%2F..%2Fetc%2Fpasswd"),
      await download(demo, other.invoice_id),
    ];
    const bodies = refusals.map((r) => new TextDecoder().decode(r.bytes));
    for (const [i, r] of refusals.entries()) {
      expect(r.response.status, `refusal ${i}`).toBe(404);
      expect(r.response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(r.response.headers.get("content-disposition")).toBeNull();
      expect(bodies[i]).toBe(bodies[0]);
    }
    expect(bodies[0]).toContain("Facture introuvable");
  });

  it("404s when the invoice has no PDF, or its file is missing from the store", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    await db.pg.query("update portal.invoices set pdf_object_key = null where id = '1a000000-0000-4000-8000-000000000002'");
    expect((await download(demo, "1a000000-0000-4000-8000-000000000002")).response.status).toBe(404);
    await db.pg.query("update portal.invoices set pdf_object_key = '004200/absent.pdf' where id = '1a000000-0000-4000-8000-000000000003'");
    expect((await download(demo, "1a000000-0000-4000-8000-000000000003")).response.status).toBe(404);
  });

  it("sends an anonymous visitor to the login page, coming back to the PDF", async () => {
    const { response } = await download(new Browser(), SEED.invoice2059Id);
    expect(response).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(`/factures/${SEED.invoice2059Id}/pdf`)}`, { status: 302 });
  });
});

describe("embedded file store", () => {
  it("never reads outside its folder, whatever the key", async () => {
    await writeFile(join(dataDir, "secret.txt"), "secret");
    const root = join(dataDir, "storage/invoices");
    for (const key of ["../../secret.txt", "/etc/passwd", "004200/../../../secret.txt", "004200/./2017-020-002059.pdf", "", "004200//x.pdf"]) {
      expect(await openStoredFile(root, key), key).toBeNull();
    }
    const ok = await openStoredFile(root, "004200/2017-020-002059.pdf");
    expect(ok?.size).toBe((await stat(SEED_PDF)).size);
    await ok?.body.cancel();
  });

  it("names the file after the invoice number, with nothing unsafe in it", () => {
    expect(pdf.fileName("2017-020-002059")).toBe("facture-2017-020-002059.pdf");
    expect(pdf.fileName('A/B "C"\r\n')).toBe("facture-A-B-C.pdf");
  });
});
