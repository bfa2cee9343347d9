/**
 * CSV as French spreadsheets and billing software write it: `;` separator (a tab or `,` is
 * accepted when the header uses it), fields quoted with `"` (doubled inside), CRLF or LF, UTF-8
 * with or without BOM, or Windows-1252 (detected: bytes that are not valid UTF-8). Web-standard
 * APIs only (see windows-1252.ts for why TextDecoder alone is not enough on Node 20).
 */
import { decodeWindows1252 } from "./windows-1252";

export type Encoding = "utf-8" | "utf-8 (BOM)" | "windows-1252" | "utf-16le";

export interface DecodedText {
  text: string;
  encoding: Encoding;
}

export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8 (BOM)" };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: "windows-1252" };
  }
}

export interface CsvRecord {
  /** Line number (1-based) in the file where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvParseResult {
  separator: string;
  records: CsvRecord[];
  /** Set when a quoted field is never closed (the rest of the file is then one field). */
  unclosedQuoteAt?: number;
}

/** The separator of the header line: the most frequent of `;`, tab and `,` outside quotes. */
export function detectSeparator(text: string): string {
  const end = text.search(/\r?\n/);
  const header = end === -1 ? text : text.slice(0, end);
  const unquoted = header.replace(/"[^"]*"/g, "");
  const count = (c: string) => unquoted.split(c).length - 1;
  const candidates: Array<[string, number]> = [
    [";", count(";")],
    ["\t", count("\t")],
    [",", count(",")],
  ];
  const best = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ";";
}

/** Splits the text into records; blank lines are skipped (they keep the line count right). */
export function parseCsv(text: string, separator = detectSeparator(text)): CsvParseResult {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteStartedAt = 0;
  let fieldStarted = false; // the record has content (so a blank line is not a record)

  const endRecord = () => {
    fields.push(field);
    if (fieldStarted || fields.length > 1) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
    fieldStarted = false;
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === "") {
      inQuotes = true;
      quoteStartedAt = line;
      field = "";
      fieldStarted = true;
    } else if (ch === separator) {
      fields.push(field);
      field = "";
      fieldStarted = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
      if (ch !== " " && ch !== "\t") fieldStarted = true;
    }
  }
  if (inQuotes) {
    endRecord();
    return { separator, records, unclosedQuoteAt: quoteStartedAt };
  }
  if (field !== "" || fields.length > 0) endRecord();
  return { separator, records };
}
