/**
 * The resident's pages with the Supabase backend, against MSW playing Supabase's HTTP API
 * (tests/supabase/msw-supabase.ts): the file's hooks (MSW listening, every `/rest/v1/` request
 * recorded with its JSON body, the Supabase backend in use), the demo resident's signed-in cookie,
 * a loader run the way Remix runs it, and the answers PostgREST and Auth give.
 * Used by tests/supabase/page-requests.test.ts and the Supabase tests of each page's folder.
 */
import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { http, HttpResponse, type JsonBodyType } from "msw";
import { setupServer, type SetupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import { useBackend } from "~/.server/backend";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { AUTH_COOKIE, cookieValueFor, fakeSession, fakeUser, SUPABASE_URL, testEnv } from "../supabase/msw-supabase";

/** The demo resident of supabase/seed.sql, as the fake Supabase knows them. */
export const DEMO_USER = { id: "d0000000-0000-4000-8000-000000000001", email: "demo@demo.fr" } as const;
export const SITE = "https://factures.example.fr";
/** The layout's frame, as the page functions answer it. */
export const FRAME = { portal_name: "Le Portail des Factures", display_name: "Test SISTEC560" };

export type Loader = (args: LoaderFunctionArgs) => unknown;

export interface LoaderResult {
  status: number;
  location: string | null;
  headers: Headers;
  data: unknown;
}

/** What the file's loaders asked PostgREST, in order (emptied after each test). */
export type RestLog = { path: string; body: unknown }[];

/** Registers the file's hooks; the MSW server (`server.use(…)` per test) and the PostgREST log. */
export function useSupabasePages(): { server: SetupServer; rest: RestLog } {
  const server = setupServer();
  const rest: RestLog = [];
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: "error" });
    server.events.on("request:start", async ({ request }) => {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/rest/v1/")) rest.push({ path: url.pathname, body: await request.clone().json().catch(() => null) });
    });
    useBackend(await createSupabaseBackend(testEnv()));
  });
  afterEach(() => {
    server.resetHandlers();
    rest.length = 0;
  });
  afterAll(() => server.close());
  return { server, rest };
}

const signedInCookie = `${AUTH_COOKIE}=${cookieValueFor(fakeSession(DEMO_USER.id, DEMO_USER.email))}`;

/** Runs a loader the way Remix does, for the signed-in demo resident, and reads what it returned or threw. */
export async function runLoader(loader: Loader, path: string, params: Record<string, string> = {}): Promise<LoaderResult> {
  let result: unknown;
  try {
    const request = new Request(`${SITE}${path}`, { headers: { Cookie: signedInCookie, "x-client-ip": "203.0.113.7" } });
    result = await loader({ request, params, context: {} });
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) {
    return { status: result.status, location: result.headers.get("location"), headers: result.headers, data: null };
  }
  const init = (result as { init?: ResponseInit | null }).init;
  return { status: init?.status ?? 200, location: null, headers: new Headers(init?.headers), data: (result as { data: unknown }).data };
}

/** Auth's answer about the signed-in demo resident. */
export const signedInUser = () => http.get(`${SUPABASE_URL}/auth/v1/user`, () => HttpResponse.json(fakeUser(DEMO_USER.id, DEMO_USER.email)));
/** Auth's answer to a logout. */
export const loggedOut = () => http.post(`${SUPABASE_URL}/auth/v1/logout`, () => new HttpResponse(null, { status: 204 }));
/** PostgREST's answer to `rpc/<fn>`. */
export const rpcAnswer = (fn: string, body: JsonBodyType, status = 200) =>
  http.post(`${SUPABASE_URL}/rest/v1/rpc/${fn}`, () => HttpResponse.json(body, { status }));
/** PostgREST's answer to `rpc/<fn>` when portal.require_live_session() refuses: 401 PT401. */
export const sessionEnded = (fn: string) => rpcAnswer(fn, { code: "PT401", details: null, hint: null, message: "session_ended" }, 401);
