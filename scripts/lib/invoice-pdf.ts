/**
 * A one-page invoice PDF, hand-built (PDF 1.4, Helvetica, WinAnsiEncoding, correct xref table) so
 * no dependency is needed. Used by the demo PDFs (npm run pdfs:demo), the import's sample set and
 * its generator (npm run generate:sample).
 */
import { WINDOWS_1252_EXTRA } from "../../app/.server/import/windows-1252";

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
const frAmount = (cents: number) =>
  new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(cents / 100);

/** A PDF literal string in WinAnsiEncoding, ASCII-only (octal escapes for the rest). */
function pdfString(text: string): string {
  let out = "(";
  for (const ch of text.normalize("NFC")) {
    const code = ch === "\u202f" || ch === "\u00a0" ? 0x20 : (WINDOWS_1252_EXTRA[ch] ?? ch.charCodeAt(0));
    if (code > 0xff) throw new Error(`Character not in WinAnsiEncoding: ${ch}`);
    if (ch === "(" || ch === ")" || ch === "\\") out += "\\" + ch;
    else if (code < 0x20 || code > 0x7e) out += "\\" + code.toString(8).padStart(3, "0");
    else out += String.fromCharCode(code);
  }
  return out + ")";
}

function pageContent(invoice: PdfInvoice, service: PdfService): string {
  const lines: Array<[number, number, number, string]> = [
    // [font size, x, y, text]
    [18, 56, 780, "FACTURE"],
    [11, 56, 755, service.name],
    [11, 56, 740, service.address],
    [11, 56, 725, `Identifiant collectivité (TIPI) : ${service.numcli}`],
    [12, 56, 680, `Abonné : ${invoice.customerName}`],
    [12, 56, 662, `Numéro d'abonné : ${invoice.customerNumber}`],
    [12, 56, 620, `Facture n° ${invoice.number}`],
    [12, 56, 602, `Date : ${frDate(invoice.issuedOn)}`],
    [12, 56, 584, `Échéance : ${frDate(invoice.dueOn)}`],
    [12, 56, 566, `Objet : ${invoice.object}`],
    [14, 56, 536, `Montant à payer : ${frAmount(invoice.amountCents)}`],
    [10, 56, 480, "Paiement en ligne possible sur Le Portail des Factures (PayFiP)."],
    [9, 56, 60, "Document de démonstration sans valeur comptable."],
  ];
  return lines
    .map(([size, x, y, text]) => `BT /F1 ${size} Tf ${x} ${y} Td ${pdfString(text)} Tj ET`)
    .join("\n");
}

export function buildPdf(invoice: PdfInvoice, service: PdfService): Uint8Array {
  const content = pageContent(invoice, service);
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    `<< /Title ${pdfString(`Facture ${invoice.number}`)} /Producer (Le Portail des Factures) >>`,
  ];
  // Everything is ASCII, so string length = byte offset.
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}

