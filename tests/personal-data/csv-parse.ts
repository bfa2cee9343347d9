/**
 * A strict reader of the export's CSV (RFC 4180 with `;`, as a spreadsheet reads it), for the
 * tests of tests/personal-data/ and nothing else: rows of cells, quotes undone. Throws on a
 * quote that is not where RFC 4180 allows one, so a badly escaped cell fails the test.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (cell === "" && ch === '"') {
      // A quoted cell: up to the closing quote ("" is a quote).
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted cell");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += text[i++];
      }
      if (i < text.length && text[i] !== ";" && text[i] !== "\r") throw new Error(`text after a closing quote at ${i}`);
      continue;
    }
    if (ch === ";") {
      endCell();
      i++;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      endCell();
      rows.push(row);
      row = [];
      i += 2;
    } else if (ch === '"' || ch === "\n" || ch === "\r") {
      throw new Error(`unquoted ${JSON.stringify(ch)} at ${i}`);
    } else {
      cell += ch;
      i++;
    }
  }
  if (cell !== "" || row.length > 0) throw new Error("last line without CRLF");
  return rows;
}
