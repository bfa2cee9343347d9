/**
 * Helpers of the security suite (tests/security/README.md): call a route module's loader or
 * action the way the server does, keep what it answered — including a throw that is not a
 * Response, which the server would turn into a 500 — and look for another resident's data in it.
 */
import { expect } from "vitest";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { Database } from "~/.server/embedded/database";
import { formatEuros } from "~/utils/format";
import { Browser, ORIGIN } from "../support/route-harness";

export type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown;

export interface Probe {
  /** What was asked, for failure messages: "GET /factures/… as residentB". */
  label: string;
  status: number;
  location: string | null;
  headers: Headers;
  data: unknown;
  /** The body as text (a Response's text, or the JSON of `data()`): what leak checks read. */
  body: string;
  /** Set when the handler threw something other than a Response (the server answers 500). */
  threw: unknown;
}

export interface ProbeInit {
  method?: "GET" | "POST";
  /** A form body (x-www-form-urlencoded, with the portal's Origin like a browser form). */
  form?: Record<string, string> | URLSearchParams;
  /** A raw body (with `contentType`), for endpoints that take no form. */
  body?: string;
  contentType?: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

function isDataWithInit(value: unknown): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: string }).type === "DataWithResponseInit";
}

let anonymousCount = 0;

/** A browser without a session, from an address of its own (throttling never mixes two probes). */
export function anonymousBrowser(): Browser {
  const browser = new Browser();
  anonymousCount++;
  browser.ip = `2001:db8:5ec::${anonymousCount.toString(16)}`;
  return browser;
}

/**
 * Calls `handler` with `browser`'s cookies and client address. Never absorbs the answer's cookies:
 * a probe leaves the browser's session as it was.
 */
export async function probe(browser: Browser, handler: Handler, path: string, init: ProbeInit = {}, who = "?"): Promise<Probe> {
  const method = init.method ?? (init.form || init.body !== undefined ? "POST" : "GET");
  const headers = new Headers({ cookie: browser.cookieHeader(), "x-client-ip": browser.ip, ...init.headers });
  let body: string | undefined;
  if (method === "POST") {
    headers.set("origin", ORIGIN);
    if (init.body !== undefined) {
      body = init.body;
      headers.set("content-type", init.contentType ?? "text/plain; charset=utf-8");
    } else {
      body = new URLSearchParams(init.form ?? {}).toString();
      headers.set("content-type", "application/x-www-form-urlencoded");
    }
  }
  const request = new Request(`${ORIGIN}${path}`, { method, headers, body });
  const label = `${method} ${path.length > 120 ? `${path.slice(0, 120)}…` : path} as ${who}`;
  return run(handler, request, init.params ?? {}, label);
}

/**
 * Calls a loader or action as the server does and records the answer: a Response or `data()`
 * (JSON bodies parsed), or a throw that is not a Response, kept in `threw` (the server's 500).
 */
export async function run(handler: Handler, request: Request, params: Record<string, string>, label: string): Promise<Probe> {
  let result: unknown;
  try {
    result = await handler({ request, params, context: {} });
  } catch (thrown) {
    result = thrown;
    if (!(thrown instanceof Response) && !isDataWithInit(thrown)) {
      return { label, status: 500, location: null, headers: new Headers(), data: undefined, body: String(thrown), threw: thrown };
    }
  }
  if (result instanceof Response) {
    const text = await result.text();
    let data: unknown = text;
    if (result.headers.get("content-type")?.includes("json")) {
      try {
        data = JSON.parse(text);
      } catch {
        // left as text
      }
    }
    return { label, status: result.status, location: result.headers.get("location"), headers: result.headers, data, body: text, threw: undefined };
  }
  if (isDataWithInit(result)) {
    return {
      label,
      status: result.init?.status ?? 200,
      location: null,
      headers: new Headers(result.init?.headers),
      data: result.data,
      body: JSON.stringify(result.data) ?? "",
      threw: undefined,
    };
  }
  return { label, status: 200, location: null, headers: new Headers(), data: result, body: JSON.stringify(result) ?? "", threw: undefined };
}

/** A short account of a probe, for assertion messages. */
export function describeProbe(p: Probe): string {
  const threw = p.threw ? ` THREW ${String(p.threw).slice(0, 200)}` : "";
  return `${p.label} → ${p.status}${p.location ? ` → ${p.location}` : ""}${threw} ${p.body.slice(0, 200)}`;
}

// Checks ------------------------------------------------------------------------------------------

export type Check = (p: Probe) => void;

/** Every probe: the handler answered (never threw a non-Response error) and no 5xx. */
export function expectAnswered(p: Probe, allow5xx = false): void {
  expect(p.threw, `non-Response error: ${describeProbe(p)}`).toBeUndefined();
  if (!allow5xx) expect(p.status, describeProbe(p)).toBeLessThan(500);
}

export const status =
  (code: number, ...more: Check[]): Check =>
  (p) => {
    expect(p.status, describeProbe(p)).toBe(code);
    for (const check of more) check(p);
  };

export const redirectTo =
  (location: string, code = 302): Check =>
  (p) => {
    expect(p, describeProbe(p)).toRedirectTo(location, { status: code });
  };

/** Where requireUser (app/.server/accounts.ts) sends a visitor without a session. */
export function loginPathFor(path: string): string {
  return path === "/" || path === "/accueil" ? "/connexion" : `/connexion?redirectTo=${encodeURIComponent(path)}`;
}

export const toLogin = (path: string): Check => redirectTo(loginPathFor(path));

export const contains =
  (...needles: string[]): Check =>
  (p) => {
    for (const needle of needles) expect(p.body.includes(needle), `${JSON.stringify(needle)} missing: ${describeProbe(p)}`).toBe(true);
  };

export const ok = (...needles: string[]): Check => status(200, contains(...needles));

export const dataWhere =
  (predicate: (data: Record<string, unknown>) => boolean, what: string): Check =>
  (p) => {
    expect(predicate((p.data ?? {}) as Record<string, unknown>), `${what}: ${describeProbe(p)}`).toBe(true);
  };

/** Passes when one of the checks passes (for answers two designs may give, e.g. a page or a redirect). */
export const oneOf =
  (...checks: Check[]): Check =>
  (p) => {
    const errors: string[] = [];
    for (const check of checks) {
      try {
        check(p);
        return;
      } catch (error) {
        errors.push(String(error));
      }
    }
    expect.fail(`none of the accepted answers: ${errors.join(" | ")}`);
  };

// Another resident's data -------------------------------------------------------------------------

/**
 * Strings that only this resident's pages may contain: invoice numbers, customer names and
 * numbers, formatted amounts and amounts in cents as the loaders serialise them, the e-mail.
 * Anything shared with `others` (same amount, same service) is left out: it would prove nothing.
 */
export async function residentMarkers(db: Database, accountId: string, email: string): Promise<string[]> {
  const { rows } = await db.pg.query<{ number: string; amount_cents: number; display_name: string; customer_number: string }>(
    `select i.number, i.amount_cents::int as amount_cents, c.display_name, c.customer_number
     from portal.invoices i join portal.customers c on c.id = i.customer_id where c.account_id = $1`,
    [accountId],
  );
  expect(rows.length, `resident ${email} has invoices`).toBeGreaterThan(0);
  const markers = new Set<string>([email]);
  for (const r of rows) {
    markers.add(r.number);
    markers.add(r.display_name);
    markers.add(r.customer_number);
    markers.add(formatEuros(r.amount_cents));
    markers.add(`"amountCents":${r.amount_cents}`);
  }
  return [...markers];
}

export function withoutShared(mine: string[], theirs: string[]): string[] {
  const shared = new Set(theirs);
  return mine.filter((m) => !shared.has(m));
}

export function expectNoneOf(p: Probe, markers: string[], whose: string): void {
  const seen = markers.filter((m) => p.body.includes(m) || (p.location ?? "").includes(m));
  expect(seen, `${whose}'s data in ${describeProbe(p)}`).toEqual([]);
}
