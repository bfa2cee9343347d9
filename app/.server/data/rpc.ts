/**
 * The one way the data ports reach SQL: call a `public.*` function by name with named
 * arguments, get back exactly the JSON PostgREST answers (docs/decisions/0014-one-page-one-call.md):
 *   * a scalar function: its value (jsonb as is, uuid/text as a string, boolean, number…);
 *   * a set-returning function: an array of row objects;
 *   * PostgreSQL's own JSON for values: dates "YYYY-MM-DD", bigint as a number, timestamptz
 *     "YYYY-MM-DDTHH:MM:SS…+00:00".
 * Two implementations: app/.server/supabase/rpc.ts (supabase-js `client.rpc`, one PostgREST
 * request) and app/.server/embedded/rpc.ts (one PGlite transaction as the caller).
 */
export interface Rpc {
  call<T>(fn: string, args?: Record<string, unknown>): Promise<T>;
}

/** SQLSTATE raised by portal.require_live_session() (PostgREST answers it with HTTP 401). */
export const SESSION_ENDED_SQLSTATE = "PT401";

/**
 * The caller's Auth session is no longer live (logged out, replaced by a new login, ended by a
 * password change): SQL refused the call. app/.server/resident.ts ends the session and sends the
 * resident to the login page.
 */
export class SessionEndedError extends Error {
  override name = "SessionEndedError";
  constructor(readonly fn: string, options?: { cause?: unknown }) {
    super(`${fn}: the Auth session is no longer live`, options);
  }
}
