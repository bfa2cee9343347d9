/**
 * Windows-1252, both ways. Decoding cannot rely on `new TextDecoder("windows-1252")` alone: on
 * Node 20.20 (checked) it decodes as ISO-8859-1, so bytes 0x80–0x9F (€, œ, ’, …) come out as
 * C1 control characters; Deno decodes them right. `decodeWindows1252` fixes those up afterwards,
 * which is a no-op on a correct runtime.
 */

/** The characters of bytes 0x80–0x9F (0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined: kept as is). */
export const WINDOWS_1252_EXTRA: Record<string, number> = {
  "€": 0x80, "‚": 0x82, "ƒ": 0x83, "„": 0x84, "…": 0x85, "†": 0x86, "‡": 0x87, "ˆ": 0x88, "‰": 0x89,
  "Š": 0x8a, "‹": 0x8b, "Œ": 0x8c, "Ž": 0x8e, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "•": 0x95,
  "–": 0x96, "—": 0x97, "˜": 0x98, "™": 0x99, "š": 0x9a, "›": 0x9b, "œ": 0x9c, "ž": 0x9e, "Ÿ": 0x9f,
};

const C1_TO_CHAR = new Map(Object.entries(WINDOWS_1252_EXTRA).map(([ch, byte]) => [String.fromCharCode(byte), ch]));

export function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder("windows-1252").decode(bytes).replace(/[\u0080-\u009f]/g, (c) => C1_TO_CHAR.get(c) ?? c);
}

/** Encodes text as Windows-1252 (what French spreadsheets save as "CSV (séparateur : point-virgule)"). */
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
