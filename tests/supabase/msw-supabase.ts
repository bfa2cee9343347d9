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

/** An access token shaped like GoTrue's (unsigned here: these tests never verify signatures). */
export function fakeAccessToken(userId: string, email: string): string {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return [
    base64url(JSON.stringify({ alg: "HS256", typ: "JWT" })),
    base64url(JSON.stringify({ sub: userId, email, role: "authenticated", aud: "authenticated", exp })),
    "signature",
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
export function fakeSession(userId: string, email: string) {
  return {
    access_token: fakeAccessToken(userId, email),
    token_type: "bearer",
    expires_in: 3600,
    expires_at: Math.floor(Date.now() / 1000) + 3600,
    refresh_token: "refresh-token-1",
    user: fakeUser(userId, email),
  };
}

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
