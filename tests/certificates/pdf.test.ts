import { describe, expect, it } from "vitest";
import { certificateFileName, certificatePdf, certificateUrl, parseCertificateParams } from "~/.server/certificate";
import type { PaymentCertificate } from "~/.server/ports/certificates";
import { readBack } from "../pdf/read-back";

/**
 * The « Attestation de paiement » document (app/.server/certificate.ts) read back with pdf.js:
 * title, language, date from the data, the structure tree (headings, paragraphs, a table with
 * column headers), the same bytes for the same certificate; its URL, file name and parameters.
 */
// pdf.js reads WinAnsi's no-break space (what the builder writes for U+202F and U+00A0) as a space.
const NBSP = " ";

const CUSTOMER_ID = "c0000000-0000-4000-8000-000000000001";
const CERTIFICATE: PaymentCertificate = {
  service: { numcli: "004200", name: "Service Multi Services de démonstration", postalAddress: "1 place de la Mairie, 00000 Démoville" },
  customer: { customerNumber: "SISTEC560", displayName: "Test SISTEC560" },
  year: 2017,
  invoices: [
    { paidOn: "2017-01-16", number: "2017-020-000731", object: "Collecte des déchets", amountCents: 4200 },
    { paidOn: "2017-04-18", number: "2017-020-001512", object: "Assainissement", amountCents: 15620 },
  ],
  totalCents: 19820,
};

describe("the certificate's PDF", () => {
  it("is tagged, titled, in French, dated by its last payment (no clock)", async () => {
    const { info, viewer, marked } = await readBack(certificatePdf(CERTIFICATE));
    const facts = [info.Title, info.Language, info.Author, info.CreationDate, info.ModDate, viewer?.get("DisplayDocTitle"), marked];
    expect(facts).toEqual(["Attestation de paiement 2017 - SISTEC560", "fr-FR", "Service Multi Services de démonstration", "D:20170418000000Z", "D:20170418000000Z", true, true]);
  });

  it("reads in order: the service signs, the customer, the year, a table of the invoices with header cells, the total", async () => {
    const read = await readBack(certificatePdf(CERTIFICATE));
    const outline = read.tagged.slice(1).map(({ role, depth, text }) => `${depth} ${role}: ${text}`);
    expect(outline).toEqual([
      "1 H1: Attestation de paiement 2017",
      "1 P: Service Multi Services de démonstration",
      "1 P: 1 place de la Mairie, 00000 Démoville",
      "1 H2: Abonné",
      "1 P: Test SISTEC560",
      "1 P: Numéro d'abonné : SISTEC560",
      "1 H2: Factures payées en 2017",
      // pdf.js drops the space where a line wraps: "\s?" there.
      expect.stringMatching(/^1 P: Service Multi Services de démonstration atteste que les 2 factures suivantes, au nom de Test\s?SISTEC560 \(abonné n° SISTEC560\), ont été payées entre le 1er janvier et le 31 décembre 2017,\s?pour un total de 198,20.€\.$/),
      expect.stringMatching(/^1 Table: /),
      "2 TR: Date de paiementFacture n°ObjetMontant",
      ...["Date de paiement", "Facture n°", "Objet", "Montant"].map((h) => `3 TH: ${h}`),
      "2 TR: 16/01/20172017-020-000731Collecte des déchets42,00 €".replace(" €", `${NBSP}€`),
      "3 TD: 16/01/2017",
      "3 TD: 2017-020-000731",
      "3 TD: Collecte des déchets",
      `3 TD: 42,00${NBSP}€`,
      `2 TR: 18/04/20172017-020-001512Assainissement156,20${NBSP}€`,
      "3 TD: 18/04/2017",
      "3 TD: 2017-020-001512",
      "3 TD: Assainissement",
      `3 TD: 156,20${NBSP}€`,
      `1 P: Total payé en 2017 : 198,20${NBSP}€`,
      "1 P: Attestation délivrée pour servir et valoir ce que de droit.",
      "1 P: Pour Service Multi Services de démonstration",
      "1 P: 1 place de la Mairie, 00000 Démoville",
      expect.stringMatching(/^1 P: Seuls figurent les paiements dont la date est connue du service/),
    ]);
    expect(read.tagged.filter((t) => t.role === "TH").map((t) => t.scope)).toEqual(["Column", "Column", "Column", "Column"]);
    expect(new Set(read.items.map((i) => i.tag))).toEqual(new Set(["H1", "H2", "P", "TD", "TH"]));
  });

  it("gives the same bytes for the same certificate, other bytes for another total", () => {
    const a = certificatePdf(CERTIFICATE);
    expect(Buffer.from(certificatePdf(structuredClone(CERTIFICATE))).equals(Buffer.from(a))).toBe(true);
    const other = certificatePdf({ ...CERTIFICATE, invoices: CERTIFICATE.invoices.slice(0, 1), totalCents: 4200 });
    expect(Buffer.from(other).equals(Buffer.from(a))).toBe(false);
  });

  it("leaves the address out when the service has none, and prints a name Helvetica cannot show with ?", async () => {
    const read = await readBack(
      certificatePdf({ ...CERTIFICATE, service: { ...CERTIFICATE.service, postalAddress: null }, customer: { ...CERTIFICATE.customer, displayName: "Łucja Kowalska" } }),
    );
    const texts = read.tagged.map((t) => t.text);
    expect(texts).not.toContain("1 place de la Mairie, 00000 Démoville");
    expect(texts).toContain("?ucja Kowalska");
  });
});

describe("the certificate's URL, file name and parameters", () => {
  it("/attestations/<customer id>/<year>.pdf, attestation-<service>-<customer number>-<year>.pdf", () => {
    expect(certificateUrl({ customerId: CUSTOMER_ID, year: 2017 })).toBe(`/attestations/${CUSTOMER_ID}/2017.pdf`);
    expect(certificateFileName(CERTIFICATE)).toBe("attestation-service-multi-services-de-demonstration-SISTEC560-2017.pdf");
    expect(certificateFileName({ ...CERTIFICATE, service: { ...CERTIFICATE.service, name: "«»" }, customer: { ...CERTIFICATE.customer, customerNumber: "../" } })).toBe(
      "attestation-004200-abonne-2017.pdf",
    );
  });

  it("accepts a record id and a four-digit year from 2000 to 2099, <year>.pdf; nothing else", () => {
    expect(parseCertificateParams({ abonne: CUSTOMER_ID.toUpperCase(), fichier: "2017.pdf" })).toEqual({ customerId: CUSTOMER_ID, year: 2017 });
    for (const fichier of ["2017", "17.pdf", "02017.pdf", "1999.pdf", "2100.pdf", "2017.PDF", "2017.pdf.pdf", "abcd.pdf", " 2017.pdf"]) {
      expect(parseCertificateParams({ abonne: CUSTOMER_ID, fichier }), fichier).toBeNull();
    }
    for (const abonne of ["SISTEC560", "", `${CUSTOMER_ID}x`, "c0000000-0000-4000-8000-00000000000"]) {
      expect(parseCertificateParams({ abonne, fichier: "2017.pdf" }), abonne).toBeNull();
    }
    expect(parseCertificateParams({ fichier: "2017.pdf" })).toBeNull();
  });
});
