import { createServerClient, parseCookieHeader, serializeCookieHeader, type CookieOptions } from "@supabase/ssr";
import type { SupabaseClient } from "@supabase/supabase-js";
import { realtimeTransport } from "./realtime-transport";
import type { SupabaseSettings } from "./settings";

export interface RequestClientOptions {
  /**
   * "persistent" (default): session cookies kept by the browser (Max-Age set by @supabase/ssr).
   * "browser-session": the same cookies without Max-Age/Expires, dropped when the browser closes
   * ("Se souvenir de moi" unchecked). Deleting cookies (Max-Age=0) is never altered.
   */
  sessionCookies?: "persistent" | "browser-session";
}

export interface RequestSupabase {
  /** Anon-key client carrying the resident's session from the request cookies. */
  client: SupabaseClient;
  /**
   * Set-Cookie headers (and the no-cache headers @supabase/ssr asks for when it writes cookies).
   * The route merges them into its response — every response, redirects and errors included,
   * or a refreshed session is lost.
   */
  headers: Headers;
}

/**
 * One client per HTTP request (never shared between requests): cookies are read from the
 * request's Cookie header and written to `headers`. Trust a user only through
 * `client.auth.getUser()` (or `getClaims()` with asymmetric signing keys), never `getSession()`.
 */
export async function createRequestClient(
  request: Request,
  settings: SupabaseSettings,
  options: RequestClientOptions = {},
): Promise<RequestSupabase> {
  const headers = new Headers();
  const browserSession = options.sessionCookies === "browser-session";
  const secure = settings.siteUrl ? new URL(settings.siteUrl).protocol === "https:" : false;

  const client = createServerClient(settings.url, settings.anonKey, {
    cookies: {
      getAll() {
        return parseCookieHeader(request.headers.get("Cookie") ?? "").map(({ name, value }) => ({ name, value: value ?? "" }));
      },
      setAll(cookies, cacheHeaders) {
        for (const { name, value, options: cookieOptions } of cookies) {
          headers.append("Set-Cookie", serializeCookieHeader(name, value, browserSession ? withoutLifetime(cookieOptions) : cookieOptions));
        }
        for (const [key, value] of Object.entries(cacheHeaders ?? {})) headers.set(key, value);
      },
    },
    // The browser never talks to Supabase (no browser client): the session cookies stay httpOnly.
    cookieOptions: { httpOnly: true, secure, sameSite: "lax", path: "/" },
    realtime: { transport: await realtimeTransport() },
    global: { fetch: (input, init) => fetch(input, init) },
  });
  return { client, headers };
}

function withoutLifetime(options: CookieOptions): CookieOptions {
  const deleting = options.maxAge !== undefined && options.maxAge <= 0;
  if (deleting) return options;
  const { maxAge: _maxAge, expires: _expires, ...rest } = options;
  return rest;
}
