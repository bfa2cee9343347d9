/**
 * Custom Vitest matchers for route results, registered for every test file by vitest.config.ts
 * (`setupFiles`). They take a `Response` or an `Outcome` of tests/support/route-harness.ts.
 * Kept free of app imports: a setup module loaded before each file must not load app modules a
 * test may want to mock. Their own tests: tests/support/matchers.test.ts.
 */
import { expect } from "vitest";

/** The embedded session cookie (SESSION_COOKIE of app/.server/embedded/auth.ts; checked in matchers.test.ts). */
export const DEFAULT_SESSION_COOKIE = "pf_session";

/** Base for resolving Location when the response carries no request URL (a Response built in a test). */
const UNKNOWN_REQUEST = "http://request.invalid/";

interface HttpResult {
  status: number;
  headers: Headers;
  /** The request's URL, against which a relative Location resolves. */
  url?: string;
}

function httpResult(received: unknown, matcher: string): HttpResult {
  if (received instanceof Response) return { status: received.status, headers: received.headers, url: received.url };
  const candidate = received as Partial<HttpResult> | null;
  if (typeof candidate === "object" && candidate !== null && typeof candidate.status === "number" && candidate.headers instanceof Headers) {
    return { status: candidate.status, headers: candidate.headers, url: candidate.url };
  }
  throw new TypeError(`${matcher} expects a Response or a route-harness Outcome, got ${String(received)}`);
}

function resolve(location: string, base: string): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

interface SetCookie {
  value: string;
  maxAge: number | null;
  expires: number | null;
}

function setCookiesNamed(headers: Headers, name: string): SetCookie[] {
  const found: SetCookie[] = [];
  for (const line of headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq) !== name) continue;
    const attribute = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const maxAge = attribute("max-age");
    const expires = attribute("expires");
    found.push({ value: pair.slice(eq + 1), maxAge: maxAge === undefined ? null : Number(maxAge), expires: expires === undefined ? null : Date.parse(expires) });
  }
  return found;
}

/** A Set-Cookie that deletes the cookie: empty value, and Max-Age ≤ 0 or an Expires in the past. */
function clears(cookie: SetCookie): boolean {
  const expired = cookie.maxAge !== null ? cookie.maxAge <= 0 : cookie.expires !== null && cookie.expires <= Date.now();
  return cookie.value === "" && expired;
}

expect.extend({
  /**
   * A redirect (3xx, or exactly `options.status`) whose Location, resolved against the request,
   * has the same origin and the same path and query as `path` resolved the same way.
   */
  toRedirectTo(received: unknown, path: string, options: { status?: number } = {}) {
    const result = httpResult(received, "toRedirectTo");
    const base = result.url || UNKNOWN_REQUEST;
    const location = result.headers.get("location");
    const statusOk = options.status === undefined ? result.status >= 300 && result.status < 400 : result.status === options.status;
    const actual = location === null ? null : resolve(location, base);
    const expected = resolve(path, base);
    const locationOk =
      actual !== null && expected !== null && actual.origin === expected.origin && actual.pathname + actual.search === expected.pathname + expected.search;
    const wanted = options.status === undefined ? "a 3xx" : `a ${options.status}`;
    return {
      pass: statusOk && locationOk,
      message: () =>
        `expected ${this.isNot ? "not " : ""}${wanted} redirect to ${this.utils.printExpected(path)}, ` +
        `got status ${this.utils.printReceived(result.status)} with Location ${this.utils.printReceived(location)}`,
    };
  },

  /** Sets the session cookie (a Set-Cookie for it that does not delete it). */
  toHaveSessionCookie(received: unknown, name: string = DEFAULT_SESSION_COOKIE) {
    const result = httpResult(received, "toHaveSessionCookie");
    const cookies = setCookiesNamed(result.headers, name);
    return {
      pass: cookies.some((cookie) => !clears(cookie)),
      message: () =>
        `expected the response ${this.isNot ? "not " : ""}to set the cookie ${this.utils.printExpected(name)}, ` +
        `got Set-Cookie ${this.utils.printReceived(result.headers.getSetCookie())}`,
    };
  },

  /** Deletes the session cookie (empty value, Max-Age ≤ 0 or Expires in the past). */
  toClearSessionCookie(received: unknown, name: string = DEFAULT_SESSION_COOKIE) {
    const result = httpResult(received, "toClearSessionCookie");
    const cookies = setCookiesNamed(result.headers, name);
    return {
      pass: cookies.some(clears),
      message: () =>
        `expected the response ${this.isNot ? "not " : ""}to delete the cookie ${this.utils.printExpected(name)}, ` +
        `got Set-Cookie ${this.utils.printReceived(result.headers.getSetCookie())}`,
    };
  },
});

interface RouteMatchers<R = unknown> {
  /** 3xx (or exactly `status`) with a Location whose path and query equal `path`, on the request's origin. */
  toRedirectTo(path: string, options?: { status?: number }): R;
  /** A Set-Cookie for `name` (default pf_session) that does not delete it. */
  toHaveSessionCookie(name?: string): R;
  /** A Set-Cookie deleting `name` (default pf_session). */
  toClearSessionCookie(name?: string): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends RouteMatchers<T> {}
}
