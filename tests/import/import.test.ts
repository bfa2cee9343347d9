import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { formatReport } from "~/.server/import/run";
import { createAuthUser, SEED, testDatabase } from "../support/database";
import { importFiles, pdfOf, snapshotOf, tempDataDir, type Files } from "./helpers";

let db: Database;
let dataDir: string;
beforeEach(async () => {
  db = await testDatabase();
  dataDir = await tempDataDir();
});
afterEach(async () => {
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const BASE: Files = {
  customers: ["RIV1;Hélène Lefèvre;helene@exemple.fr;non", "RIV2;Jérôme Bénard;;oui"],
  invoices: [
    "RIV1;2024-001;15/01/2024;15/02/2024;12,50;Eau potable;non réglée",
    "RIV1;2024-002;15/02/2024;15/03/2024;20,00;Eau potable;non réglée",
    "RIV2;2024-003;15/01/2024;15/02/2024;1 000,00;Assainissement;trésorerie",
  ],
  pdfs: { "Facture_2024-001.pdf": pdfOf("2024-001"), "2024-002.pdf": pdfOf("2024-002"), "FAC 2024-003 RIV2.pdf": pdfOf("2024-003") },
};

const invoice = async (number: string) =>
  (await db.pg.query<{ status: string; amount_cents: string; pdf_object_key: string | null; object: string }>(
    "select status, amount_cents::text, pdf_object_key, object from portal.invoices where number = $1",
    [number],
  )).rows[0];

describe("a first import", () => {
  it("creates customers, invoices and stores their PDFs under <numcli>/<number>.pdf", async () => {
    const report = await importFiles(db, dataDir, BASE);
    expect(report.errors).toEqual([]);
    expect(report.mode).toBe("written");
    expect(report.customers).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 0 });
    expect(report.invoices).toEqual({ created: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect(report.pdfs).toEqual({ stored: 3, unchanged: 0 });
    expect(await invoice("2024-003")).toEqual({ status: "treasury", amount_cents: "100000", pdf_object_key: "004200/2024-003.pdf", object: "Assainissement" });
    const stored = await readFile(join(dataDir, "storage/invoices/004200/2024-001.pdf"));
    expect(new Uint8Array(stored)).toEqual(pdfOf("2024-001"));
    const { rows } = await db.pg.query("select display_name, email, paper_invoices from portal.customers where customer_number = 'RIV2'");
    expect(rows).toEqual([{ display_name: "Jérôme Bénard", email: null, paper_invoices: true }]);
    expect(formatReport(report).join("\n")).toContain("Import terminé sans erreur.");
  });
});

describe("idempotency", () => {
  it("importing the same files again changes nothing, not even updated_at", async () => {
    await importFiles(db, dataDir, BASE);
    const before = await snapshotOf(db);
    const again = await importFiles(db, dataDir, BASE);
    expect(again.customers).toEqual({ created: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect(again.invoices).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 0 });
    expect(again.pdfs).toEqual({ stored: 0, unchanged: 3 });
    expect(again.changes).toEqual([]);
    expect(await snapshotOf(db)).toEqual(before);
  });

  it("never deletes: a later export without a line leaves its customer and invoice in place", async () => {
    await importFiles(db, dataDir, BASE);
    await importFiles(db, dataDir, { customers: [BASE.customers![0]!], invoices: [BASE.invoices![0]!] });
    const { rows } = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.invoices where number like '2024-00%'");
    expect(rows[0]!.n).toBe(3);
  });
});

describe("update rules of a later export", () => {
  it("moves unpaid invoices to paid or treasury and corrects an unpaid invoice's amount", async () => {
    await importFiles(db, dataDir, BASE);
    const report = await importFiles(db, dataDir, {
      invoices: [
        "RIV1;2024-001;15/01/2024;15/02/2024;12,50;Eau potable;réglée",
        "RIV1;2024-002;15/02/2024;15/03/2024;21,30;Eau potable;trésorerie",
        "RIV2;2024-004;15/03/2024;15/04/2024;5,00;Assainissement;non réglée",
      ],
      pdfs: { "2024-004.pdf": pdfOf("2024-004") },
    });
    expect(report.errors).toEqual([]);
    expect(report.invoices).toEqual({ created: 1, updated: 2, unchanged: 0, rejected: 0 });
    expect(await invoice("2024-001")).toMatchObject({ status: "paid", amount_cents: "1250" });
    expect(await invoice("2024-002")).toMatchObject({ status: "treasury", amount_cents: "2130" });
    expect(report.changes).toEqual([
      "factures.csv ligne 2 : facture 2024-001 — statut modifié(s) (non réglée → réglée)",
      "factures.csv ligne 3 : facture 2024-002 — statut, montant modifié(s) (non réglée → trésorerie)",
    ]);
  });

  it("never turns an invoice paid on the portal back to unpaid, and says so", async () => {
    // The seed's 2017-020-001512 was paid on the portal (paid_at set).
    const report = await importFiles(db, dataDir, {
      invoices: ["SISTEC560;2017-020-001512;10/04/2017;21/04/2017;99,00;Assainissement;non réglée"],
    });
    expect(report.errors).toEqual([]);
    expect(report.invoices).toEqual({ created: 0, updated: 0, unchanged: 1, rejected: 0 });
    expect(await invoice("2017-020-001512")).toMatchObject({ status: "paid", amount_cents: "15620" });
    expect(report.notices).toEqual([
      {
        file: "factures.csv",
        line: 2,
        message:
          "facture 2017-020-001512 payée sur le portail : elle reste réglée, statut, montant non modifié(s) (l'export, sans doute plus ancien, la dit « non réglée »)",
      },
    ]);
    expect(formatReport(report).join("\n")).toContain("payée sur le portail : elle reste réglée");
  });

  it("keeps a treasury invoice's amount, and lets it become paid", async () => {
    await importFiles(db, dataDir, BASE);
    const report = await importFiles(db, dataDir, {
      invoices: ["RIV2;2024-003;15/01/2024;15/02/2024;900,00;Assainissement;non réglée"],
    });
    expect(await invoice("2024-003")).toMatchObject({ status: "treasury", amount_cents: "100000" });
    expect(report.notices[0]!.message).toContain("en trésorerie : statut, montant non modifié(s)");
    await importFiles(db, dataDir, { invoices: ["RIV2;2024-003;15/01/2024;15/02/2024;1 000,00;Assainissement;réglée"] });
    expect(await invoice("2024-003")).toMatchObject({ status: "paid" });
  });

  it("a new e-mail on a customer re-links it to the account of that address", async () => {
    await importFiles(db, dataDir, BASE);
    const userId = await createAuthUser(db, "nouvelle.adresse@exemple.fr");
    const report = await importFiles(db, dataDir, { customers: ["RIV1;Hélène Lefèvre;Nouvelle.Adresse@exemple.fr;non"] });
    expect(report.customers).toEqual({ created: 0, updated: 1, unchanged: 0, rejected: 0 });
    expect(report.changes[0]).toContain("abonné RIV1 — e-mail modifié(s)");
    const { rows } = await db.pg.query<{ email: string; account_id: string }>("select email, account_id from portal.customers where customer_number = 'RIV1'");
    expect(rows[0]).toEqual({ email: "nouvelle.adresse@exemple.fr", account_id: userId });
    // The seed's demo customer moved to another address: unlinked from the demo account.
    await importFiles(db, dataDir, { customers: ["SISTEC560;Test SISTEC560;autre@exemple.fr;oui"] });
    const demo = await db.pg.query<{ account_id: string | null }>("select account_id from portal.customers where id = $1", [SEED.demoCustomerId]);
    expect(demo.rows[0]!.account_id).toBeNull();
  });

  it("a blank e-mail cell never erases a customer's address", async () => {
    await importFiles(db, dataDir, { customers: ["SISTEC560;Test SISTEC560;;oui"] });
    const { rows } = await db.pg.query<{ email: string; account_id: string }>("select email, account_id from portal.customers where id = $1", [SEED.demoCustomerId]);
    expect(rows[0]).toEqual({ email: "demo@demo.fr", account_id: SEED.demoUserId });
  });

  it("replaces a PDF whose content changed, and only that one", async () => {
    await importFiles(db, dataDir, BASE);
    const report = await importFiles(db, dataDir, { ...BASE, pdfs: { ...BASE.pdfs, "2024-002.pdf": pdfOf("2024-002", 9999) } });
    expect(report.pdfs).toEqual({ stored: 1, unchanged: 2 });
    expect(report.invoices).toMatchObject({ updated: 1, unchanged: 2 });
    expect(new Uint8Array(await readFile(join(dataDir, "storage/invoices/004200/2024-002.pdf")))).toEqual(pdfOf("2024-002", 9999));
  });
});

describe("errors found against the portal, each with file, line and column", () => {
  it("unknown customer, invoice of another customer, PDF missing, not a PDF", async () => {
    const report = await importFiles(db, dataDir, {
      invoices: [
        "INCONNU;2024-010;15/01/2024;15/02/2024;1,00;;non réglée",
        "NOUV0001;2017-020-002059;10/07/2017;21/07/2017;243,11;Multi Services;non réglée",
        "SISTEC560;2024-011;15/01/2024;15/02/2024;1,00;;non réglée",
        "SISTEC560;2024-012;15/01/2024;15/02/2024;1,00;;non réglée",
        "SISTEC560;2024-013;15/01/2024;15/02/2024;1,00;;non réglée",
      ],
      pdfs: { "2024-010.pdf": pdfOf("2024-010"), "2024-012.pdf": new TextEncoder().encode("<html>pas un PDF</html>"), "2024-013.pdf": pdfOf("2024-013") },
    });
    expect(report.errors.map((e) => [e.file, e.line, e.column])).toEqual([
      ["factures.csv", 2, "Numéro d'abonné"],
      ["factures.csv", 3, "Numéro d'abonné"],
      ["factures.csv", 4, "Numéro de facture"],
      ["factures.csv", 5, "Numéro de facture"],
    ]);
    expect(report.errors[0]!.message).toContain("abonné INCONNU inconnu du portail");
    expect(report.errors[1]!.message).toContain("existe déjà dans le portail pour un autre abonné");
    expect(report.errors[2]!.message).toContain("PDF de la facture 2024-011 introuvable");
    expect(report.errors[3]!.message).toContain("n'est pas un PDF");
    // By default the valid line is written, and the report says the import is partial.
    expect(report.invoices).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 4 });
    expect(await invoice("2024-013")).toBeDefined();
    expect(await invoice("2024-010")).toBeUndefined();
    expect(formatReport(report).join("\n")).toContain("Import partiel : les lignes valides ont été écrites ; 4 ligne(s) rejetée(s)");
  });

  it("an invoice of a customer whose line is rejected is rejected too", async () => {
    const report = await importFiles(db, dataDir, {
      customers: ["RIV9;;riv9@exemple.fr;oui"],
      invoices: ["RIV9;2024-020;15/01/2024;15/02/2024;1,00;;non réglée"],
      pdfs: { "2024-020.pdf": pdfOf("2024-020") },
    });
    expect(report.errors.map((e) => [e.file, e.line, e.column])).toEqual([
      ["abonnes.csv", 2, "Nom"],
      ["factures.csv", 2, "Numéro d'abonné"],
    ]);
  });
});

describe("dry run and strict mode", () => {
  it("--dry-run writes nothing, neither rows nor PDFs, and tells what would change", async () => {
    await importFiles(db, dataDir, BASE);
    const before = await snapshotOf(db);
    const report = await importFiles(
      db,
      dataDir,
      {
        customers: [...BASE.customers!, "RIV3;Zoë Faÿ;zoe@exemple.fr;oui"],
        invoices: [...BASE.invoices!.slice(1), "RIV1;2024-001;15/01/2024;15/02/2024;12,50;Eau potable;réglée", "RIV3;2024-005;15/01/2024;15/02/2024;3,00;;non réglée"],
        pdfs: { ...BASE.pdfs, "2024-005.pdf": pdfOf("2024-005") },
      },
      { dryRun: true },
    );
    expect(report.mode).toBe("dry-run");
    expect(report.customers).toEqual({ created: 1, updated: 0, unchanged: 2, rejected: 0 });
    expect(report.invoices).toEqual({ created: 1, updated: 1, unchanged: 2, rejected: 0 });
    expect(report.pdfs).toEqual({ stored: 1, unchanged: 3 });
    expect(report.changes).toEqual(["factures.csv ligne 4 : facture 2024-001 — statut modifié(s) (non réglée → réglée)"]);
    expect(await snapshotOf(db)).toEqual(before);
    await expect(readFile(join(dataDir, "storage/invoices/004200/2024-005.pdf"))).rejects.toThrow(/ENOENT/);
    const text = formatReport(report).join("\n");
    expect(text).toContain("Factures : 1 seraient créée(s), 1 seraient modifiée(s)");
    expect(text).toContain("Essai (--dry-run) : rien n'a été écrit dans le portail.");
  });

  it("--strict writes nothing when one line is bad; without it, the good lines are written", async () => {
    const files: Files = { ...BASE, invoices: [...BASE.invoices!, "RIV1;2024-009;31/02/2024;15/03/2024;1,00;;non réglée"] };
    const before = await snapshotOf(db);
    const strict = await importFiles(db, dataDir, files, { strict: true });
    expect(strict.mode).toBe("refused");
    expect(strict.errors).toEqual([expect.objectContaining({ file: "factures.csv", line: 5, column: "Date" })]);
    expect(await snapshotOf(db)).toEqual(before);
    expect(formatReport(strict).join("\n")).toContain("Mode strict (--strict) : 1 erreur(s), rien n'a été écrit.");
    const normal = await importFiles(db, dataDir, files);
    expect(normal.invoices).toEqual({ created: 3, updated: 0, unchanged: 0, rejected: 1 });
  });
});
