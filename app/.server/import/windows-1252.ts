/**
 * Windows-1252 encoding (what French spreadsheets save as "CSV (séparateur : point-virgule)"), for
 * the sample generators and tests. Decoding needs nothing of ours: `new TextDecoder("windows-1252")`
 * follows the WHATWG table on Node 24 and Deno (checked byte by byte in
 * tests/import/windows-1252.test.ts; docs/decisions/0022-import-libraries.md). The encoding table is
 * that decoder's, read backwards.
 */

const DECODED = new TextDecoder("windows-1252").decode(Uint8Array.from({ length: 256 }, (_, byte) => byte));
// C1 controls (the five bytes Windows-1252 leaves undefined decode to them) are not encoded.
const BYTE_OF = new Map([...DECODED].flatMap((ch, byte) => (/[\u0080-\u009f]/.test(ch) ? [] : [[ch, byte] as const])));

/** The characters of bytes 0x80–0x9F that are not C1 controls (€, œ, ’…): char → byte. */
export const WINDOWS_1252_EXTRA: Record<string, number> = Object.fromEntries(
  [...DECODED].flatMap((ch, byte) => (byte >= 0x80 && byte <= 0x9f && ch.charCodeAt(0) !== byte ? [[ch, byte]] : [])),
);

export function encodeWindows1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let i = 0;
  for (const ch of text.normalize("NFC")) {
    const byte = BYTE_OF.get(ch);
    if (byte === undefined) throw new Error(`Character not in Windows-1252: ${ch}`);
    out[i++] = byte;
  }
  return out.subarray(0, i);
}
