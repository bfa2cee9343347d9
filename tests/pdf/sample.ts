import type { PdfDocumentSpec } from "~/.server/pdf/document";

/**
 * A document of the kind that comes next (a yearly payment certificate): both heading levels,
 * paragraphs, a table of several rows, decoration and a footnote. Rendered by
 * tests/pdf/document.test.ts and, bundled, by tests/pdf/runtimes.test.ts.
 */
export const SAMPLE_DOCUMENT: PdfDocumentSpec = {
  title: "Attestation de paiement 2024",
  author: "Régie des eaux de démonstration",
  subject: "Paiements de l'année 2024",
  date: "2025-01-15",
  blocks: [
    { type: "heading", level: 1, text: "Attestation de paiement — année 2024" },
    { type: "paragraph", text: "Régie des eaux de démonstration", bold: true },
    { type: "paragraph", text: "2 rue du Château d'eau, 00000 Démoville" },
    { type: "rule" },
    { type: "heading", level: 2, text: "Abonné" },
    { type: "paragraph", text: "Hélène Lefèvre — numéro d'abonné RIV00012" },
    { type: "heading", level: 2, text: "Paiements reçus" },
    {
      type: "table",
      columns: [
        { header: "Date", width: 90 },
        { header: "Facture n°", width: 130 },
        { header: "Mode", width: 163 },
        { header: "Montant", width: 100, align: "right" },
      ],
      rows: [
        ["15/02/2024", "2024-020-000103", "Paiement en ligne (PayFiP)", "56,20\u202f€"],
        ["15/05/2024", "2024-020-000104", "Prélèvement", "43,00\u202f€"],
        ["16/08/2024", "2024-020-000311", "Chèque", "1\u202f243,11\u202f€"],
      ],
    },
    { type: "space", lines: 1 },
    { type: "paragraph", text: "Total payé en 2024 : 1\u202f342,31\u202f€", size: 13, bold: true },
  ],
  footnote: "Attestation établie par Le Portail des Factures.",
};
