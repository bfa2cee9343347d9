/**
 * A one-page invoice PDF, tagged and deterministic, through the portal's document builder
 * (app/.server/pdf/document.ts, docs/decisions/0023-pdf-library.md). Used by the demo PDFs
 * (npm run pdfs:demo), the import's sample set and its generator (npm run generate:sample), and
 * the import tests.
 */
import { PDF_TEXT_WIDTH, renderPdf, type PdfColumn } from "../../app/.server/pdf/document";

export interface PdfInvoice {
  number: string;
  customerName: string;
  customerNumber: string;
  issuedOn: string; // YYYY-MM-DD
  dueOn: string;
  amountCents: number;
  object: string;
}

export interface PdfService {
  numcli: string;
  name: string;
  address: string;
}

const frDate = (iso: string) => iso.split("-").reverse().join("/");
const EUROS = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const frAmount = (cents: number) => EUROS.format(cents / 100);

/** pdfkit writes metadata into XML unescaped: the builder refuses <, > and &, so they become spaces there. */
const xmlSafe = (text: string) => text.replace(/[<>&]/g, " ");

const COLUMNS: PdfColumn[] = [
  { header: "Facture n°", width: 110 },
  { header: "Date", width: 70 },
  { header: "Échéance", width: 70 },
  { header: "Objet", width: PDF_TEXT_WIDTH - 110 - 70 - 70 - 95 },
  { header: "Montant", width: 95, align: "right" },
];

export function buildPdf(invoice: PdfInvoice, service: PdfService): Uint8Array {
  const amount = frAmount(invoice.amountCents);
  return renderPdf({
    title: `Facture ${invoice.number}`,
    author: xmlSafe(service.name),
    subject: xmlSafe(`Facture ${invoice.number} de ${service.name}`),
    date: invoice.issuedOn,
    blocks: [
      { type: "heading", level: 1, text: `Facture n° ${invoice.number}` },
      { type: "paragraph", text: service.name, bold: true },
      { type: "paragraph", text: service.address },
      { type: "paragraph", text: `Identifiant collectivité (TIPI) : ${service.numcli}` },
      { type: "heading", level: 2, text: "Abonné" },
      { type: "paragraph", text: invoice.customerName },
      { type: "paragraph", text: `Numéro d'abonné : ${invoice.customerNumber}` },
      { type: "heading", level: 2, text: "Détail de la facture" },
      {
        type: "table",
        columns: COLUMNS,
        rows: [[invoice.number, frDate(invoice.issuedOn), frDate(invoice.dueOn), invoice.object, amount]],
      },
      { type: "space", lines: 0.5 },
      { type: "paragraph", text: `Montant à payer : ${amount}`, size: 14, bold: true },
      { type: "space", lines: 1 },
      { type: "paragraph", text: "Paiement en ligne possible sur Le Portail des Factures (PayFiP).", size: 10 },
    ],
    footnote: "Document de démonstration sans valeur comptable.",
  });
}
