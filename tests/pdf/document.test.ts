import { describe, expect, it } from "vitest";
import { documentId, renderPdf, winAnsiText, type PdfBlock, type PdfDocumentSpec } from "~/.server/pdf/document";
import { buildPdf } from "../../scripts/lib/invoice-pdf";
import { hex, readBack } from "./read-back";
import { SAMPLE_DOCUMENT } from "./sample";

/**
 * The document builder (app/.server/pdf/document.ts, docs/decisions/0023-pdf-library.md), read
 * back with pdf.js: text, metadata, the structure tree in reading order, artifacts, determinism.
 */
// pdf.js reads WinAnsi's no-break space (what the builder writes for U+202F and U+00A0) as a space.
const NBSP = " ";
const SAMPLE_TABLE = SAMPLE_DOCUMENT.blocks.find((block): block is Extract<PdfBlock, { type: "table" }> => block.type === "table")!;

describe("renderPdf: a tagged PDF", () => {
  it("has its title (shown by viewers), language, dates, author and subject", async () => {
    const read = await readBack(renderPdf(SAMPLE_DOCUMENT));
    expect(read.info).toMatchObject({
      Title: "Attestation de paiement 2024",
      Language: "fr-FR",
      Author: "Régie des eaux de démonstration",
      Subject: "Paiements de l'année 2024",
      CreationDate: "D:20250115000000Z",
      ModDate: "D:20250115000000Z",
    });
    expect(read.xmpTitle).toBe("Attestation de paiement 2024");
    expect(read.viewer?.get("DisplayDocTitle")).toBe(true);
    expect(read.marked).toBe(true);
    expect(read.pages).toBe(1);
  });

  it("has a structure tree in reading order: headings, paragraphs, a table with column headers, the footnote last", async () => {
    const read = await readBack(renderPdf(SAMPLE_DOCUMENT));
    // "depth role: text" of each element, in reading order.
    const outline = read.tagged.map(({ role, depth, text }) => `${depth} ${role}: ${text}`);
    const cells = (row: string[]) => row.map((cell) => `3 TD: ${cell.replace(/\u202f/g, NBSP)}`);
    expect(outline.slice(1)).toEqual([
      "1 H1: Attestation de paiement — année 2024",
      "1 P: Régie des eaux de démonstration",
      "1 P: 2 rue du Château d'eau, 00000 Démoville",
      "1 H2: Abonné",
      "1 P: Hélène Lefèvre — numéro d'abonné RIV00012",
      "1 H2: Paiements reçus",
      expect.stringMatching(/^1 Table: DateFacture n°ModeMontant15\/02\/2024/),
      "2 TR: DateFacture n°ModeMontant",
      ...["Date", "Facture n°", "Mode", "Montant"].map((header) => `3 TH: ${header}`),
      ...SAMPLE_TABLE.rows.flatMap((row) => [`2 TR: ${cells(row).map((cell) => cell.slice("3 TD: ".length)).join("")}`, ...cells(row)]),
      `1 P: Total payé en 2024 : 1${NBSP}342,31${NBSP}€`,
      "1 P: Attestation établie par Le Portail des Factures.",
    ]);
    expect(outline[0]).toMatch(/^0 Document: Attestation de paiement/);
    expect(read.tagged.filter((t) => t.role === "TH").map((t) => t.scope)).toEqual(["Column", "Column", "Column", "Column"]);
  });

  it("tags every piece of text; the rules are artifacts, outside the structure tree", async () => {
    const read = await readBack(renderPdf(SAMPLE_DOCUMENT));
    const tags = new Set(read.items.map((item) => item.tag));
    expect([...tags].sort()).toEqual(["H1", "H2", "P", "TD", "TH"]);
    const bytes = new TextDecoder("latin1").decode(renderPdf(SAMPLE_DOCUMENT));
    // One rule under the address, three around the table's rows.
    expect(bytes.match(/\/Artifact <<\n\/Type \/Layout\n>> BDC/g)).toHaveLength(4);
  });

  it("flows onto a second page when the content is long, the footnote on the last one", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => [`${String(i + 1).padStart(2, "0")}/01/2024`, `2024-020-${String(i).padStart(6, "0")}`, "Prélèvement", "10,00 €"]);
    const long: PdfDocumentSpec = {
      ...SAMPLE_DOCUMENT,
      blocks: SAMPLE_DOCUMENT.blocks.map((block) => (block.type === "table" ? { ...block, rows } : block)),
    };
    const read = await readBack(renderPdf(long));
    expect(read.pages).toBe(2);
    expect(read.tagged.filter((t) => t.role === "TD")).toHaveLength(60 * 4);
    expect(read.items.filter((item) => item.page === 2 && item.tag === "TD").length).toBeGreaterThan(0);
    expect(read.tagged.at(-1)).toMatchObject({ role: "P", text: "Attestation établie par Le Portail des Factures." });
  });
});

describe("renderPdf: deterministic", () => {
  it("gives the same bytes for the same document, whatever the order its objects were written in", () => {
    const first = renderPdf(SAMPLE_DOCUMENT);
    expect(renderPdf(SAMPLE_DOCUMENT)).toEqual(first);
    const reversed = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).reverse()) as T;
    const { blocks, ...rest } = SAMPLE_DOCUMENT;
    const reordered: PdfDocumentSpec = { blocks: blocks.map(reversed), ...reversed(rest) };
    expect(Object.keys(reordered)).not.toEqual(Object.keys(SAMPLE_DOCUMENT));
    expect(renderPdf(reordered)).toEqual(first);
  });

  it("takes its file identifier from the content: one changed cell, another identifier and other bytes", async () => {
    const changed: PdfDocumentSpec = {
      ...SAMPLE_DOCUMENT,
      blocks: SAMPLE_DOCUMENT.blocks.map((block) =>
        block.type === "table" ? { ...block, rows: block.rows.map((row, i) => (i === 0 ? [...row.slice(0, 3), "56,21 €"] : row)) } : block,
      ),
    };
    const [read, readChanged] = await Promise.all([readBack(renderPdf(SAMPLE_DOCUMENT)), readBack(renderPdf(changed))]);
    expect(read.pdf.fingerprints[0]).toBe(hex(documentId(SAMPLE_DOCUMENT)));
    expect(readChanged.pdf.fingerprints[0]).toBe(hex(documentId(changed)));
    expect(readChanged.pdf.fingerprints[0]).not.toBe(read.pdf.fingerprints[0]);
    expect(renderPdf(changed)).not.toEqual(renderPdf(SAMPLE_DOCUMENT));
  });

  it("does not depend on the clock: the dates are the document's", async () => {
    const read = await readBack(renderPdf({ ...SAMPLE_DOCUMENT, date: "2031-12-31" }));
    expect(read.info).toMatchObject({ CreationDate: "D:20311231000000Z", ModDate: "D:20311231000000Z" });
  });
});

describe("renderPdf: refuses what it cannot write faithfully", () => {
  it("a character Helvetica cannot show (outside WinAnsiEncoding), naming it", () => {
    const spec = (text: string): PdfDocumentSpec => ({ ...SAMPLE_DOCUMENT, blocks: [{ type: "paragraph", text }] });
    expect(() => renderPdf(spec("Őrség"))).toThrow(/Character not in WinAnsiEncoding \(Helvetica\): "Ő" \(U\+0150\)/);
    expect(() => renderPdf(spec("Merci 🙂"))).toThrow(/U\+1F642/);
    expect(() => renderPdf(spec("Œuvre « Dubœuf » – 12 €"))).not.toThrow();
  });

  it("writes French number formatting's narrow no-break space as WinAnsi's no-break space", () => {
    expect(winAnsiText("1\u202f243,11\u00a0€")).toBe("1\u00a0243,11\u00a0€");
    expect(winAnsiText("e\u0301")).toBe("é");
  });

  it("metadata XML would break on (<, >, &), a malformed date, a row of the wrong width", () => {
    expect(() => renderPdf({ ...SAMPLE_DOCUMENT, title: "Eau & assainissement" })).toThrow(/metadata/);
    expect(() => renderPdf({ ...SAMPLE_DOCUMENT, date: "15/01/2025" })).toThrow(/YYYY-MM-DD/);
    const table = { type: "table" as const, columns: [{ header: "A", width: 100 }], rows: [["1", "2"]] };
    expect(() => renderPdf({ ...SAMPLE_DOCUMENT, blocks: [table] })).toThrow(/2 cells for 1 columns/);
  });
});

describe("buildPdf (scripts/lib/invoice-pdf.ts): an invoice on the builder", () => {
  const invoice = { number: "2017-020-002059", customerName: "Test SISTEC560", customerNumber: "SISTEC560", issuedOn: "2017-07-10", dueOn: "2017-07-21", amountCents: 24311, object: "Multi Services" };
  const service = { numcli: "004200", name: "Service Multi Services de démonstration", address: "1 place de la Mairie, 00000 Démoville" };

  it("one page with the service, the customer, the number, the dates, the object and the amount, tagged", async () => {
    const read = await readBack(buildPdf(invoice, service));
    expect(read.pages).toBe(1);
    expect(read.info).toMatchObject({ Title: "Facture 2017-020-002059", Language: "fr-FR", CreationDate: "D:20170710000000Z" });
    const roles = (role: string) => read.tagged.filter((t) => t.role === role).map((t) => t.text);
    expect(roles("H1")).toEqual(["Facture n° 2017-020-002059"]);
    expect(roles("H2")).toEqual(["Abonné", "Détail de la facture"]);
    expect(roles("P")).toEqual([
      "Service Multi Services de démonstration",
      "1 place de la Mairie, 00000 Démoville",
      "Identifiant collectivité (TIPI) : 004200",
      "Test SISTEC560",
      "Numéro d'abonné : SISTEC560",
      `Montant à payer : 243,11${NBSP}€`,
      "Paiement en ligne possible sur Le Portail des Factures (PayFiP).",
      "Document de démonstration sans valeur comptable.",
    ]);
    expect(roles("TH")).toEqual(["Facture n°", "Date", "Échéance", "Objet", "Montant"]);
    expect(roles("TD")).toEqual(["2017-020-002059", "10/07/2017", "21/07/2017", "Multi Services", `243,11${NBSP}€`]);
  });

  it("is deterministic and differs with any field", () => {
    const bytes = buildPdf(invoice, service);
    expect(buildPdf({ ...invoice }, { ...service })).toEqual(bytes);
    expect(new TextDecoder("latin1").decode(bytes.subarray(0, 8))).toBe("%PDF-1.7");
    expect(buildPdf({ ...invoice, amountCents: 24312 }, service)).not.toEqual(bytes);
    expect(buildPdf(invoice, { ...service, numcli: "004201" })).not.toEqual(bytes);
  });
});
