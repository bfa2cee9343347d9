import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copySeedFiles, type Database } from "~/.server/embedded/database";
import { README_NAME, ZIP_CAP } from "~/.server/invoice-zip";
import * as zipRoute from "~/routes/factures.pdf[.]zip/route";
import * as list from "~/routes/_espace.factures/route";
import * as selection from "~/routes/_espace.factures_.selection/route";
import { Browser, startPortal } from "../support/route-harness";
import { SEED } from "../support/database";
import { createOtherResident, DEMO, loggedIn } from "../support/residents";

/**
 * « Télécharger les PDF » end to end on the embedded backend: the route, the SQL list under RLS
 * (public.my_invoice_pdf_list) and the embedded file store, the archive read back with fflate.
 */
let db: Database;
let dataDir: string;

/** A fresh embedded portal whose file store holds the seed's PDFs (deleted afterwards). */
async function openPortalWithPdfs(): Promise<void> {
  dataDir = await mkdtemp(join(tmpdir(), "portail-zip-"));
  await copySeedFiles("supabase/storage/invoices", join(dataDir, "storage/invoices"));
  db = (await startPortal({ DATA_DIR: dataDir })).db;
}
beforeAll(openPortalWithPdfs);
afterAll(async () => Promise.all([db?.close(), rm(dataDir, { recursive: true, force: true })]));

async function download(browser: Browser, query: string) {
  const request = browser.request(`/factures/pdf.zip${query}`);
  let response: Response;
  try {
    response = (await zipRoute.loader({ request, params: {}, context: {} })) as Response;
  } catch (thrown) {
    response = thrown as Response;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { response, bytes };
}

async function archive(browser: Browser, query: string) {
  const { response, bytes } = await download(browser, query);
  expect(response.status, new TextDecoder().decode(bytes.slice(0, 300))).toBe(200);
  const entries = unzipSync(bytes);
  return { response, entries, names: Object.keys(entries), readme: strFromU8(entries[README_NAME] ?? new Uint8Array()) };
}

/** What the archive should hold: the account's invoices of that status, newest first, as SQL (the owner) sees them. */
async function expectedNames(email: string, status: string): Promise<string[]> {
  const { rows } = await db.pg.query<{ service: string; number: string }>(
    `select s.name as service, i.number from portal.invoices i
       join portal.customers c on c.id = i.customer_id join portal.services s on s.id = i.service_id
      where c.email = $1 and i.status = $2::portal.invoice_status and i.pdf_object_key is not null
      order by i.issued_on desc, i.id desc`,
    [email, status],
  );
  return rows.map((r) => `${r.service.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ /g, "-")}_${r.number}.pdf`);
}

describe("GET /factures/pdf.zip", () => {
  it("streams each tab's PDFs of the resident, named <service>_<number>.pdf, with LISEZMOI.txt last", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    for (const [slug, status] of [["non-reglees", "unpaid"], ["reglees", "paid"]] as const) {
      const expected = await expectedNames(DEMO.email, status);
      expect(expected.length, slug).toBeGreaterThan(0);
      const { response, names, readme } = await archive(demo, `?onglet=${slug}`);
      expect(names).toEqual([...expected, README_NAME]);
      expect(response.headers.get("content-type")).toBe("application/zip");
      expect(response.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="factures-${slug}-\\d{4}-\\d{2}-\\d{2}\\.zip"$`));
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      expect(response.headers.get("content-length")).toBeNull();
      expect(readme).toContain("Télécharger les PDF");
      expect(readme).toContain(`${expected.length} PDF sur ${expected.length} facture(s)`);
    }
  });

  it("stores each PDF byte for byte, uncompressed", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const { bytes } = await download(demo, `?onglet=non-reglees&facture=${SEED.invoice2059Id}`);
    const entries = unzipSync(bytes);
    const name = "Service-Multi-Services-de-demonstration_2017-020-002059.pdf";
    expect(Object.keys(entries)).toEqual([name, README_NAME]);
    const original = await readFile("supabase/storage/invoices/004200/2017-020-002059.pdf");
    expect(Buffer.from(entries[name]!).equals(original)).toBe(true);
    // Stored: the archive is the PDF plus headers, not smaller than it.
    expect(bytes.length).toBeGreaterThan(original.length);
  });

  it("never holds another resident's invoice: a selection of them is refused, a mixed one keeps only the caller's", async () => {
    const other = await createOtherResident(db, "zip-voisin@exemple.fr");
    const neighbour = await loggedIn(other.email, other.password);
    const demo = await loggedIn(DEMO.email, DEMO.password);

    const own = await archive(neighbour, "?onglet=non-reglees");
    // Its PDF key names no file in the store: skipped and noted, and nothing of demo's.
    expect(own.names).toEqual([README_NAME]);
    expect(own.readme).toContain("facture n° 2024-099-000001");

    const refused = await download(demo, `?onglet=non-reglees&facture=${other.invoice_id}`);
    expect(refused.response.status).toBe(404);
    expect(new TextDecoder().decode(refused.bytes)).toContain("Aucune facture à télécharger");

    const mixed = await archive(demo, `?onglet=non-reglees&facture=${other.invoice_id}&facture=${SEED.invoice2059Id}`);
    expect(mixed.names).toEqual(["Service-Multi-Services-de-demonstration_2017-020-002059.pdf", README_NAME]);
    expect(mixed.readme).toContain("(factures choisies)");
    expect(mixed.readme).not.toContain("2024-099-000001");

    const fromNeighbour = await download(neighbour, `?onglet=non-reglees&facture=${SEED.invoice2059Id}`);
    expect(fromNeighbour.response.status).toBe(404);
  });

  it("a selection holds only the chosen invoices of the tab", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const { rows } = await db.pg.query<{ id: string; number: string }>(
      `select i.id, i.number from portal.invoices i where i.customer_id = $1 and i.status = 'unpaid' and i.pdf_object_key is not null
       order by i.issued_on desc, i.id desc limit 2`,
      [SEED.demoCustomerId],
    );
    expect(rows).toHaveLength(2);
    const { names } = await archive(demo, `?onglet=non-reglees&facture=${rows[1]!.id}&facture=${rows[0]!.id.toUpperCase()}&facture=${rows[1]!.id}`);
    expect(names.map((n) => n.replace(/^.*_/, ""))).toEqual([`${rows[0]!.number}.pdf`, `${rows[1]!.number}.pdf`, README_NAME.replace(/^.*_/, "")]);
    // A paid tab does not hold unpaid invoices, even chosen.
    expect((await download(demo, `?onglet=reglees&facture=${rows[0]!.id}`)).response.status).toBe(404);
  });

  it("skips a missing PDF (no key, or no file) and notes it in LISEZMOI.txt", async () => {
    const email = "zip-manquant@exemple.fr";
    const other = await createOtherResident(db, email);
    await db.pg.query(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, pdf_object_key)
       values ($1, $2, '2024-099-000002', '2024-04-01', '2024-04-30', 100, 'Eau', '004200/2017-020-002059.pdf'),
              ($1, $2, '2024-099-000003', '2024-05-01', '2024-05-31', 100, 'Eau', null)`,
      [other.service_id, other.customer_id],
    );
    const browser = await loggedIn(other.email, other.password);
    const { names, readme } = await archive(browser, "?onglet=non-reglees");
    expect(names).toEqual(["Regie-des-eaux-voisine_2024-099-000002.pdf", README_NAME]);
    expect(readme).toContain("1 PDF sur 3 facture(s)");
    expect(readme).toContain("facture n° 2024-099-000003 du 01/05/2024 (Régie des eaux voisine)");
    expect(readme).toContain("facture n° 2024-099-000001 du 01/03/2024");
    expect(readme).toContain("\r\n");
  });

  it("sanitises the entries' names (ASCII, no path separator) and makes duplicates unique", async () => {
    const other = await createOtherResident(db, "zip-noms@exemple.fr");
    const key = "004200/2017-020-002059.pdf";
    await db.pg.query(
      `with s as (insert into portal.services (name, numcli) values ('Régie des eaux voisine', '009901') returning id),
            c as (insert into portal.customers (service_id, customer_number, display_name, email)
                  select s.id, 'VOIS02', 'Famille Voisin', $3 from s returning id, service_id)
       insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, pdf_object_key)
       select c.service_id, c.id, '2024-099-000001', date '2024-02-01', date '2024-02-28', 100, 'Eau', $2 from c
       union all
       select $1::uuid, $4::uuid, '../../etc/passwd', date '2024-01-01', date '2024-01-31', 100, 'Eau', $2
       union all
       select $1::uuid, $4::uuid, 'C:\\x\\ÉTÉ: "a"|b?', date '2023-12-01', date '2023-12-31', 100, 'Eau', $2`,
      [other.service_id, key, other.email, other.customer_id],
    );
    await db.pg.query("update portal.invoices set pdf_object_key = $1 where id = $2", [key, other.invoice_id]);
    const browser = await loggedIn(other.email, other.password);
    const { names } = await archive(browser, "?onglet=non-reglees");
    expect(names).toEqual([
      "Regie-des-eaux-voisine_2024-099-000001.pdf",
      "Regie-des-eaux-voisine_2024-099-000001-2.pdf",
      "Regie-des-eaux-voisine_etc-passwd.pdf",
      "Regie-des-eaux-voisine_C-x-ETE-a-b.pdf",
      README_NAME,
    ]);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });

  it(`caps an archive at ${ZIP_CAP} PDFs, the newest, and LISEZMOI.txt gives the address of the next one`, async () => {
    const other = await createOtherResident(db, "zip-beaucoup@exemple.fr");
    await db.pg.query(
      `insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object, pdf_object_key, status, paid_at)
       select $1, $2, '2020-001-' || lpad(n::text, 6, '0'), date '2020-01-01' + n, date '2020-02-01' + n, 100, 'Eau',
              '004200/2017-020-002059.pdf', 'paid', now()
       from generate_series(1, $3::integer) n`,
      [other.service_id, other.customer_id, ZIP_CAP + 5],
    );
    const browser = await loggedIn(other.email, other.password);
    const first = await archive(browser, "?onglet=reglees");
    expect(first.names).toHaveLength(ZIP_CAP + 1);
    expect(first.names[0]).toBe(`Regie-des-eaux-voisine_2020-001-${String(ZIP_CAP + 5).padStart(6, "0")}.pdf`);
    expect(first.names[ZIP_CAP - 1]).toBe("Regie-des-eaux-voisine_2020-001-000006.pdf");
    expect(first.readme).toContain(`Cet onglet contient ${ZIP_CAP + 5} factures`);
    const next = /http:\/\/localhost:3000(\/factures\/pdf\.zip\?\S+)/.exec(first.readme)?.[1];
    expect(next).toBeDefined();
    const rest = await archive(browser, next!.replace("/factures/pdf.zip", ""));
    expect(rest.names).toEqual([5, 4, 3, 2, 1].map((n) => `Regie-des-eaux-voisine_2020-001-00000${n}.pdf`).concat(README_NAME));
    expect(rest.readme).not.toContain("Pour télécharger les suivantes");
  });

  it("answers a malformed query with a French 400 page, an empty tab with a French 404 page, never a 500", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const malformed = [
      "",
      "?onglet=",
      "?onglet=toutes",
      "?onglet=NON-REGLEES",
      "?onglet=non-reglees&facture=abc",
      "?onglet=non-reglees&facture=..%2F..%2Fetc%2Fpasswd",
      "?onglet=non-reglees&apres=2017-02-30.1a000000-0000-4000-8000-000000000001",
      "?onglet=non-reglees&apres=hier",
      `?onglet=non-reglees${"&facture=1a000000-0000-4000-8000-000000000001".repeat(ZIP_CAP + 1)}`,
    ];
    for (const query of malformed) {
      const { response, bytes } = await download(demo, query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("content-disposition")).toBeNull();
      expect(new TextDecoder().decode(bytes)).toContain("Téléchargement impossible");
    }
    const fresh = await createOtherResident(db, "zip-vide@exemple.fr");
    const empty = await download(await loggedIn(fresh.email, fresh.password), "?onglet=tresorerie");
    expect(empty.response.status).toBe(404);
    expect(new TextDecoder().decode(empty.bytes)).toContain('lang="fr"');
  });

  it("sends an anonymous visitor to the login page, coming back to the archive", async () => {
    const { response } = await download(new Browser(), "?onglet=reglees");
    expect(response).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent("/factures/pdf.zip?onglet=reglees")}`, { status: 302 });
  });
});

describe("the « Télécharger les PDF » link on Mes factures", () => {
  it("links each non-empty tab to its archive, and no empty tab", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    for (const slug of ["non-reglees", "reglees"]) {
      const { data } = await demo.call(list.loader, `/factures?onglet=${slug}`);
      expect((data as { zip: object | null }).zip).toMatchObject({ href: `/factures/pdf.zip?onglet=${slug}`, children: "Télécharger les PDF (archive ZIP)" });
    }
    const fresh = await createOtherResident(db, "zip-lien@exemple.fr");
    const { data } = await (await loggedIn(fresh.email, fresh.password)).call(list.loader, "/factures?onglet=tresorerie");
    expect((data as { zip: object | null }).zip).toBeNull();
  });
});

describe("« Choisir les factures à télécharger » (/factures/selection)", () => {
  it("lists the tab's invoices of the resident only, each a checkbox of a GET form to the zip route", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const page = await demo.call(selection.loader, "/factures/selection?onglet=reglees");
    expect(page.status).toBe(200);
    expect(page.data.form).toEqual({ action: "/factures/pdf.zip", onglet: "reglees", mark: "selection" });
    expect(page.data.legend).toBe("Factures réglées : factures à télécharger");
    const { rows } = await db.pg.query<{ id: string; number: string }>(
      "select id, number from portal.invoices where customer_id = $1 and status = 'paid' order by issued_on desc, id desc",
      [SEED.demoCustomerId],
    );
    expect(page.data.invoices.map((i) => i.id)).toEqual(rows.map((r) => r.id));
    // Each label names its invoice: number, date, amount, object.
    expect(page.data.invoices[0]!.label).toMatch(new RegExp(`^Facture n° ${rows[0]!.number} du \\d{2}/\\d{2}/\\d{4}, \\S+,\\d{2}\\s€, .+$`));
    expect(page.data.nextPage).toBeNull();

    const other = await createOtherResident(db, "zip-choix@exemple.fr");
    const theirs = await (await loggedIn(other.email, other.password)).call(selection.loader, "/factures/selection?onglet=non-reglees");
    expect(theirs.data.invoices.map((i) => i.id)).toEqual([other.invoice_id]);
    expect(theirs.data.invoices.map((i) => i.id)).not.toContain(SEED.invoice2059Id);
  });

  it("a tab it does not know is the unpaid one; a resident with none gets no form; a visitor goes to the login page", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const unknown = await demo.call(selection.loader, "/factures/selection?onglet=toutes&apres=hier");
    expect(unknown.data.form.onglet).toBe("non-reglees");
    expect(unknown.data.invoices.map((i) => i.id)).toContain(SEED.invoice2059Id);
    const fresh = await createOtherResident(db, "zip-choix-vide@exemple.fr");
    const empty = await (await loggedIn(fresh.email, fresh.password)).call(selection.loader, "/factures/selection?onglet=tresorerie");
    expect(empty.data.invoices).toEqual([]);
    expect(await new Browser().call(selection.loader, "/factures/selection?onglet=reglees")).toRedirectTo(
      `/connexion?redirectTo=${encodeURIComponent("/factures/selection?onglet=reglees")}`,
    );
  });

  it("what the form sends: the ticked invoices in one zip; none ticked, a French 400 page (not the whole tab)", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const { data } = await demo.call(selection.loader, "/factures/selection?onglet=non-reglees");
    const [a, b] = data.invoices;
    const query = `?onglet=${data.form.onglet}&${data.form.mark}=1&facture=${a!.id}&facture=${b!.id}`;
    const { names, readme } = await archive(demo, query);
    expect(names).toHaveLength(3);
    expect(names.slice(0, 2).map((n) => n.replace(/^.*_/, "").replace(/\.pdf$/, ""))).toEqual(
      [a!, b!].map((i) => /n° (\S+)/.exec(i.label)![1]),
    );
    expect(readme).toContain("(factures choisies)");
    const none = await download(demo, `?onglet=non-reglees&${data.form.mark}=1`);
    expect(none.response.status).toBe(400);
    expect(new TextDecoder().decode(none.bytes)).toContain("Vous n'avez coché aucune facture");
  });

  it("Mes factures links each non-empty tab to its selection screen", async () => {
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const { data } = await demo.call(list.loader, "/factures?onglet=reglees");
    expect(data.selection).toMatchObject({ href: "/factures/selection?onglet=reglees", children: "Choisir les factures à télécharger" });
  });
});
