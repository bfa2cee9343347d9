/** Encodes text as Windows-1252 (what French spreadsheets save as "CSV (séparateur : point-virgule)"). */
/** Characters of 0x80–0x9F in Windows-1252 (WinAnsiEncoding in PDFs is the same table). */
export const WINDOWS_1252_EXTRA: Record<string, number> = {
  "€": 0x80, "‚": 0x82, "ƒ": 0x83, "„": 0x84, "…": 0x85, "†": 0x86, "‡": 0x87, "ˆ": 0x88, "‰": 0x89,
  "Š": 0x8a, "‹": 0x8b, "Œ": 0x8c, "Ž": 0x8e, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "•": 0x95,
  "–": 0x96, "—": 0x97, "˜": 0x98, "™": 0x99, "š": 0x9a, "›": 0x9b, "œ": 0x9c, "ž": 0x9e, "Ÿ": 0x9f,
};

export function encodeWindows1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let i = 0;
  for (const ch of text.normalize("NFC")) {
    const code = ch.codePointAt(0)!;
    const byte = WINDOWS_1252_EXTRA[ch] ?? (code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : undefined);
    if (byte === undefined) throw new Error(`Character not in Windows-1252: ${ch}`);
    out[i++] = byte;
  }
  return out.subarray(0, i);
}
