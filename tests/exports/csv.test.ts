/**
 * The exports' files read back by the import's own CSV reader (app/.server/import/csv.ts): both
 * encodings, `;` and quotes inside cells, CRLF, the BOM, and what Windows-1252 cannot write.
 */
import { describe, expect, test } from "vitest";
import { decodeText, parseCsv } from "~/.server/import/csv";
import { csvText, decimalComma, encodeExport } from "../../scripts/export/csv";
import { EXPORTS, rowOf } from "../../scripts/export/kinds";

const line = {
  numcli: "004200",
  service_name: "Régie « Eau & Assainissement »; secteur Nord",
  customer_number: "RIV00013",
  name: 'Dubœuf; François "dit Fanfan"',
  requested_on: "03/12/2026",
  requested_time: "08:00:00",
  paper: "non",
};

describe("CSV of an export", () => {
  test.each(["windows-1252", "utf-8"] as const)("%s: the import's reader gets back every cell", (encoding) => {
    const text = csvText(EXPORTS.papier.header, [rowOf("papier", line), rowOf("papier", { ...line, customer_number: "RIV00014", name: "Hélène Lefèvre — 12 €" })]);
    const { bytes, replaced } = encodeExport(text, encoding);
    expect(replaced).toBe(0);
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe(encoding === "utf-8" ? "utf-8 (BOM)" : "windows-1252");
    const parsed = parseCsv(decoded.text);
    expect(parsed.separator).toBe(";");
    expect(parsed.records.map((r) => r.fields)).toEqual([
      [...EXPORTS.papier.header],
      ["004200", line.service_name, "RIV00013", line.name, "03/12/2026", "08:00:00", "non"],
      ["004200", line.service_name, "RIV00014", "Hélène Lefèvre — 12 €", "03/12/2026", "08:00:00", "non"],
    ]);
    expect(decoded.text.endsWith("\r\n")).toBe(true);
    expect(decoded.text.split("\r\n")).toHaveLength(4);
  });

  test("Windows-1252: a character it lacks loses its accent, else becomes ?, and is counted", () => {
    const { bytes, replaced } = encodeExport("Erdős;Ωmega;Zoë\r\n", "windows-1252");
    expect(replaced).toBe(2);
    expect(decodeText(bytes).text).toBe("Erdos;?mega;Zoë\r\n");
  });

  test("amounts with a decimal comma, as the import reads them", () => {
    expect([0, 5, 1234, 124311, 10000000].map(decimalComma)).toEqual(["0,00", "0,05", "12,34", "1243,11", "100000,00"]);
    expect(rowOf("paiements", { amount_cents: 24311, numcli: "004200" })).toContain("243,11");
  });

  test("the header of each export names its columns in French, one per key", () => {
    for (const definition of Object.values(EXPORTS)) expect(definition.header).toHaveLength(definition.keys.length);
  });
});
