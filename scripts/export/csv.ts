/**
 * The exports' CSV, in the import's conventions (docs/import.md, app/.server/import/csv.ts reads it
 * back): `;` between cells, CRLF line ends, a header line of French column names, a cell quoted
 * with `"` (doubled inside) when it holds `;`, `"` or a line break; Windows-1252 or UTF-8 with a
 * BOM (so that a spreadsheet recognises it too).
 */
import { encodeWindows1252, WINDOWS_1252_EXTRA } from "../../app/.server/import/windows-1252";
import type { ExportEncoding } from "./options";

function cell(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(";") + "\r\n").join("");
}

/** 1234,50 from integer cents (decimal comma, no thousands separator: what the import reads). */
export function decimalComma(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

const inWindows1252 = (ch: string) => {
  const code = ch.codePointAt(0)!;
  return code < 0x80 || (code >= 0xa0 && code <= 0xff) || ch in WINDOWS_1252_EXTRA;
};

/**
 * Windows-1252 cannot write every character (a name with « ő », an emoji): such a character is
 * written without its accent when that is enough (ő → o), else as `?`; `replaced` counts them, so
 * the command can say so and suggest --encodage utf-8.
 */
export function encodeExport(text: string, encoding: ExportEncoding): { bytes: Uint8Array; replaced: number } {
  if (encoding === "utf-8") {
    const body = new TextEncoder().encode(text);
    const bytes = new Uint8Array(body.length + 3);
    bytes.set([0xef, 0xbb, 0xbf]);
    bytes.set(body, 3);
    return { bytes, replaced: 0 };
  }
  let replaced = 0;
  let safe = "";
  for (const ch of text.normalize("NFC")) {
    if (inWindows1252(ch)) {
      safe += ch;
      continue;
    }
    replaced++;
    const bare = ch.normalize("NFKD").replace(/\p{M}/gu, "");
    safe += [...bare].every(inWindows1252) && bare !== "" ? bare : "?";
  }
  return { bytes: encodeWindows1252(safe), replaced };
}
