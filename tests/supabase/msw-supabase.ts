import { http, HttpResponse } from "msw";
import { parseEnv, type Env } from "~/.server/env";

/**
 * Shared fixtures for the Supabase adapter tests: a project URL and keys that look like a real
 * project's, and helpers that answer like PostgREST and GoTrue do. No network: MSW intercepts
 * fetch and every request without a handler fails the test (onUnhandledRequest: "error").
 */
export const SUPABASE_URL = "https://abcdefghijklmnopqrst.supabase.co";
export const ANON_KEY = "anon-key-for-tests";
export const SERVICE_ROLE_KEY = "service-role-key-for-tests";
export const AUTH_COOKIE = "sb-abcdefghijklmnopqrst-auth-token";

export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({
    NODE_ENV: "test",
    SUPABASE_URL,
    SUPABASE_ANON_KEY: ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
    SITE_URL: "https://factures.example.fr",
    ...overrides,
  });
}

/** PostgREST's answer when the function is not in its schema cache (e.g. migration not applied). */
export function pgrst202(name: string) {
  return {
    code: "PGRST202",
    details: `Searched for the function public.${name} without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
    hint: null,
    message: `Could not find the function public.${name} without parameters in the schema cache`,
  };
}

function base64url(value: string): string {
  return Buffer.from(value).toString("base64url");
}

/** A session id as GoTrue puts it in the access token (`session_id`, a UUID of auth.sessions). */
export const SESSION_ID = "5e550000-0000-4000-8000-000000000001";

/**
 * One entry of the access token's `amr` claim as GoTrue writes it: the method that opened the
 * session and when, in seconds. POST /verify writes "otp" for every e-mail link type, a password
 * login "password" (docs/decisions/0005-supabase-accounts-adapter.md, "What GoTrue does").
 */
export interface AmrEntry {
  method: string;
  timestamp: number;
}

export interface TokenClaims {
  sessionId?: string;
  amr?: AmrEntry[];
  /** Seconds since the epoch; default one hour from now. */
  exp?: number;
}

/**
 * An access token shaped like GoTrue's:
 * sub, email, role, aud, exp, session_id, aal, amr. HS256 with a dummy signature: a project on the
 * legacy secret, whose tokens GoTrue checks (GET /user, answered by these tests). signing-keys.ts
 * re-signs them for real (ES256) for a project with asymmetric signing keys.
 */
export function fakeAccessToken(userId: string, email: string, claims: TokenClaims = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const exp = claims.exp ?? now + 3600;
  return [
    base64url(JSON.stringify({ alg: "HS256", typ: "JWT" })),
    base64url(
      JSON.stringify({
        sub: userId,
        email,
        role: "authenticated",
        aud: "authenticated",
        exp,
        iat: exp - 3600,
        session_id: claims.sessionId ?? SESSION_ID,
        aal: "aal1",
        amr: claims.amr ?? [{ method: "password", timestamp: now }],
        is_anonymous: false,
      }),
    ),
    base64url("signature"), // well-formed base64url, as auth-js's getClaims requires
  ].join(".");
}

export function fakeUser(userId: string, email: string) {
  return {
    id: userId,
    aud: "authenticated",
    role: "authenticated",
    email,
    email_confirmed_at: "2026-11-26T10:00:00Z",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    identities: [],
    created_at: "2026-11-26T10:00:00Z",
    updated_at: "2026-11-26T10:00:00Z",
  };
}

/** GoTrue's session body (POST /auth/v1/verify, /auth/v1/token). */
export function fakeSession(userId: string, email: string, claims: TokenClaims & { refreshToken?: string } = {}) {
  const accessToken = fakeAccessToken(userId, email, claims);
  const { exp } = JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()) as { exp: number };
  return {
    access_token: accessToken,
    token_type: "bearer",
    expires_in: 3600,
    expires_at: exp,
    refresh_token: claims.refreshToken ?? "refresh-token-1",
    user: fakeUser(userId, email),
  };
}

/**
 * GoTrue's error answer (docs/decisions/0005-supabase-accounts-adapter.md, "What GoTrue does").
 * A request carrying `X-Supabase-Api-Version: 2024-01-01` (auth-js always sends it) gets
 * `{code: <error code>, message}` and the version echoed in the same header; a request without it
 * gets the legacy `{code: <HTTP status>, error_code, msg}`. Both carry `x-sb-error-code`.
 */
export function gotrueError(status: number, code: string, message: string, request?: Request): Response {
  const version = request ? request.headers.get("X-Supabase-Api-Version") : "2024-01-01";
  const headers: Record<string, string> = { "x-sb-error-code": code };
  if (version && Date.parse(`${version}T00:00:00Z`) >= Date.parse("2024-01-01T00:00:00Z")) {
    headers["X-Supabase-Api-Version"] = "2024-01-01";
    return HttpResponse.json({ code, message }, { status, headers });
  }
  return HttpResponse.json({ code: status, error_code: code, msg: message }, { status, headers });
}

/**
 * GoTrue's messages, as it sends them (docs/decisions/0005-…, "What GoTrue does"). Both 429 e-mail answers share the code
 * `over_email_send_rate_limit`; only the text tells them apart.
 */
export const GOTRUE_MESSAGES = {
  /** This address got the same kind of e-mail less than max_frequency ago. */
  frequency: (seconds: number) => `For security purposes, you can only request this after ${seconds} seconds.`,
  /** The project's hourly e-mail budget (rate_limit_email_sent) is spent. */
  emailBudget: "email rate limit exceeded",
  /** An IP bucket (token_refresh, sign_in_sign_ups, token_verifications…) is empty. */
  requestRate: "Request rate limit reached",
} as const;

/** A request as the MSW handlers saw it: what the adapter sent, for shape assertions. */
export interface SeenRequest {
  method: string;
  path: string;
  apikey: string | null;
  authorization: string | null;
  body: unknown;
}

/**
 * Records requests into one array for the whole file, emptied (in place) after each test, and
 * MSW handlers for the resident's user lookup and for PostgREST RPCs that record what they get.
 */
export function requestRecorder(userId: string, email: string) {
  const seen: SeenRequest[] = [];
  async function record(request: Request) {
    const text = await request.clone().text();
    seen.push({
      method: request.method,
      path: decodeURIComponent(new URL(request.url).pathname),
      apikey: request.headers.get("apikey"),
      authorization: request.headers.get("authorization"),
      body: text ? (JSON.parse(text) as unknown) : undefined,
    });
  }
  const userHandler = () => http.get(`${SUPABASE_URL}/auth/v1/user`, async () => HttpResponse.json(fakeUser(userId, email)));
  const rpc = (name: string, answer: () => Response) =>
    http.post(`${SUPABASE_URL}/rest/v1/rpc/${name}`, async ({ request }) => {
      await record(request);
      return answer();
    });
  return { seen, record, userHandler, rpc, clear: () => void (seen.length = 0) };
}

/** The value @supabase/ssr stores in the sb-*-auth-token cookie: "base64-" + base64url(JSON of the session). */
export function cookieValueFor(session: object): string {
  return `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
}

/** The Set-Cookie line for `name`, if any. */
export function cookieLine(headers: Headers, name: string): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** The session stored in the sb-* cookie written to the response. */
export function storedSession(headers: Headers): { access_token: string; refresh_token: string } {
  const line = cookieLine(headers, AUTH_COOKIE);
  if (!line) throw new Error("no auth cookie written");
  const value = decodeURIComponent(line.split(";")[0]!.slice(AUTH_COOKIE.length + 1));
  return JSON.parse(Buffer.from(value.replace(/^base64-/, ""), "base64url").toString()) as { access_token: string; refresh_token: string };
}

/**
 * The cookies a browser would send next after receiving `headers` on top of `previous`
 * (name → value; Max-Age=0 deletes), as a Cookie header value.
 */
export function nextCookieHeader(headers: Headers, previous: Record<string, string> = {}): string {
  const jar = new Map(Object.entries(previous));
  for (const line of headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";").map((s) => s.trim());
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq);
    if (attrs.some((a) => /^max-age=0$/i.test(a))) jar.delete(name);
    else jar.set(name, pair!.slice(eq + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
