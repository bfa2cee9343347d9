/**
 * Where classic TIPI results are believed from (docs/decisions/0013-tipi-trust-and-abandon-window.md).
 * A TIPI result carries no signature, and the per-attempt token of urlcl passes through the
 * resident's browser: only a result whose client address (as the HTTP server recorded it:
 * app/.server/accounts.ts clientKey) is in TIPI_TRUSTED_SOURCES may make invoices paid; any
 * other "paid" is recorded as reported, for staff to confirm (public.apply_payment_result).
 *
 * IPv4 and IPv6 addresses and CIDR ranges, compared as integers; an IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1, what a dual-stack socket reports) is its IPv4 address. Pure functions: no
 * imports, usable from app/.server/env.ts.
 */
export interface AddressRange {
  version: 4 | 6;
  /** The first address of the range. */
  base: bigint;
  prefix: number;
}

interface Address {
  version: 4 | 6;
  value: bigint;
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  let rest = text;
  let tail: bigint[] = [];
  // A trailing dotted IPv4 (::ffff:192.0.2.1) is two groups.
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(rest);
  if (dotted) {
    const v4 = parseIpv4(dotted[2]!);
    if (v4 === null) return null;
    rest = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
    tail = [v4 >> 16n, v4 & 0xffffn];
  }
  const halves = rest.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]!);
  const after = halves.length === 2 ? groups(halves[1]!) : [];
  const parsed = [...head, ...after].map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? BigInt(`0x${g}`) : null));
  if (parsed.some((g) => g === null)) return null;
  const explicit = parsed.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const zeros = Array<bigint>(8 - explicit).fill(0n);
  const all = [...(parsed.slice(0, head.length) as bigint[]), ...(halves.length === 2 ? zeros : []), ...(parsed.slice(head.length) as bigint[]), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An address as a server reports it ("192.0.2.1", "::1", "::ffff:192.0.2.1", "[2001:db8::1]", "fe80::1%eth0"), or null. */
export function parseAddress(text: string): Address | null {
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (s.includes(":")) {
    s = s.replace(/%[0-9A-Za-z_.~-]+$/, "");
    const value = parseIpv6(s);
    if (value === null) return null;
    // ::ffff:a.b.c.d (the top 80 bits zero, then 16 ones) is the IPv4 address a.b.c.d.
    if (value >> 32n === 0xffffn) return { version: 4, value: value & 0xffffffffn };
    return { version: 6, value };
  }
  const value = parseIpv4(s);
  return value === null ? null : { version: 4, value };
}

/** "192.0.2.0/24", "198.51.100.7", "2001:db8::/32", "::1": a range, or null when malformed. */
export function parseRange(text: string): AddressRange | null {
  const [addressText, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined || !addressText) return null;
  const address = parseAddress(addressText);
  if (!address) return null;
  // An IPv4-mapped range given in IPv6 form keeps its meaning on IPv4.
  const bits = address.version === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (addressText.includes(":") && address.version === 4) prefix -= 96;
    if (prefix < 0 || prefix > bits) return null;
  }
  const hostBits = BigInt(bits - prefix);
  return { version: address.version, base: (address.value >> hostBits) << hostBits, prefix };
}

/** A comma-separated list (TIPI_TRUSTED_SOURCES): its ranges, and the entries that are not. */
export function parseSourceList(text: string): { ranges: AddressRange[]; invalid: string[] } {
  const ranges: AddressRange[] = [];
  const invalid: string[] = [];
  for (const entry of text.split(",").map((e) => e.trim()).filter((e) => e !== "")) {
    const range = parseRange(entry);
    if (range) ranges.push(range);
    else invalid.push(entry);
  }
  return { ranges, invalid };
}

/** Whether `address` (as the HTTP server recorded it) is in one of `ranges`. */
export function isTrustedSource(address: string, ranges: readonly AddressRange[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return ranges.some((r) => {
    if (r.version !== parsed.version) return false;
    const hostBits = BigInt((r.version === 4 ? 32 : 128) - r.prefix);
    return parsed.value >> hostBits === r.base >> hostBits;
  });
}

/** The embedded default's own machine: where its DGFiP simulator posts from. */
export const LOOPBACK_SOURCES = "127.0.0.0/8, ::1";
