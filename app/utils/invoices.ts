/** Same values as the SQL enum portal.invoice_status (and InvoiceStatus of app/.server/ports/invoices.ts). */
export type InvoiceStatus = "unpaid" | "paid" | "treasury";

/** The three tabs of "Mes factures": URL value, status, label (docs/e2e-invoices.md). */
export const INVOICE_TABS = [
  { slug: "non-reglees", status: "unpaid", label: "Factures non réglées", empty: "Vous n'avez aucune facture non réglée." },
  { slug: "reglees", status: "paid", label: "Factures réglées", empty: "Vous n'avez aucune facture réglée." },
  { slug: "tresorerie", status: "treasury", label: "Factures en trésorerie", empty: "Vous n'avez aucune facture en trésorerie." },
] as const satisfies readonly { slug: string; status: InvoiceStatus; label: string; empty: string }[];

export type InvoiceTab = (typeof INVOICE_TABS)[number];
export type InvoiceTabSlug = InvoiceTab["slug"];

export function tabOfStatus(status: InvoiceStatus): InvoiceTab {
  return INVOICE_TABS.find((t) => t.status === status)!;
}

/** The status in words, on an invoice's page. */
export const STATUS_IN_WORDS: Record<InvoiceStatus, string> = {
  unpaid: "Non réglée",
  paid: "Réglée",
  treasury: "Transmise en trésorerie (ne peut plus être payée sur le portail)",
};

/** What treasury means, as the manual says it; shown on the treasury tab and on such an invoice. */
export const TREASURY_EXPLANATION =
  "Les factures en trésorerie n'ont pas été réglées dans les délais imposés : elles ont été transmises au Trésor public (trésorerie). " +
  "Elles ne peuvent plus être payées sur ce portail. Un avis de somme à payer vous sera transmis par courrier pour procéder au règlement.";
