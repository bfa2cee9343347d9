/**
 * From CSV records to checked rows: the columns are found by their header name (accents, case,
 * "n°" and punctuation do not matter; columns the import does not know are ignored), each value is
 * parsed the French way, and every problem becomes a `LineError` with the file, the line, the
 * column and a French sentence saying what to fix. Nothing here touches the database.
 */
import { decodeText, parseCsv, type Encoding } from "./csv";

export type InvoiceStatus = "unpaid" | "paid" | "treasury";

export interface LineError {
  file: string;
  /** 1-based line in the file; 0 for an error about the whole file or a PDF. */
  line: number;
  /** Column as named in the file's header (or the expected name when the column is missing). */
  column?: string;
  message: string;
}

export interface CustomerRow {
  file: string;
  line: number;
  number: string;
  name: string;
  /** Lower-cased; null when the cell is blank (an existing customer keeps its address). */
  email: string | null;
  /** null when the cell is blank (new customer: paper; existing: unchanged). */
  paper: boolean | null;
}

export interface InvoiceRow {
  file: string;
  line: number;
  customer: string;
  number: string;
  issuedOn: string; // YYYY-MM-DD
  dueOn: string;
  amountCents: number;
  object: string;
  status: InvoiceStatus;
}

export type FileKind = "customers" | "invoices";

interface ColumnSpec<K extends string> {
  key: K;
  /** The name shown in messages and in docs/import.md. */
  label: string;
  aliases: string[];
  required: boolean;
}

/** Lower case, no accents, "n°"/"no" → "numero", punctuation → spaces. */
export function normalizeHeader(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/n[°º]/g, "numero ")
    .replace(/[^a-z0-9]+/g, " ")
    .replace(/\bno\b|\bnum\b/g, "numero")
    .replace(/\s+/g, " ")
    .trim();
}

const CUSTOMER_NUMBER_ALIASES = [
  "numero d abonne", "numero abonne", "abonne", "numero de l abonne", "code abonne", "numero client",
  "numero de client", "code client", "client", "reference abonne", "reference client",
];

export const CUSTOMER_COLUMNS: ColumnSpec<"number" | "name" | "email" | "paper">[] = [
  { key: "number", label: "Numéro d'abonné", aliases: CUSTOMER_NUMBER_ALIASES, required: true },
  { key: "name", label: "Nom", aliases: ["nom", "nom de l abonne", "nom abonne", "nom prenom", "raison sociale", "nom complet"], required: true },
  {
    key: "email",
    label: "E-mail",
    aliases: ["e mail", "email", "mail", "courriel", "adresse mail", "adresse e mail", "adresse email", "adresse electronique", "adresse courriel"],
    required: true,
  },
  { key: "paper", label: "Facture papier", aliases: ["facture papier", "factures papier", "papier", "envoi papier"], required: false },
];

export const INVOICE_COLUMNS: ColumnSpec<"customer" | "number" | "issuedOn" | "dueOn" | "amount" | "object" | "status">[] = [
  { key: "customer", label: "Numéro d'abonné", aliases: CUSTOMER_NUMBER_ALIASES, required: true },
  { key: "number", label: "Numéro de facture", aliases: ["numero de facture", "numero facture", "facture", "reference facture"], required: true },
  { key: "issuedOn", label: "Date", aliases: ["date", "date de facture", "date facture", "date d emission", "date emission"], required: true },
  {
    key: "dueOn",
    label: "Échéance",
    aliases: ["echeance", "date d echeance", "date echeance", "date limite de paiement", "date limite"],
    required: true,
  },
  { key: "amount", label: "Montant", aliases: ["montant", "montant ttc", "montant eur", "montant a payer", "montant du", "total ttc"], required: true },
  { key: "object", label: "Objet", aliases: ["objet", "libelle", "objet de la facture"], required: false },
  { key: "status", label: "Statut", aliases: ["statut", "etat", "situation", "statut de la facture"], required: true },
];

export function detectKind(headers: string[]): FileKind | null {
  const normalized = new Set(headers.map(normalizeHeader));
  const has = (spec: ColumnSpec<string>) => spec.aliases.some((a) => normalized.has(a));
  if (has(INVOICE_COLUMNS[1]!) || has(INVOICE_COLUMNS[4]!)) return "invoices";
  if (has(CUSTOMER_COLUMNS[1]!) || has(CUSTOMER_COLUMNS[2]!)) return "customers";
  return null;
}

// Values ----------------------------------------------------------------------------------------

/** dd/mm/yyyy (also d/m/yyyy, with `-` or `.`) → YYYY-MM-DD, or an error in French. */
export function parseFrenchDate(value: string): { ok: true; iso: string } | { ok: false; reason: string } {
  const v = value.trim();
  if (v === "") return { ok: false, reason: "date manquante : écrivez-la au format jj/mm/aaaa (ex. 10/07/2017)" };
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (!m) {
    return { ok: false, reason: `date « ${v} » illisible : écrivez-la au format jj/mm/aaaa (ex. 10/07/2017)` };
  }
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = Number(m[3]);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { ok: false, reason: `date « ${v} » inexistante dans le calendrier : vérifiez le jour et le mois (jj/mm/aaaa)` };
  }
  if (year < 1990 || year > 2100) {
    return { ok: false, reason: `date « ${v} » hors des années possibles (1990 à 2100) : vérifiez l'année` };
  }
  return { ok: true, iso: `${m[3]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` };
}

const MAX_CENTS = 99_999_999_999; // 999 999 999,99 €

/** "243,11", "1 234,5", "1.234,56 €", "243" → cents; decimal comma, at most two decimals. */
export function parseFrenchAmount(value: string): { ok: true; cents: number } | { ok: false; reason: string } {
  const raw = value.trim();
  if (raw === "") return { ok: false, reason: "montant manquant : indiquez le montant de la facture (ex. 243,11)" };
  const v = raw.replace(/\s*(€|eur|euros?)$/i, "").replace(/[\s\u00a0\u202f]/g, "");
  const m = /^([+-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(v);
  if (!m) {
    const hint = /^[+-]?\d+\.\d{1,2}$/.test(v) ? " (la virgule sépare les centimes : 243,11 et non 243.11)" : "";
    return { ok: false, reason: `montant « ${raw} » illisible${hint} : écrivez-le avec une virgule décimale et au plus deux décimales (ex. 243,11)` };
  }
  const cents = Number(m[2]!.replace(/\./g, "")) * 100 + Number((m[3] ?? "0").padEnd(2, "0"));
  if (m[1] === "-" && cents > 0) {
    return { ok: false, reason: `montant négatif (${raw}) : un avoir ou un remboursement ne s'importe pas comme facture ; retirez la ligne ou corrigez le montant` };
  }
  if (cents > MAX_CENTS) return { ok: false, reason: `montant « ${raw} » trop grand : vérifiez la colonne` };
  return { ok: true, cents };
}

export function parseStatus(value: string): { ok: true; status: InvoiceStatus } | { ok: false; reason: string } {
  const v = normalizeHeader(value);
  const known: Record<string, InvoiceStatus> = {
    "non reglee": "unpaid",
    "non regle": "unpaid",
    "non payee": "unpaid",
    impayee: "unpaid",
    "a payer": "unpaid",
    reglee: "paid",
    regle: "paid",
    payee: "paid",
    tresorerie: "treasury",
    "en tresorerie": "treasury",
    "transmise a la tresorerie": "treasury",
    "transmise au tresor public": "treasury",
  };
  const status = known[v];
  if (status) return { ok: true, status };
  if (v === "") return { ok: false, reason: "statut manquant : indiquez « non réglée », « réglée » ou « trésorerie »" };
  return { ok: false, reason: `statut « ${value.trim()} » inconnu : indiquez « non réglée », « réglée » ou « trésorerie »` };
}

export function parsePaperFlag(value: string): { ok: true; paper: boolean | null } | { ok: false; reason: string } {
  const v = normalizeHeader(value);
  if (v === "") return { ok: true, paper: null };
  if (["oui", "o", "1", "vrai", "x", "papier"].includes(v)) return { ok: true, paper: true };
  if (["non", "n", "0", "faux"].includes(v)) return { ok: true, paper: false };
  return { ok: false, reason: `valeur « ${value.trim()} » non comprise : indiquez « oui » (facture papier) ou « non »` };
}

/** Same rule as the database's check on portal.customers.email. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function parseEmail(value: string): { ok: true; email: string | null } | { ok: false; reason: string } {
  const v = value.trim().toLowerCase();
  if (v === "") return { ok: true, email: null };
  if (v.length > 254 || !EMAIL.test(v)) {
    return { ok: false, reason: `adresse « ${value.trim()} » invalide : corrigez-la (ex. prenom.nom@exemple.fr) ou laissez la case vide` };
  }
  return { ok: true, email: v };
}

/** Invoice numbers become PDF object keys (`<numcli>/<number>.pdf`): a safe file name. */
const INVOICE_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;

export function checkInvoiceNumber(value: string): { ok: true; number: string } | { ok: false; reason: string } {
  const v = value.trim();
  if (v === "") return { ok: false, reason: "numéro de facture manquant" };
  if (!INVOICE_NUMBER.test(v) || v.includes("..")) {
    return {
      ok: false,
      reason: `numéro de facture « ${v} » non accepté : 50 caractères au plus, lettres sans accent, chiffres, tirets (-), points ou soulignés (_), sans espace ni barre oblique`,
    };
  }
  return { ok: true, number: v };
}

// Files -----------------------------------------------------------------------------------------

export interface ParsedFile<R> {
  file: string;
  kind: FileKind;
  encoding: Encoding;
  separator: string;
  rows: R[];
  /** Lines with content (header excluded). */
  lineCount: number;
  /** A required column is missing (or the file is empty): no line of it is imported. */
  unusable: boolean;
  /** Every value of the number column, rejected lines included (to match PDFs to lines). */
  mentioned: string[];
  errors: LineError[];
}

export interface CsvInput {
  /** The name shown in messages (as given on the command line). */
  name: string;
  bytes: Uint8Array;
}

/** Reads the header and tells which file it is; null with an error when it is neither. */
export function classifyCsv(input: CsvInput): { kind: FileKind } | { error: LineError } {
  // The header only: the bytes up to the first line feed after some content.
  let end = input.bytes.indexOf(0x0a);
  while (end !== -1 && end < 4) end = input.bytes.indexOf(0x0a, end + 1);
  const { text } = decodeText(end === -1 ? input.bytes : input.bytes.subarray(0, end));
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  const { records } = parseCsv(firstLine);
  const header = records[0];
  if (!header) return { error: { file: input.name, line: 0, message: "fichier vide : exportez-le à nouveau avec sa ligne d'en-tête" } };
  const kind = detectKind(header.fields);
  if (!kind) {
    return {
      error: {
        file: input.name,
        line: header.line,
        message:
          "fichier non reconnu : la première ligne doit nommer les colonnes (« Numéro de facture », « Montant »… pour les factures ; « Nom », « E-mail »… pour les abonnés), séparées par des points-virgules",
      },
    };
  }
  return { kind };
}

interface Table<K extends string> {
  file: string;
  encoding: Encoding;
  separator: string;
  /** Column key → index and header label as written in the file. */
  columns: Partial<Record<K, { index: number; label: string }>>;
  records: Array<{ line: number; get: (key: K) => string }>;
  errors: LineError[];
}

function readTable<K extends string>(input: CsvInput, specs: ColumnSpec<K>[]): Table<K> {
  const { text, encoding } = decodeText(input.bytes);
  const parsed = parseCsv(text);
  const errors: LineError[] = [];
  const [header, ...body] = parsed.records;
  const columns: Partial<Record<K, { index: number; label: string }>> = {};
  if (!header) {
    errors.push({ file: input.name, line: 0, message: "fichier vide : exportez-le à nouveau avec sa ligne d'en-tête" });
    return { file: input.name, encoding, separator: parsed.separator, columns, records: [], errors };
  }
  const normalized = header.fields.map(normalizeHeader);
  for (const spec of specs) {
    const index = normalized.findIndex((h) => spec.aliases.includes(h));
    if (index >= 0) columns[spec.key] = { index, label: header.fields[index]!.trim() };
    else if (spec.required) {
      errors.push({
        file: input.name,
        line: header.line,
        column: spec.label,
        message: `colonne « ${spec.label} » absente de la ligne d'en-tête : ajoutez-la (ou renommez la colonne qui la contient) ; aucune ligne de ce fichier n'est importée`,
      });
    }
  }
  if (parsed.unclosedQuoteAt !== undefined) {
    errors.push({
      file: input.name,
      line: parsed.unclosedQuoteAt,
      message: "guillemet (\") ouvert et jamais fermé : la suite du fichier ne peut pas être lue ; corrigez la cellule puis exportez à nouveau",
    });
  }
  const records = body
    .filter((r) => r.fields.some((f) => f.trim() !== ""))
    .map((r) => ({
      line: r.line,
      get: (key: K) => {
        const column = columns[key];
        return column ? (r.fields[column.index] ?? "").trim() : "";
      },
    }));
  return { file: input.name, encoding, separator: parsed.separator, columns, records, errors };
}

/**
 * An export repeats a handful of values (statuses, paper flags, dates) on every line: each file's
 * parse remembers the answer for each distinct cell value (at most `max` of them).
 */
function remembered<R>(fn: (value: string) => R, max = 10_000): (value: string) => R {
  const answers = new Map<string, R>();
  return (value) => {
    let answer = answers.get(value);
    if (answer === undefined) {
      answer = fn(value);
      if (answers.size < max) answers.set(value, answer);
    }
    return answer;
  };
}

function labelOf<K extends string>(table: Table<K>, specs: ColumnSpec<K>[], key: K): string {
  return table.columns[key]?.label ?? specs.find((s) => s.key === key)!.label;
}

/** Reports a problem on the current line, in the named column (as the file's header writes it). */
type ReportError<K extends string> = (key: K, message: string) => void;

/**
 * The skeleton of both file parsers: read the table, then — unless a required column is missing —
 * turn each record into a row with `makeRowReader()`'s function (made once per file, so it may
 * remember values across lines); a record with any error gives no row.
 */
function parseFile<K extends string, R>(
  input: CsvInput,
  kind: FileKind,
  specs: ColumnSpec<K>[],
  makeRowReader: () => (record: Table<K>["records"][number], err: ReportError<K>) => R | undefined,
): ParsedFile<R> {
  const table = readTable(input, specs);
  const rows: R[] = [];
  const errors = [...table.errors];
  const fileUnusable = errors.some((e) => e.column !== undefined || e.line === 0);
  if (!fileUnusable) {
    const readRow = makeRowReader();
    for (const record of table.records) {
      const before = errors.length;
      const row = readRow(record, (key, message) => errors.push({ file: table.file, line: record.line, column: labelOf(table, specs, key), message }));
      if (row !== undefined && errors.length === before) rows.push(row);
    }
  }
  return {
    file: table.file,
    kind,
    encoding: table.encoding,
    separator: table.separator,
    rows,
    lineCount: table.records.length,
    unusable: fileUnusable,
    // Both kinds of file have a "number" column (the customer's, the invoice's).
    mentioned: table.records.map((r) => r.get("number" as K)),
    errors,
  };
}

export function parseCustomersFile(input: CsvInput): ParsedFile<CustomerRow> {
  return parseFile(input, "customers", CUSTOMER_COLUMNS, () => {
    const seen = new Map<string, number>();
    const paperFlag = remembered(parsePaperFlag);
    return (record, err) => {
      const number = record.get("number");
      if (number === "") err("number", "numéro d'abonné manquant");
      else if (number.length > 50) err("number", "numéro d'abonné trop long (50 caractères au plus)");
      else if (seen.has(number)) {
        err("number", `numéro d'abonné ${number} en double dans le fichier (déjà ligne ${seen.get(number)}) : gardez une seule ligne par abonné`);
      }
      const name = record.get("name");
      if (name === "") err("name", "nom manquant : indiquez le nom de l'abonné tel qu'il figure sur ses factures");
      else if (name.length > 200) err("name", "nom trop long (200 caractères au plus)");
      const email = parseEmail(record.get("email"));
      if (!email.ok) err("email", email.reason);
      const paper = paperFlag(record.get("paper"));
      if (!paper.ok) err("paper", paper.reason);
      if (number !== "" && !seen.has(number)) seen.set(number, record.line);
      if (!email.ok || !paper.ok) return undefined;
      return { file: input.name, line: record.line, number, name, email: email.email, paper: paper.paper };
    };
  });
}

export function parseInvoicesFile(input: CsvInput): ParsedFile<InvoiceRow> {
  return parseFile(input, "invoices", INVOICE_COLUMNS, () => {
    const seen = new Map<string, number>();
    const date = remembered(parseFrenchDate);
    const statusOf = remembered(parseStatus);
    return (record, err) => {
      const customer = record.get("customer");
      if (customer === "") err("customer", "numéro d'abonné manquant : indiquez l'abonné à qui la facture est adressée");
      const number = checkInvoiceNumber(record.get("number"));
      if (!number.ok) err("number", number.reason);
      else if (seen.has(number.number)) {
        err("number", `facture ${number.number} en double dans le fichier (déjà ligne ${seen.get(number.number)}) : gardez une seule ligne par facture`);
      }
      const issued = date(record.get("issuedOn"));
      if (!issued.ok) err("issuedOn", issued.reason);
      const due = date(record.get("dueOn"));
      if (!due.ok) err("dueOn", due.reason);
      if (issued.ok && due.ok && due.iso < issued.iso) {
        err("dueOn", `échéance (${record.get("dueOn")}) antérieure à la date de la facture (${record.get("issuedOn")}) : vérifiez les deux dates`);
      }
      const amount = parseFrenchAmount(record.get("amount"));
      if (!amount.ok) err("amount", amount.reason);
      const object = record.get("object");
      if (object.length > 200) err("object", "objet trop long (200 caractères au plus)");
      const status = statusOf(record.get("status"));
      if (!status.ok) err("status", status.reason);
      if (number.ok && !seen.has(number.number)) seen.set(number.number, record.line);
      if (!number.ok || !issued.ok || !due.ok || !amount.ok || !status.ok) return undefined;
      return {
        file: input.name,
        line: record.line,
        customer,
        number: number.number,
        issuedOn: issued.iso,
        dueOn: due.iso,
        amountCents: amount.cents,
        object,
        status: status.status,
      };
    };
  });
}
