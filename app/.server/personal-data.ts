import type { InvoiceStatus } from "./ports/invoices";
import type { PaymentProvider, PaymentStatus } from "./ports/payment";
import type { PersonalData } from "./ports/personal-data";
import { requireResident } from "./resident";
import { withSession } from "./session-response";

/**
 * « Télécharger mes données »: the two files of the RGPD right of access, built from one read of
 * the resident's data (app/.server/ports/personal-data.ts). Their format, field by field, is
 * docs/personal-data-export.md; why this shape: docs/decisions/0033-personal-data-export.md.
 *
 *   * JSON: a documented, versioned structure with French keys (the file is the resident's);
 *   * CSV: one file for a spreadsheet (French Excel): `;` separator, UTF-8 with a BOM, CRLF,
 *     decimal comma, dates JJ/MM/AAAA and times HH:MM in France; one table whose first column,
 *     « Rubrique », says what each row is; cells a spreadsheet would take for a formula are
 *     defused (OWASP "CSV injection").
 */

export type PersonalDataFormat = "json" | "csv";

/** The value of the JSON file's `format` field; `version` changes when a field changes meaning or goes. */
export const PERSONAL_DATA_FORMAT = "portail-des-factures/donnees-personnelles";
export const PERSONAL_DATA_VERSION = 1;

// Words -------------------------------------------------------------------------------------------

/** Each status: its code in the JSON file, its words in the CSV file. */
const INVOICE_STATUS: Record<InvoiceStatus, [code: string, words: string]> = {
  unpaid: ["non_reglee", "Non réglée"],
  paid: ["reglee", "Réglée"],
  treasury: ["tresorerie", "En trésorerie"],
};
const PAYMENT_STATUS: Record<PaymentStatus, [code: string, words: string]> = {
  pending: ["en_attente", "En attente du résultat"],
  paid: ["paye", "Payé"],
  refused: ["refuse", "Refusé"],
  abandoned: ["abandonne", "Abandonné"],
  expired: ["expire", "N'a pas abouti"],
  error: ["erreur", "N'a pas pu commencer"],
  reported: ["signale", "Signalé, en attente de confirmation par le service"],
  rejected: ["rejete", "Non confirmé par le service"],
};
const PROVIDER_NAME: Record<PaymentProvider, string> = { payfip_ws: "PayFiP", tipi: "TIPI" };

/** An amount in the JSON file: the exact cents, and the euros as a number (24311 → 243.11). */
const amount = (cents: number) => ({ montantCentimes: cents, montantEuros: Number((cents / 100).toFixed(2)) });

// JSON --------------------------------------------------------------------------------------------

/** The JSON file's object (docs/personal-data-export.md). */
export function personalDataJson(d: PersonalData) {
  const { email, createdAt, activatedAt, lastSignInAt } = d.account;
  return {
    format: PERSONAL_DATA_FORMAT,
    version: PERSONAL_DATA_VERSION,
    genereLe: d.generatedAt,
    portail: d.portalName,
    compte: { adresseMail: email, creeLe: createdAt, activeLe: activatedAt, derniereConnexionLe: lastSignInAt },
    contrats: d.customers.map((c) => ({
      numeroAbonne: c.customerNumber,
      nom: c.displayName,
      service: c.serviceName,
      adresseMailConnueDuService: c.email,
      facturesPapier: c.paperInvoices,
    })),
    factures: d.invoices.map((i) => ({
      numero: i.number,
      service: i.serviceName,
      numeroAbonne: i.customerNumber,
      objet: i.object,
      emiseLe: i.issuedOn,
      echeanceLe: i.dueOn,
      ...amount(i.amountCents),
      statut: INVOICE_STATUS[i.status][0],
      regleeLe: i.paidAt,
    })),
    paiementsEnLigne: d.payments.map((p) => ({
      creeLe: p.createdAt,
      statut: PAYMENT_STATUS[p.status][0],
      regleLe: p.transactionAt,
      ...amount(p.amountCents),
      factures: p.invoiceNumbers,
      service: p.serviceName,
      prestataire: PROVIDER_NAME[p.provider],
      referenceDette: p.refdet,
      identifiantOperation: p.idop,
      numeroAutorisation: p.numauto,
    })),
    messagesAuService: d.messages.map((m) => ({
      envoyeLe: m.createdAt,
      service: m.serviceName,
      nomExpediteur: m.senderName,
      adresseMailExpediteur: m.senderEmail,
      numerosAbonne: m.customerNumbers,
      objet: m.subject,
      message: m.body,
    })),
    demandesArretPapier: d.paperOptoutRequests.map((r) => ({ demandeeLe: r.requestedAt, numeroAbonne: r.customerNumber, service: r.serviceName })),
  };
}

// CSV ---------------------------------------------------------------------------------------------

/** The CSV's columns, in order (docs/personal-data-export.md, "CSV"). */
export const CSV_COLUMNS = [
  "Rubrique",
  "Date",
  "Heure",
  "Service",
  "Numéro d'abonné",
  "Nom",
  "Adresse mail",
  "Factures papier",
  "Numéro de facture",
  "Objet",
  "Échéance",
  "Montant (euros)",
  "Montant (centimes)",
  "Statut",
  "Réglé le",
  "Prestataire",
  "Référence de la dette",
  "Identifiant de l'opération",
  "Numéro d'autorisation",
  "Message",
] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];
type CsvRow = Partial<Record<CsvColumn, string>>;

/** The « Rubrique » of each kind of row. */
export const CSV_SECTIONS = {
  accountCreated: "Compte : création",
  accountActivated: "Compte : activation",
  lastSignIn: "Compte : dernière connexion",
  customer: "Contrat",
  invoice: "Facture",
  payment: "Paiement en ligne",
  message: "Message au service",
  paperOptout: "Demande d'arrêt des factures papier",
} as const;

const parisDate = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", day: "2-digit", month: "2-digit", year: "numeric" });
const parisTime = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** An ISO timestamp → { Date: "JJ/MM/AAAA", Heure: "HH:MM" } in France (empty when null). */
function moment(iso: string | null): CsvRow {
  if (!iso) return {};
  const at = new Date(iso);
  return { Date: parisDate.format(at), Heure: parisTime.format(at) };
}

/** An SQL date "2017-07-10" → "10/07/2017", by its digits. */
function day(sqlDate: string): string {
  const [y, m, d] = sqlDate.split("-");
  return `${d}/${m}/${y}`;
}

/** 24311 → "243,11": no thousands separator, so a spreadsheet reads it as a number. */
export function csvEuros(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

/**
 * One cell: a text a spreadsheet would run as a formula (starting with = + - @, a tab or a
 * carriage return) gets a leading apostrophe (OWASP "CSV injection"); a cell with `;`, a quote
 * or a line break is quoted, its quotes doubled. Numbers we write (amounts, dates) never start
 * with one of those characters.
 */
export function csvCell(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

function csvRows(d: PersonalData): CsvRow[] {
  const S = CSV_SECTIONS;
  const email = d.account.email;
  return [
    { Rubrique: S.accountCreated, ...moment(d.account.createdAt), "Adresse mail": email },
    { Rubrique: S.accountActivated, ...moment(d.account.activatedAt), "Adresse mail": email },
    { Rubrique: S.lastSignIn, ...moment(d.account.lastSignInAt), "Adresse mail": email },
    ...d.customers.map((c) => ({
      Rubrique: S.customer,
      Service: c.serviceName,
      "Numéro d'abonné": c.customerNumber,
      Nom: c.displayName,
      "Adresse mail": c.email ?? "",
      "Factures papier": c.paperInvoices ? "Oui" : "Non",
    })),
    ...d.invoices.map((i) => ({
      Rubrique: S.invoice,
      Date: day(i.issuedOn),
      Service: i.serviceName,
      "Numéro d'abonné": i.customerNumber,
      "Numéro de facture": i.number,
      Objet: i.object,
      Échéance: day(i.dueOn),
      "Montant (euros)": csvEuros(i.amountCents),
      "Montant (centimes)": String(i.amountCents),
      Statut: INVOICE_STATUS[i.status][1],
      "Réglé le": i.paidAt ? (moment(i.paidAt).Date ?? "") : "",
    })),
    ...d.payments.map((p) => ({
      Rubrique: S.payment,
      ...moment(p.createdAt),
      Service: p.serviceName ?? "",
      "Numéro de facture": p.invoiceNumbers.join(", "),
      "Montant (euros)": csvEuros(p.amountCents),
      "Montant (centimes)": String(p.amountCents),
      Statut: PAYMENT_STATUS[p.status][1],
      "Réglé le": p.transactionAt ? (moment(p.transactionAt).Date ?? "") : "",
      Prestataire: PROVIDER_NAME[p.provider],
      "Référence de la dette": p.refdet,
      "Identifiant de l'opération": p.idop ?? "",
      "Numéro d'autorisation": p.numauto ?? "",
    })),
    ...d.messages.map((m) => ({
      Rubrique: S.message,
      ...moment(m.createdAt),
      Service: m.serviceName ?? "",
      "Numéro d'abonné": m.customerNumbers.join(", "),
      Nom: m.senderName,
      "Adresse mail": m.senderEmail,
      Objet: m.subject ?? "",
      Message: m.body,
    })),
    ...d.paperOptoutRequests.map((r) => ({
      Rubrique: S.paperOptout,
      ...moment(r.requestedAt),
      Service: r.serviceName ?? "",
      "Numéro d'abonné": r.customerNumber ?? "",
    })),
  ];
}

/** The CSV file's text: BOM, header, one line per row, CRLF. */
export function personalDataCsv(d: PersonalData): string {
  const lines = [CSV_COLUMNS.join(";"), ...csvRows(d).map((row) => CSV_COLUMNS.map((col) => csvCell(row[col] ?? "")).join(";"))];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

// The download ------------------------------------------------------------------------------------

/** "mes-donnees-portail-2026-11-30.json": the day the file was made, in France. */
export function personalDataFileName(generatedAt: string, format: PersonalDataFormat): string {
  const [d, m, y] = parisDate.format(new Date(generatedAt)).split("/");
  return `mes-donnees-portail-${y}-${m}-${d}.${format}`;
}

const CONTENT_TYPE: Record<PersonalDataFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

/**
 * The loader of a download route (/mes-donnees.json, /mes-donnees.csv): the signed-in resident's
 * own data as an attachment, never cached, with the session's headers. A visitor is sent to the
 * login page, and a session found ended in SQL too (requireResident).
 */
export async function personalDataDownload(request: Request, format: PersonalDataFormat): Promise<Response> {
  const { accounts, personalData } = await requireResident(request, { personalData: true });
  const data = await personalData.personalData();
  const body = format === "json" ? `${JSON.stringify(personalDataJson(data), null, 2)}\n` : personalDataCsv(data);
  const headers = new Headers(withSession(accounts).headers);
  headers.set("Content-Type", CONTENT_TYPE[format]);
  headers.set("Content-Disposition", `attachment; filename="${personalDataFileName(data.generatedAt, format)}"`);
  // Personal data: never kept by a cache, nor sniffed as something else.
  headers.set("Cache-Control", "no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(body, { status: 200, headers });
}
