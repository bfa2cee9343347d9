/**
 * CSV as French spreadsheets and billing software write it: `;` separator (a tab or `,` is
 * accepted when the header uses it), fields quoted with `"` (doubled inside), CRLF or LF, UTF-8
 * with or without BOM, or Windows-1252 (detected: bytes that are not valid UTF-8). Web-standard
 * APIs only (TextDecoder; docs/decisions/0022-import-libraries.md).
 */

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
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
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

/**
 * Splits the text into records; blank lines are skipped (they keep the line count right).
 * A line without any `"` (nearly every line of an export) is cut with one `split`; a line with a
 * quote goes through the character-by-character reader, which handles quoted separators, doubled
 * quotes and line breaks inside a cell, until its record ends.
 */
export function parseCsv(text: string, separator = detectSeparator(text)): CsvParseResult {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  // Next positions of a quote, CR and LF at or after i (-1: none left), moved forward lazily.
  let nextQuote = text.indexOf('"');
  let nextCr = text.indexOf("\r");
  let nextLf = text.indexOf("\n");
  const after = (found: number, from: number, ch: string) => (found !== -1 && found < from ? text.indexOf(ch, from) : found);

  while (i < text.length) {
    nextQuote = after(nextQuote, i, '"');
    nextCr = after(nextCr, i, "\r");
    nextLf = after(nextLf, i, "\n");
    const eol = nextCr === -1 ? (nextLf === -1 ? text.length : nextLf) : nextLf === -1 ? nextCr : Math.min(nextCr, nextLf);
    if (nextQuote === -1 || nextQuote >= eol) {
      const content = text.slice(i, eol);
      if (content !== "") {
        const fields = content.split(separator);
        // A record: a separator, or a character other than a space or a tab.
        if (fields.length > 1 || /[^ \t]/.test(content)) records.push({ line, fields });
      }
      if (eol === text.length) break;
      i = eol + (text[eol] === "\r" && text[eol + 1] === "\n" ? 2 : 1);
      line++;
      continue;
    }
    const quoted = readQuotedRecord(text, i, line, separator);
    if (quoted.record) records.push(quoted.record);
    if (quoted.unclosedQuoteAt !== undefined) return { separator, records, unclosedQuoteAt: quoted.unclosedQuoteAt };
    i = quoted.end;
    line = quoted.line;
  }
  return { separator, records };
}

/**
 * One record read character by character from `start` (a record's first character): a quote
 * opens a quoted cell when nothing but blanks precedes it in the cell, `""` inside is one quote,
 * separators and line breaks inside are text. Returns where the next record starts and its line.
 */
function readQuotedRecord(
  text: string,
  start: number,
  startLine: number,
  separator: string,
): { record?: CsvRecord; end: number; line: number; unclosedQuoteAt?: number } {
  const fields: string[] = [];
  let field = "";
  let line = startLine;
  let inQuotes = false;
  let quoteStartedAt = 0;
  let fieldStarted = false; // the record has content (so a blank line is not a record)
  const record = () => {
    fields.push(field);
    return fieldStarted || fields.length > 1 ? { line: startLine, fields } : undefined;
  };

  for (let i = start; i < text.length; i++) {
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
      return { record: record(), end: i + 1, line: line + 1 };
    } else {
      field += ch;
      if (ch !== " " && ch !== "\t") fieldStarted = true;
    }
  }
  if (inQuotes) return { record: record(), end: text.length, line, unclosedQuoteAt: quoteStartedAt };
  return { record: field !== "" || fields.length > 0 ? record() : undefined, end: text.length, line };
}
