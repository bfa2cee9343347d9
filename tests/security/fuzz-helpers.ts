/**
 * Generators and request builders of the form fuzz test (tests/security/fuzz-forms.test.ts,
 * tests/security/README.md): malformed requests as a compact model (fast-check shrinks and prints
 * it), turned into real `Request`s — urlencoded, multipart, broken multipart, JSON, text, no
 * Content-Type, raw bytes that are not UTF-8 — and the checks every answer goes through.
 */
import fc from "fast-check";
import type { Database } from "~/.server/embedded/database";
import { Browser, ORIGIN } from "../support/route-harness";
import { run, type Handler, type Probe } from "./matrix-helpers";

// The model -----------------------------------------------------------------------------------------

/**
 * A field value: text; bytes that are not UTF-8 (`raw`: written as such in a urlencoded body
 * rather than percent-encoded); or a long run of one string, expanded only when the request is
 * built (a 1 MB value prints as `{ repeat: "a", times: 1048576 }` in a counterexample).
 */
export type Val = string | { bytes: number[]; raw: boolean } | { repeat: string; times: number };

export type Encoding =
  | "urlencoded"
  | "urlencoded-odd-type" // the form's type with odd case and parameters
  | "multipart"
  | "multipart-files" // every part with a filename: the action sees File objects
  | "broken-multipart"
  | "json"
  | "text-plain"
  | "no-content-type"
  | "xml"
  | "octet-stream"
  | "no-body";

export interface FormModel {
  fields: [string, Val][];
  encoding: Encoding;
  /** Which kind of broken multipart (when encoding is broken-multipart). */
  broken: number;
  /** HUGE_AT: a 1 MB value replaces the first field's; else nothing (1 run in 250). */
  huge: number;
  /** MANY_AT: 10 000 extra fields; MANY_AT - 1: 10 000 copies of the first field; else nothing (1 run in 250). */
  many: number;
}

export const ONE_MB = 1 << 20;
/** The heavy inputs sit at the top of their ranges, so that fast-check shrinks away from them. */
export const HUGE_AT = 249;
export const MANY_AT = 499;

// Nasty values --------------------------------------------------------------------------------------

/** Values that broke or could break a form somewhere: control, RTL and odd Unicode, HTML, SQL, numbers. */
export const SPECIAL_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u202Eevil\u202C",
  "\u200B",
  "\uFEFF",
  "\u0008\u001B[31m",
  "\r\n",
  "\t",
  "\u0085\u2028\u2029",
  "\uD800",
  "\uDFFF",
  "e\u0301",
  "ＡＢＣ＠ｅｘｅｍｐｌｅ．ｆｒ",
  "İı ß ﬁ",
  "\u00A0",
  "😀👨‍👩‍👧",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "'; drop table portal.contact_messages; --",
  "' or '1'='1",
  "1); select pg_sleep(5); --",
  "%00",
  "%",
  "%zz",
  "+",
  "&=&=",
  "../../../../etc/passwd",
  "\\\\server\\share",
  "${7*7}{{7*7}}",
  "NaN",
  "Infinity",
  "-1",
  "0",
  "-0",
  "1e308",
  "1e-400",
  "99999999999999999999999999999999",
  "9007199254740993",
  "-2147483649",
  "1.5",
  "0x1F",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "[object Object]",
  "__proto__",
  "constructor",
];

/** Byte sequences that are not UTF-8: lone continuation, overlong NUL, surrogate, truncated, 5-byte, BOM of UTF-16. */
export const INVALID_UTF8: number[][] = [[0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe, 0xff], [0xf4, 0x90, 0x80, 0x80]];

const invalidBytes: fc.Arbitrary<Val> = fc.record({
  bytes: fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.string({ unit: "grapheme-ascii", maxLength: 6 })).map(([bad, text]) => [
    ...new TextEncoder().encode(text),
    ...bad,
  ]),
  raw: fc.boolean(),
});

const longValue: fc.Arbitrary<Val> = fc.record({
  repeat: fc.constantFrom("a", "é", "\u0000", "<", "9", "a@b.fr", "\u202E"),
  times: fc.constantFrom(129, 201, 255, 1001, 5001, 10_001),
});

const numbers: fc.Arbitrary<Val> = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.double().map(String),
);

/** Any value: mostly short and nasty. */
export const nastyValue: fc.Arbitrary<Val> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: numbers },
  { weight: 2, arbitrary: invalidBytes },
  { weight: 1, arbitrary: longValue },
);

/** Field names around the form's own: array-like, other case, padded, NUL, prototype keys, long, empty. */
export function nastyName(names: readonly string[]): fc.Arbitrary<string> {
  const around = names.flatMap((n) => [n, `${n}[]`, `${n}[0]`, `${n}[a][b]`, n.toUpperCase(), ` ${n}`, `${n}\u0000`, `${n}\u202E`]);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(around.length ? around : ["x"])) },
    { weight: 2, arbitrary: fc.constantFrom("", "__proto__", "constructor", "toString", "hasOwnProperty", "a[]", "\u0000", "x".repeat(300), "é", "intent") },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 10 }) },
  );
}

const ENCODINGS: [Encoding, number][] = [
  ["urlencoded", 40],
  ["urlencoded-odd-type", 5],
  ["multipart", 10],
  ["multipart-files", 6],
  ["broken-multipart", 6],
  ["json", 6],
  ["text-plain", 5],
  ["no-content-type", 5],
  ["xml", 2],
  ["octet-stream", 2],
  ["no-body", 3],
];

export const encodingArb: fc.Arbitrary<Encoding> = fc.oneof(...ENCODINGS.map(([e, weight]) => ({ weight, arbitrary: fc.constant(e) })));

/** Only forms (for loaders: the model becomes a query string, the encoding does not matter). */
const formOnly: fc.Arbitrary<Encoding> = fc.constant("urlencoded");

/**
 * A form: each of the route's own fields present most of the time, with a value of its domain
 * (`spec`: valid or nearly) or a nasty one, plus extra fields before and after (repeated names,
 * `a[]`, prototype keys…), one of the body kinds, and now and then 1 MB values or 10 000 fields.
 */
export function formModel(spec: Record<string, fc.Arbitrary<Val>>, options: { query?: boolean; missing?: number } = {}): fc.Arbitrary<FormModel> {
  const names = Object.keys(spec);
  const value = (n: string) => fc.oneof({ weight: 3, arbitrary: spec[n]! }, { weight: 1, arbitrary: nastyValue });
  const own = fc.tuple(...names.map((n) => fc.option(fc.tuple(fc.constant(n), value(n)), { freq: options.missing ?? 6, nil: null })));
  const extra = fc.array(fc.tuple(nastyName(names), fc.oneof(nastyValue, ...names.map((n) => spec[n]!))), { maxLength: 3 });
  return fc
    .record({
      before: fc.oneof({ weight: 4, arbitrary: fc.constant([] as [string, Val][]) }, { weight: 1, arbitrary: extra }),
      own,
      after: fc.oneof({ weight: 2, arbitrary: fc.constant([] as [string, Val][]) }, { weight: 1, arbitrary: extra }),
      encoding: options.query ? formOnly : encodingArb,
      broken: fc.nat(4),
      // Uniform (fast-check favours small numbers otherwise): about 2 runs in 500 each.
      huge: fc.noBias(fc.nat(HUGE_AT)),
      many: fc.noBias(fc.nat(MANY_AT)),
    })
    .map(({ before, own: present, after, encoding, broken, huge, many }) => ({
      fields: [...before, ...present.filter((f): f is [string, Val] => f !== null), ...after],
      encoding,
      broken,
      huge,
      many,
    }));
}

// Building requests ---------------------------------------------------------------------------------

const encoder = new TextEncoder();

function valBytes(v: Val): Uint8Array {
  if (typeof v === "string") return encoder.encode(v);
  if ("bytes" in v) return Uint8Array.from(v.bytes);
  return encoder.encode(v.repeat.repeat(Math.ceil(v.times / Math.max(1, encoder.encode(v.repeat).length))));
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The value as a JS string (JSON, XML): bytes that are not UTF-8 become U+FFFD, as a decoder would. */
export function valText(v: Val): string {
  return typeof v === "string" ? v : new TextDecoder().decode(valBytes(v));
}

/** application/x-www-form-urlencoded serialisation of bytes (UTF-8 already), as browsers do. */
function percentEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString("latin1")
    .replace(/[^A-Za-z0-9*\-._ ]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)
    .replace(/ /g, "+");
}

function concat(chunks: (Uint8Array | string)[]): Uint8Array<ArrayBuffer> {
  const parts = chunks.map((c) => (typeof c === "string" ? encoder.encode(c) : c));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The model's fields with the rare 1 MB value and 10 000 fields applied. */
export function expandFields(model: FormModel): [string, Val][] {
  const fields = [...model.fields];
  if (model.huge === HUGE_AT) {
    const big: Val = { repeat: "a", times: ONE_MB };
    if (fields.length > 0) fields[0] = [fields[0]![0], big];
    else fields.push(["x", big]);
  }
  if (model.many === MANY_AT) for (let i = 0; i < 10_000; i++) fields.push([`champ${i}`, "x"]);
  if (model.many === MANY_AT - 1) {
    const name = fields[0]?.[0] ?? "x";
    for (let i = 0; i < 10_000; i++) fields.push([name, String(i)]);
  }
  return fields;
}

function urlencoded(fields: [string, Val][]): Uint8Array<ArrayBuffer> {
  const chunks: (Uint8Array | string)[] = [];
  fields.forEach(([name, value], i) => {
    if (i > 0) chunks.push("&");
    chunks.push(percentEncode(encoder.encode(name)), "=");
    if (typeof value === "object" && "bytes" in value && value.raw) chunks.push(Uint8Array.from(value.bytes));
    else chunks.push(percentEncode(valBytes(value)));
  });
  return concat(chunks);
}

/** A field name in a multipart header, escaped as the HTML standard says browsers do. */
const partName = (name: string) => name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

function multipart(fields: [string, Val][], boundary: string, files: boolean): Uint8Array<ArrayBuffer> {
  const chunks: (Uint8Array | string)[] = [];
  fields.forEach(([name, value], i) => {
    chunks.push(`--${boundary}\r\nContent-Disposition: form-data; name="${partName(name)}"`);
    if (files) chunks.push(`; filename="piece-${i}.txt"\r\nContent-Type: application/octet-stream`);
    chunks.push("\r\n\r\n", valBytes(value), "\r\n");
  });
  chunks.push(`--${boundary}--\r\n`);
  return concat(chunks);
}

const BOUNDARY = "----formulaireFuzz7MA4YWxkTrZu0gW";

export interface BuiltBody {
  body: Uint8Array<ArrayBuffer> | undefined;
  /** null: no Content-Type header at all. */
  contentType: string | null;
}

/** The body of a POST, from the model. */
export function buildBody(model: FormModel): BuiltBody {
  const fields = expandFields(model);
  switch (model.encoding) {
    case "urlencoded":
      return { body: urlencoded(fields), contentType: "application/x-www-form-urlencoded" };
    case "urlencoded-odd-type":
      return { body: urlencoded(fields), contentType: "Application/X-WWW-Form-URLEncoded ; charset=ISO-8859-1" };
    case "multipart":
      return { body: multipart(fields, BOUNDARY, false), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
    case "multipart-files":
      return { body: multipart(fields, BOUNDARY, true), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
    case "broken-multipart": {
      const whole = multipart(fields, BOUNDARY, false);
      switch (model.broken) {
        case 0: // no boundary parameter
          return { body: whole, contentType: "multipart/form-data" };
        case 1: // another boundary than the body's
          return { body: whole, contentType: "multipart/form-data; boundary=autre-frontiere" };
        case 2: // cut before the closing boundary
          return { body: whole.slice(0, Math.max(0, whole.length - BOUNDARY.length - 6)), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
        case 3: // a part without Content-Disposition
          return {
            body: concat([`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nsans nom\r\n`, whole]),
            contentType: `multipart/form-data; boundary=${BOUNDARY}`,
          };
        default: // a urlencoded body declared multipart
          return { body: urlencoded(fields), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
      }
    }
    case "json":
      return {
        body: encoder.encode(JSON.stringify(Object.fromEntries(fields.map(([k, v]) => [k, valText(v)])))),
        contentType: "application/json",
      };
    case "text-plain":
      // What an HTML form with enctype="text/plain" sends.
      return { body: concat(fields.flatMap(([k, v]) => [k, "=", valBytes(v), "\r\n"])), contentType: "text/plain" };
    case "no-content-type":
      return { body: urlencoded(fields), contentType: null };
    case "xml":
      return {
        body: encoder.encode(`<?xml version="1.0"?><form>${fields.map(([k, v]) => `<f n="${escapeXml(k)}">${escapeXml(valText(v))}</f>`).join("")}</form>`),
        contentType: "application/xml",
      };
    case "octet-stream":
      return { body: urlencoded(fields), contentType: "application/octet-stream" };
    case "no-body":
      return { body: undefined, contentType: "application/x-www-form-urlencoded" };
  }
}

/**
 * The model as a query string (for loaders). Bytes that are not UTF-8 travel percent-encoded (a
 * URL cannot carry them raw); `broken` adds escapes that decode to nothing valid now and then.
 */
export function buildQuery(model: FormModel): string {
  const fields = expandFields(model).map(([k, v]): [string, Val] => [k, typeof v === "object" && "bytes" in v ? { bytes: v.bytes, raw: false } : v]);
  const query = new TextDecoder().decode(urlencoded(fields));
  if (model.broken === 0) return `${query}&%zz=%&%`;
  if (model.broken === 1) return `${query}&idop=%E2%82&%C0%80=%ED%A0%80`;
  return query;
}

/** What is odd in a model, for reports (the traits every failing example of a class shares name the class). */
export function modelTraits(model: FormModel): string[] {
  const traits = new Set<string>([model.encoding === "broken-multipart" ? `broken-multipart#${model.broken}` : model.encoding]);
  for (const [name, value] of model.fields) {
    const text = name + (typeof value === "string" ? value : "repeat" in value ? value.repeat : "");
    if (typeof value === "object" && "bytes" in value) traits.add("invalid UTF-8");
    if (typeof value === "object" && "repeat" in value) traits.add("long value");
    if (text.includes("\u0000")) traits.add("NUL");
    if (/[\u202A-\u202E\u2066-\u2069]/.test(text)) traits.add("RTL/bidi");
    if (/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))) traits.add("lone surrogate");
    if (/[<>]/.test(text)) traits.add("HTML");
    if (name.includes("[")) traits.add("a[]-name");
  }
  const names = model.fields.map(([n]) => n);
  if (new Set(names).size < names.length) traits.add("repeated names");
  if (model.huge === HUGE_AT) traits.add("1 MB value");
  if (model.many === MANY_AT) traits.add("10 000 fields");
  if (model.many === MANY_AT - 1) traits.add("10 000 copies of a field");
  return [...traits];
}

/** A short account of a model, for reports (`query`: it was sent as a query string, not a body). */
export function describeModel(model: FormModel, query = false): string {
  const shown = JSON.stringify(model.fields.map(([n, v]) => [n, typeof v === "string" ? (v.length > 40 ? `${v.slice(0, 40)}…` : v) : v]));
  const traits = query ? ["query", ...modelTraits(model).slice(1)] : modelTraits(model);
  return `${traits.join(", ")} ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown}`;
}

// Sending -------------------------------------------------------------------------------------------

export interface RawRequest {
  method: "GET" | "POST";
  /** Path and query, already encoded. */
  path: string;
  body?: Uint8Array<ArrayBuffer>;
  contentType?: string | null;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

/**
 * Calls a loader or action with a raw request (the portal's Origin, the browser's cookies and
 * client address), as tests/security/matrix-helpers.ts's probe does but with any bytes and any
 * Content-Type. Never absorbs cookies. A throw that is not a Response is kept in `threw`.
 */
export async function send(browser: Browser, handler: Handler, req: RawRequest, label: string): Promise<Probe> {
  const headers = new Headers({ "x-client-ip": browser.ip, ...req.headers });
  const cookie = browser.cookieHeader();
  if (cookie) headers.set("cookie", cookie);
  if (req.method === "POST") headers.set("origin", ORIGIN);
  if (req.contentType) headers.set("content-type", req.contentType);
  const request = new Request(`${ORIGIN}${req.path}`, { method: req.method, headers, body: req.method === "POST" ? req.body : undefined });
  return run(handler, request, req.params ?? {}, label);
}

// French ------------------------------------------------------------------------------------------

const FRENCH = new Set(
  (
    "le la les l un une des du de d au aux à a ou et en pour par sur avec dans ce cette cet ces qui que qu ne n pas plus est sont " +
    "votre vos vous nous il elle se s y peut doit saisissez choisissez réessayez écrivez sélectionnez vérifiez utilisez demandez " +
    "adresse mail mot passe message lien service paiement facture factures manquant introuvable incorrect incorrecte inconnue requête " +
    "trop caractères numéro montant objet référence non reconnue"
  ).split(" "),
);
const ENGLISH = new Set("the is of to invalid expected received required must too big small characters string undefined please error input have file".split(" "));

/** A sentence in French: some French words, none of zod's or the platform's English. */
export function isFrench(text: string): boolean {
  const words = text.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
  return words.some((w) => FRENCH.has(w)) && !words.some((w) => ENGLISH.has(w));
}

/** Strings under message-like keys (message, formError, error, errors, fieldErrors), at any depth. */
export function messagesIn(data: unknown): string[] {
  if (typeof data === "string") return [data];
  const out: string[] = [];
  const collect = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === "object") Object.values(v).forEach(collect);
  };
  if (data && typeof data === "object") {
    for (const [key, value] of Object.entries(data)) if (/^(message|formError|error|errors|fieldErrors)$/.test(key)) collect(value);
  }
  return out.filter((s) => s !== "");
}

/** Null when the answer carries at least one message and every message is French; else why not. */
export function frenchProblem(data: unknown): string | null {
  const messages = messagesIn(data);
  if (messages.length === 0) return "no message";
  const english = messages.find((m) => !isFrench(m));
  return english === undefined ? null : `not French: ${JSON.stringify(english.slice(0, 120))}`;
}

// Database state ------------------------------------------------------------------------------------

/**
 * The tables a request may write, each as its row count and the newest transaction that wrote a
 * row (max xmin): an insert, update or delete shows in one or the other. The outbox counts rows
 * only: its sender updates them in the background after each message.
 */
export const WATCHED = {
  contact_messages: "portal.contact_messages",
  email_outbox: "portal.email_outbox",
  paper_optout_requests: "portal.paper_optout_requests",
  payment_attempts: "portal.payment_attempts",
  payment_events: "portal.payment_events",
  invoices: "portal.invoices",
  auth_users: "auth.users",
  auth_sessions: "auth.sessions",
  auth_tokens: "auth.one_time_tokens",
  auth_identities: "auth.identities",
  login_throttle: "portal.login_throttle",
  auth_mail_throttle: "portal.auth_mail_throttle",
  contact_throttle: "portal.contact_throttle",
} as const;

export type Table = keyof typeof WATCHED;
export const TABLES = Object.keys(WATCHED) as Table[];
/** The watched tables' state, and the next transaction id when it was read (`xmax`). */
export type TableState = Record<Table, string> & { xmax: string };

const XMAX_SQL = "select pg_snapshot_xmax(pg_current_snapshot())::text as s";
const STATE_SQL = [
  `select 'xmax' as t, pg_snapshot_xmax(pg_current_snapshot())::text as s`,
  ...TABLES.map((t) => `select '${t}' as t, count(*) || '/' || ${t === "email_outbox" ? "0" : "coalesce(max(xmin::text::bigint), 0)"} as s from ${WATCHED[t]}`),
].join(" union all ");

export async function tableState(db: Database): Promise<TableState> {
  const { rows } = await db.pg.query<{ t: Table | "xmax"; s: string }>(STATE_SQL);
  return Object.fromEntries(rows.map((r) => [r.t, r.s])) as TableState;
}

/**
 * The state again, read cheaply when nothing was written since `known` was read: no transaction
 * that wrote anything has taken a transaction id since then (read-only ones take none).
 */
export async function tableStateSince(db: Database, known: TableState | undefined): Promise<TableState> {
  if (known) {
    const { rows } = await db.pg.query<{ s: string }>(XMAX_SQL);
    if (rows[0]!.s === known.xmax) return known;
  }
  return tableState(db);
}

export function changedTables(before: TableState, after: TableState): Table[] {
  return TABLES.filter((t) => before[t] !== after[t]);
}

/** Throttling state that would stop later runs from reaching the form's validation. */
export async function clearThrottles(db: Database): Promise<void> {
  await db.pg.exec("delete from portal.login_throttle; delete from portal.auth_mail_throttle; delete from portal.contact_throttle;");
}

/** A browser from a client address of its own. */
let visitors = 0;
export function visitor(): Browser {
  const browser = new Browser();
  browser.ip = `2001:db8:f022::${(++visitors).toString(16)}`;
  return browser;
}
