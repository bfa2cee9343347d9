import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv, type CsvParseResult } from "~/.server/import/csv";

/**
 * parseCsv cuts lines without quotes with `split` and reads the others character by character.
 * It must give exactly what the character-by-character reader alone gave (the import's parser
 * before the fast path, kept here as the reference): same records, fields, line numbers and
 * unclosed-quote report, whatever mix of quotes, separators, blanks and line breaks.
 */
function referenceParseCsv(text: string, separator: string): CsvParseResult {
  const records: CsvParseResult["records"] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteStartedAt = 0;
  let fieldStarted = false;
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

const pieces = ["a", "é", "12,5", " ", "\t", ";", ",", '"', '""', "\r", "\n", "\r\n", "x y"];
const csvText = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((parts) => parts.join(""));

describe("parseCsv's fast path for lines without quotes", () => {
  it("gives the same records as the character-by-character reader, for any text and separator", () => {
    fc.assert(
      fc.property(csvText, fc.constantFrom(";", "\t", ","), (text, separator) => {
        expect(parseCsv(text, separator)).toEqual(referenceParseCsv(text, separator));
      }),
      { numRuns: 3000 },
    );
  });

  it("switches between both readers line by line in a realistic export", () => {
    const text = [
      "Numéro d'abonné;Nom;E-mail;Facture papier;Adresse",
      "AB1;Hélène Lefèvre;a@exemple.fr;oui;\"1 rue de l'Église; 00000 Démoville\"",
      "AB2;Zoë Faÿ;;non;2 rue",
      "",
      "AB3;\"Dubœuf; François\";;oui;\"sur",
      "deux lignes\"",
      "AB4;Léon;;;",
      "   ",
      "AB5;\"dit \"\"oui\"\"\";;;",
    ].join("\r\n");
    const parsed = parseCsv(text);
    expect(parsed).toEqual(referenceParseCsv(text, ";"));
    expect(parsed.records.map((r) => [r.line, r.fields[0], r.fields[1]])).toEqual([
      [1, "Numéro d'abonné", "Nom"],
      [2, "AB1", "Hélène Lefèvre"],
      [3, "AB2", "Zoë Faÿ"],
      [5, "AB3", "Dubœuf; François"],
      [7, "AB4", "Léon"],
      [9, "AB5", 'dit "oui"'],
    ]);
    expect(parsed.records[3]!.fields[4]).toBe("sur\r\ndeux lignes");
  });
});
