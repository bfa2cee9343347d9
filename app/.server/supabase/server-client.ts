import { createServerClient, parseCookieHeader, serializeCookieHeader, type CookieOptions } from "@supabase/ssr";
import type { JWK } from "@supabase/supabase-js";
import type { Database, PortalClient } from "../data/db-types";
import { clientKey } from "../client-key";
import { SupabaseAdapterError } from "./errors";
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
  /** Anon-key client carrying the resident's session from the request cookies, typed by the schema. */
  client: PortalClient;
  /**
   * Set-Cookie headers (and the no-cache headers @supabase/ssr asks for when it writes cookies).
   * The route merges them into its response — every response, redirects and errors included,
   * or a refreshed session is lost.
   */
  headers: Headers;
}

/** GoTrue's header for the end user's address (docs/supabase.md, "IP address forwarding"). */
export const FORWARDED_FOR_HEADER = "Sb-Forwarded-For";

/**
 * Whether the portal's session cookies are `Secure` for this request: the request came over
 * https (behind a trusted proxy the HTTP wrapper rewrites request.url to the public origin), or
 * the configured public origin is https (TLS ended before the server).
 */
export function secureCookies(request: Request, settings: SupabaseSettings): boolean {
  return new URL(request.url).protocol === "https:" || new URL(settings.siteUrl).protocol === "https:";
}

/**
 * The resident's address to forward to Auth: the one the HTTP server recorded (x-client-ip, see
 * clientKey), only when it is an IP address — GoTrue ignores anything else (it parses the first
 * value as an IP address and logs a warning otherwise).
 */
export function forwardedFor(request: Request): string | undefined {
  const address = clientKey(request);
  const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  const ipv6 = /^(?=.*:.*:)[0-9A-Fa-f:.]{2,45}$/;
  return ipv4.test(address) || ipv6.test(address) ? address : undefined;
}

/** Headers every Auth call made for this request carries (the resident's address, when known). */
export function residentHeaders(request: Request): Record<string, string> {
  const address = forwardedFor(request);
  return address ? { [FORWARDED_FOR_HEADER]: address } : {};
}

/* ------------------------------------------------------------------ the project's signing keys */

/** How long the project's public signing keys are used before being asked again (auth-js: the same). */
export const JWKS_TTL_MS = 10 * 60 * 1000;
/**
 * A token naming a key the cached set does not have asks the set again at most this often: a
 * key just rotated in is found within a minute, and a forged `kid` cannot turn every request
 * into a round trip to Auth.
 */
export const JWKS_UNKNOWN_KID_INTERVAL_MS = 60 * 1000;

interface CachedKeys {
  keys: JWK[];
  fetchedAt: number;
}

/**
 * The public keys of each project (GoTrue's `/auth/v1/.well-known/jwks.json`), once per process:
 * the portal opens one client per request, and auth-js's own cache (shared by storage key) fetches
 * again for every unknown `kid` and for every concurrent first request. One fetch at a time.
 */
const jwksCache = new Map<string, CachedKeys>();
const jwksInFlight = new Map<string, Promise<CachedKeys>>();

/** Tests only: forget the cached keys, as a new process would. */
export function forgetSigningKeys(): void {
  jwksCache.clear();
  jwksInFlight.clear();
}

async function fetchSigningKeys(settings: SupabaseSettings): Promise<CachedKeys> {
  const operation = "GET /auth/v1/.well-known/jwks.json";
  let response: Response;
  try {
    response = await fetch(`${settings.url.replace(/\/+$/, "")}/auth/v1/.well-known/jwks.json`, { headers: { apikey: settings.anonKey } });
  } catch (error) {
    throw new SupabaseAdapterError(`Supabase Auth ${operation} failed (network error): ${String(error)}`, { operation }, { cause: error });
  }
  if (!response.ok) {
    throw new SupabaseAdapterError(`Supabase Auth ${operation} failed (HTTP ${response.status})`, { operation, status: response.status });
  }
  const body = (await response.json().catch(() => null)) as { keys?: unknown } | null;
  const keys = Array.isArray(body?.keys) ? (body.keys as JWK[]).filter((key) => typeof key === "object" && key !== null && typeof key.kid === "string") : [];
  return { keys, fetchedAt: Date.now() };
}

/** Asks the project's keys again, one request at a time; a failure keeps the previous keys (logged). */
async function refreshSigningKeys(settings: SupabaseSettings): Promise<CachedKeys> {
  let pending = jwksInFlight.get(settings.url);
  if (!pending) {
    pending = fetchSigningKeys(settings)
      .then((fresh) => {
        jwksCache.set(settings.url, fresh);
        return fresh;
      })
      .catch((error: unknown) => {
        const previous = jwksCache.get(settings.url);
        if (!previous) throw error;
        console.error(`${error instanceof Error ? error.message : String(error)}; the previous signing keys are used meanwhile.`);
        return previous;
      })
      .finally(() => jwksInFlight.delete(settings.url));
    jwksInFlight.set(settings.url, pending);
  }
  return pending;
}

/**
 * The project's public key `kid` (for `auth.getClaims(token, { jwks })`), or null when the project
 * does not publish it. Fetched once per process and JWKS_TTL_MS; throws (error page, not a logout)
 * when Auth cannot be asked and no key was ever fetched.
 */
export async function signingKey(settings: SupabaseSettings, kid: string): Promise<JWK | null> {
  const now = Date.now();
  const cached = jwksCache.get(settings.url);
  const found = cached?.keys.find((key) => key.kid === kid);
  if (cached && now - cached.fetchedAt < (found ? JWKS_TTL_MS : JWKS_UNKNOWN_KID_INTERVAL_MS)) return found ?? null;
  const fresh = await refreshSigningKeys(settings);
  return fresh.keys.find((key) => key.kid === kid) ?? null;
}

/**
 * One client per HTTP request (never shared between requests): cookies are read from the
 * request's Cookie header and written to `headers`. Trust a user only through
 * `client.auth.getClaims()` (accounts.ts: verified locally with the project's asymmetric signing
 * keys, or by GoTrue for a legacy HS256 secret), never `getSession()`.
 *
 * Every call it makes carries `Sb-Forwarded-For` with the resident's address, so that Auth's
 * per-IP limits (token refresh, logins, link verifications…) count each resident instead of the
 * portal's server — when the project honours the header (docs/supabase.md, "Rate limits").
 */
export async function createRequestClient(
  request: Request,
  settings: SupabaseSettings,
  options: RequestClientOptions = {},
): Promise<RequestSupabase> {
  const headers = new Headers();
  const browserSession = options.sessionCookies === "browser-session";
  const secure = secureCookies(request, settings);

  const client = createServerClient<Database>(settings.url, settings.anonKey, {
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
    global: { fetch: (input, init) => fetch(input, init), headers: residentHeaders(request) },
  });
  return { client, headers };
}

function withoutLifetime(options: CookieOptions): CookieOptions {
  const deleting = options.maxAge !== undefined && options.maxAge <= 0;
  if (deleting) return options;
  const { maxAge: _maxAge, expires: _expires, ...rest } = options;
  return rest;
}
