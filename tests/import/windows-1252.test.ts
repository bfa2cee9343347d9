import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeText } from "~/.server/import/csv";
import { encodeWindows1252, WINDOWS_1252_EXTRA } from "~/.server/import/windows-1252";

/**
 * The import decodes Windows-1252 with the platform's TextDecoder alone (docs/decisions/0022-import-libraries.md):
 * every one of the 256 bytes must decode as the WHATWG Encoding Standard's index-windows-1252 says,
 * on the Node that runs the import and on Deno. Node 20 failed this (0x80–0x9F came out as C1
 * controls); a runtime that fails it again must not run the import.
 */
const WHATWG_0X80_0X9F = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];
/** Byte → code point: ASCII and 0xA0–0xFF are Latin-1; 0x80–0x9F from the table above. */
const WHATWG = Array.from({ length: 256 }, (_, byte) => (byte >= 0x80 && byte <= 0x9f ? WHATWG_0X80_0X9F[byte - 0x80]! : byte));

const DECODE_ALL = `const t = new TextDecoder("windows-1252").decode(Uint8Array.from({ length: 256 }, (_, b) => b));
console.log(JSON.stringify([...t].map((c) => c.codePointAt(0))));`;

describe("Windows-1252 through TextDecoder", () => {
  it("decodes all 256 bytes as WHATWG's table on this Node", () => {
    const all = new TextDecoder("windows-1252").decode(Uint8Array.from({ length: 256 }, (_, b) => b));
    expect([...all].map((c) => c.codePointAt(0))).toEqual(WHATWG);
  });

  it("decodes all 256 bytes as WHATWG's table on Deno", () => {
    const deno = join(process.cwd(), "node_modules/.bin/deno");
    const output = execFileSync(deno, ["eval", DECODE_ALL], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(JSON.parse(output)).toEqual(WHATWG);
  });

  it("reads a Windows-1252 export with every non-ASCII character of the table", () => {
    const bytes = Uint8Array.from([0x41, 0x3b, ...Array.from({ length: 128 }, (_, i) => 0x80 + i)]);
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe("windows-1252");
    expect([...decoded.text].map((c) => c.codePointAt(0))).toEqual([0x41, 0x3b, ...WHATWG.slice(0x80)]);
  });

  it("encodes back exactly the characters of the table, C1 controls refused", () => {
    const defined = WHATWG.filter((cp) => cp < 0x80 || cp > 0x9f);
    const text = String.fromCodePoint(...defined);
    const bytes = encodeWindows1252(text);
    expect(new TextDecoder("windows-1252").decode(bytes)).toBe(text);
    expect(Object.keys(WINDOWS_1252_EXTRA)).toHaveLength(27);
    expect(WINDOWS_1252_EXTRA["€"]).toBe(0x80);
    expect(WINDOWS_1252_EXTRA["œ"]).toBe(0x9c);
    expect(() => encodeWindows1252("\u0081")).toThrow(/not in Windows-1252/);
    expect(() => encodeWindows1252("ā")).toThrow(/not in Windows-1252/);
  });
});
