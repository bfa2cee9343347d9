import { formatDate, formatEuros } from "~/utils/format";
import { parisDateAndTime, providerLabel } from "~/utils/payment-status";
import { PDF_TEXT_WIDTH, renderPdf, type PdfDocumentSpec } from "./pdf/document";
import type { PaymentReceipt } from "./ports/payment";

/**
 * The « Justificatif de paiement » of a successful online payment: a tagged PDF built with
 * renderPdf (app/.server/pdf/document.ts), from the facts of public.payment_receipt only, so the
 * same payment always gives the same bytes (docs/decisions/0036-payment-history-and-receipt.md).
 */
export function receiptDocument(receipt: PaymentReceipt): PdfDocumentSpec {
  const { date, time } = parisDateAndTime(receipt.paidAt);
  const provider = providerLabel(receipt.provider);
  const references = [`Référence de la transaction : ${receipt.refdet}`];
  if (receipt.idop) references.push(`Identifiant de l'opération ${provider} : ${receipt.idop}`);
  references.push(`Numéro d'autorisation : ${receipt.numauto ?? "non communiqué"}`);
  const amountWidth = 110;
  const issuedWidth = 110;
  return {
    title: `Justificatif de paiement du ${date}`,
    author: receipt.serviceName,
    subject: `Paiement en ligne ${receipt.refdet}`,
    // The day in France of the payment: the PDF's dates come from the payment, not from the clock.
    date: `${date.slice(6, 10)}-${date.slice(3, 5)}-${date.slice(0, 2)}`,
    blocks: [
      { type: "heading", level: 1, text: "Justificatif de paiement" },
      { type: "paragraph", text: receipt.serviceName, bold: true },
      { type: "rule" },
      { type: "heading", level: 2, text: "Payeur" },
      { type: "paragraph", text: receipt.payers.join(", ") || "—" },
      { type: "paragraph", text: `Adresse mail : ${receipt.email}` },
      { type: "heading", level: 2, text: "Paiement" },
      { type: "paragraph", text: `Réglé en ligne le ${date} à ${time} (heure de Paris) par ${provider}.` },
      ...references.map((text) => ({ type: "paragraph" as const, text })),
      { type: "heading", level: 2, text: "Factures réglées" },
      {
        type: "table",
        columns: [
          { header: "Facture n°", width: PDF_TEXT_WIDTH - issuedWidth - amountWidth },
          { header: "Émise le", width: issuedWidth },
          { header: "Montant", width: amountWidth, align: "right" },
        ],
        rows: receipt.invoices.map((invoice) => [invoice.number, formatDate(invoice.issuedOn), formatEuros(invoice.amountCents)]),
      },
      { type: "space", lines: 1 },
      { type: "paragraph", text: `Total réglé : ${formatEuros(receipt.amountCents)}`, size: 13, bold: true },
    ],
    footnote: "Justificatif établi par Le Portail des Factures à partir du résultat du paiement transmis par la DGFiP.",
  };
}

export function receiptPdf(receipt: PaymentReceipt): Uint8Array<ArrayBuffer> {
  return renderPdf(receiptDocument(receipt));
}

/** "justificatif-paiement-2026-11-20-PERF2017020002059.pdf": the day and the reference, letters and digits only. */
export function receiptFileName(receipt: PaymentReceipt): string {
  const { date } = parisDateAndTime(receipt.paidAt);
  const day = `${date.slice(6, 10)}-${date.slice(3, 5)}-${date.slice(0, 2)}`;
  return `justificatif-paiement-${day}-${receipt.refdet.replace(/[^A-Za-z0-9]/g, "")}.pdf`;
}
