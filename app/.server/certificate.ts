/**
 * « Attestation de paiement »: the yearly payment certificate of a customer record as a tagged,
 * deterministic PDF (app/.server/pdf/document.ts), and what the download route needs around it:
 * its URL, its file name, the validation of its parameters. What is on it and why:
 * docs/decisions/0037-payment-certificates.md.
 */
import { z } from "zod";
import { formatDate, formatEuros } from "~/utils/format";
import type { CertificateKey, PaymentCertificate } from "./ports/certificates";
import { PDF_TEXT_WIDTH, renderPdf, winAnsiText, type PdfBlock, type PdfColumn, type PdfDocumentSpec } from "./pdf/document";

/** The years a certificate may be asked for: four digits, from 2000 to 2099. */
export const CERTIFICATE_YEARS = { min: 2000, max: 2099 } as const;

/**
 * The download route's parameters: /attestations/<customer record's id>/<year>.pdf. The record's
 * id, not its customer number (unique within its service only, and a personal identifier that
 * URLs would carry into logs, history and the login page's redirectTo).
 */
export const CertificateParams = z.object({
  abonne: z.guid().transform((id) => id.toLowerCase()),
  fichier: z
    .string()
    .regex(/^\d{4}\.pdf$/)
    .transform((name) => Number(name.slice(0, 4)))
    .pipe(z.number().int().min(CERTIFICATE_YEARS.min).max(CERTIFICATE_YEARS.max)),
});

/** The route's params as a certificate key, or null for anything malformed (the route answers 404). */
export function parseCertificateParams(params: Record<string, string | undefined>): CertificateKey | null {
  const parsed = CertificateParams.safeParse(params);
  if (!parsed.success) return null;
  return { customerId: parsed.data.abonne, year: parsed.data.fichier };
}

/** "/attestations/c0000000-0000-4000-8000-000000000001/2017.pdf" */
export function certificateUrl(key: CertificateKey): string {
  return `/attestations/${key.customerId}/${key.year}.pdf`;
}

/** Letters and digits of `text`, accents removed, the rest as single dashes. */
function slug(text: string, max: number): string {
  const ascii = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  return ascii.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, max).replace(/-+$/, "");
}

/** "attestation-service-multi-services-de-demonstration-SISTEC560-2017.pdf" */
export function certificateFileName(certificate: PaymentCertificate): string {
  const service = slug(certificate.service.name, 60).toLowerCase() || certificate.service.numcli;
  const customer = slug(certificate.customer.customerNumber, 50) || "abonne";
  return `attestation-${service}-${customer}-${certificate.year}.pdf`;
}

const COLUMNS: PdfColumn[] = [
  { header: "Date de paiement", width: 95 },
  { header: "Facture n°", width: 110 },
  { header: "Objet", width: PDF_TEXT_WIDTH - 95 - 110 - 95 },
  { header: "Montant", width: 95, align: "right" },
];

/** pdfkit writes metadata into XML unescaped: the builder refuses <, > and &, so they become spaces there. */
const xmlSafe = (text: string) => text.replace(/[<>&]/g, " ");

/** Names come from the service's data: a character Helvetica cannot show becomes "?" rather than failing the download. */
function printable(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC")) {
    try {
      out += winAnsiText(ch);
    } catch {
      out += "?";
    }
  }
  return out;
}

const addressBlock = (address: string | null): PdfBlock[] => (address ? [{ type: "paragraph", text: address }] : []);

/**
 * The document: title, the service (name, address), the customer (name, number), the year, the
 * invoices paid that year in a table with header cells, the total, the service as signatory.
 * Its date is the last payment's (no clock): the same certificate gives the same bytes.
 */
export function certificateSpec(input: PaymentCertificate): PdfDocumentSpec {
  const certificate = printableCertificate(input);
  const { service, customer, year, invoices, totalCents } = certificate;
  const total = formatEuros(totalCents);
  const count = invoices.length === 1 ? "la facture suivante" : `les ${invoices.length} factures suivantes`;
  const lastPaidOn = invoices.reduce((last, i) => (i.paidOn > last ? i.paidOn : last), invoices[0]?.paidOn ?? `${year}-01-01`);
  const title = `Attestation de paiement ${year} - ${customer.customerNumber}`;
  return {
    title: xmlSafe(title),
    author: xmlSafe(service.name),
    subject: xmlSafe(`Attestation de paiement ${year} de ${service.name} pour l'abonné ${customer.customerNumber}`),
    date: lastPaidOn,
    blocks: [
      { type: "heading", level: 1, text: `Attestation de paiement ${year}` },
      { type: "paragraph", text: service.name, bold: true },
      ...addressBlock(service.postalAddress),
      { type: "heading", level: 2, text: "Abonné" },
      { type: "paragraph", text: customer.displayName },
      { type: "paragraph", text: `Numéro d'abonné : ${customer.customerNumber}` },
      { type: "heading", level: 2, text: `Factures payées en ${year}` },
      {
        type: "paragraph",
        text: `${service.name} atteste que ${count}, au nom de ${customer.displayName} (abonné n° ${customer.customerNumber}), ont été payées entre le 1er janvier et le 31 décembre ${year}, pour un total de ${total}.`,
      },
      { type: "space", lines: 0.5 },
      {
        type: "table",
        columns: COLUMNS,
        rows: invoices.map((i) => [formatDate(i.paidOn), i.number, i.object, formatEuros(i.amountCents)]),
      },
      { type: "space", lines: 0.5 },
      { type: "paragraph", text: `Total payé en ${year} : ${total}`, size: 14, bold: true },
      { type: "space", lines: 1 },
      { type: "paragraph", text: "Attestation délivrée pour servir et valoir ce que de droit." },
      { type: "paragraph", text: `Pour ${service.name}`, bold: true },
      ...addressBlock(service.postalAddress),
    ],
    footnote: `Seuls figurent les paiements dont la date est connue du service (paiements en ligne et paiements enregistrés avec leur date), datés en heure de Paris. Identifiant collectivité (TIPI) : ${service.numcli}.`,
  };
}

function printableCertificate(c: PaymentCertificate): PaymentCertificate {
  return {
    ...c,
    service: { ...c.service, name: printable(c.service.name), postalAddress: c.service.postalAddress === null ? null : printable(c.service.postalAddress) },
    customer: { customerNumber: printable(c.customer.customerNumber), displayName: printable(c.customer.displayName) },
    invoices: c.invoices.map((i) => ({ ...i, number: printable(i.number), object: printable(i.object) })),
  };
}

export function certificatePdf(certificate: PaymentCertificate): Uint8Array<ArrayBuffer> {
  return renderPdf(certificateSpec(certificate));
}

/** The PDF as an attachment: personal data, so never kept by a shared cache, nor sniffed as something else. */
export function certificateDownload(certificate: PaymentCertificate, sessionHeaders: HeadersInit | undefined): Response {
  const pdf = certificatePdf(certificate);
  const headers = new Headers(sessionHeaders);
  for (const [name, value] of Object.entries({
    "Content-Type": "application/pdf",
    "Content-Length": String(pdf.byteLength),
    "Content-Disposition": `attachment; filename="${certificateFileName(certificate)}"`,
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
  })) {
    headers.set(name, value);
  }
  return new Response(pdf, { status: 200, headers });
}

/** A resource route renders no React: a small French page, the same for every refusal. */
const NOT_FOUND_PAGE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Attestation introuvable — Le Portail des Factures</title></head>
<body><main><h1>Attestation introuvable</h1>
<p>Cette attestation n'existe pas ou ne concerne pas un abonné rattaché à votre compte.</p>
<p><a href="/attestations">Voir mes attestations de paiement</a></p></main></body></html>
`;

export function certificateNotFound(sessionHeaders: HeadersInit | undefined): Response {
  const headers = new Headers(sessionHeaders);
  headers.set("Content-Type", "text/html; charset=utf-8");
  headers.set("Cache-Control", "private, no-store");
  return new Response(NOT_FOUND_PAGE, { status: 404, headers });
}
