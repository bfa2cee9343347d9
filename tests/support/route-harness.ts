/**
 * Calls Remix loaders and actions the way the server does (a real Request in, a Response or
 * `data()` out), on a real embedded backend, and carries cookies between calls like a browser.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { useBackend } from "~/.server/backend";
import { createEmbeddedBackendFor } from "~/.server/embedded/backend";
import type { Database } from "~/.server/embedded/database";
import { parseEnv } from "~/.server/env";
import * as confirm from "~/routes/auth.confirm/route";
import { testDatabase } from "./database";

export const ORIGIN = "http://localhost:3000";

export async function startPortal(env: Record<string, string> = {}) {
  const db = await testDatabase();
  const config = parseEnv({ NODE_ENV: "test", SITE_URL: ORIGIN, ...env });
  const backend = createEmbeddedBackendFor(db, config);
  useBackend(backend);
  return { db, backend };
}

/**
 * What a loader or action gives when it does not throw, as the harness hands it over: its value
 * with `data()` unwrapped, redirects and other Responses left out. Not `SerializeFrom` (what
 * the browser receives): the harness calls the function, nothing is serialized.
 */
export type RouteData<H extends Handler> = Unwrapped<Exclude<Awaited<ReturnType<H>>, Response>>;
type Unwrapped<T> = T extends { type: string; data: infer D; init: ResponseInit | null } ? D : T;

export interface Outcome<T = unknown> {
  status: number;
  /**
   * The route's data (`RouteData`) when it answered with a value or `data()`; the body of a
   * Response it returned or threw otherwise (JSON parsed, else text): check `status` first.
   */
  data: T;
  headers: Headers;
  location: string | null;
  /** The request's URL (a relative Location resolves against it: tests/support/matchers.ts). */
  url: string;
}

export type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown;

function isDataWithInit(value: unknown): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: string }).type === "DataWithResponseInit";
}

/** A cookie jar with one browser's cookies (name → value, with whether they persist). */
export class Browser {
  cookies = new Map<string, { value: string; maxAge: number | null }>();
  ip = "198.51.100.10";

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v.value}`).join("; ");
  }

  absorb(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";").map((s) => s.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const maxAgeAttr = attrs.find((a) => a.toLowerCase().startsWith("max-age="));
      const maxAge = maxAgeAttr ? Number(maxAgeAttr.split("=")[1]) : null;
      if (maxAge !== null && maxAge <= 0) this.cookies.delete(name);
      else this.cookies.set(name, { value, maxAge });
    }
  }

  request(path: string, init: { method?: string; form?: Record<string, string> } = {}): Request {
    const headers = new Headers({ cookie: this.cookieHeader(), "x-client-ip": this.ip });
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      headers.set("origin", ORIGIN);
    }
    return new Request(`${ORIGIN}${path}`, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
  }

  async call<H extends Handler>(handler: H, path: string, form?: Record<string, string>, params: Record<string, string> = {}): Promise<Outcome<RouteData<H>>> {
    const request = this.request(path, { form });
    let result: unknown;
    try {
      result = await handler({ request, params, context: {} });
    } catch (thrown) {
      result = thrown;
    }
    let outcome: Outcome;
    if (result instanceof Response) {
      const body = result.headers.get("content-type")?.includes("json") ? await result.json() : await result.text();
      outcome = { status: result.status, data: body, headers: result.headers, location: result.headers.get("location"), url: request.url };
    } else if (isDataWithInit(result)) {
      const headers = new Headers(result.init?.headers);
      outcome = { status: result.init?.status ?? 200, data: result.data, headers, location: null, url: request.url };
    } else {
      outcome = { status: 200, data: result, headers: new Headers(), location: null, url: request.url };
    }
    this.absorb(outcome.headers);
    return outcome as Outcome<RouteData<H>>;
  }
}

/**
 * Follows an e-mail link as a resident does: opens it (GET /auth/confirm shows a page with one
 * button and spends nothing), then presses the button (POST with the link's fields). Returns the
 * GET's outcome when the link is malformed, else the POST's.
 */
export async function followLink(browser: Browser, path: string): Promise<Outcome> {
  const shown = await browser.call(confirm.loader, path);
  if (shown.status !== 200) return shown;
  const fields = Object.fromEntries(new URL(path, ORIGIN).searchParams);
  return browser.call(confirm.action, path, fields);
}

/** The newest e-mail sent to `to` in the embedded outbox, and the link it carries. */
export async function lastEmailTo(db: Database, to: string) {
  const { rows } = await db.pg.query<{ subject: string; text_body: string; html_body: string; kind: string }>(
    "select subject, text_body, html_body, kind from portal.email_outbox where to_address = $1 order by created_at desc, id desc limit 1",
    [to],
  );
  const email = rows[0];
  if (!email) return undefined;
  const link = /(http:\/\/localhost:3000\/auth\/confirm\?[^\s)]+)/.exec(email.text_body)?.[1];
  return { ...email, link, path: link ? link.slice(ORIGIN.length) : undefined };
}

export async function countEmails(db: Database): Promise<number> {
  const { rows } = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.email_outbox");
  return rows[0]!.n;
}
