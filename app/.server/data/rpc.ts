import type { Json, RpcCallParams, RpcName, RpcReturns } from "./db-types";

/**
 * The one way the data ports reach SQL: call a `public.*` function by name with named
 * arguments, get back exactly the JSON PostgREST answers (docs/decisions/0014-one-page-one-call.md):
 *   * a scalar function: its value (jsonb as is, uuid/text as a string, boolean, number…);
 *   * a set-returning function: an array of row objects;
 *   * PostgreSQL's own JSON for values: dates "YYYY-MM-DD", bigint as a number, timestamptz
 *     "YYYY-MM-DDTHH:MM:SS…+00:00".
 * Two implementations: app/.server/supabase/rpc.ts (supabase-js `client.rpc`, one PostgREST
 * request) and app/.server/embedded/rpc.ts (one PGlite transaction as the caller).
 *
 * Typed by the generated schema (app/.server/database.types.ts, docs/database-types.md): a wrong
 * function name, argument name or argument type fails `npx tsc`; the answer is the function's
 * `Returns` (rows for `returns table`, `Json` for a jsonb page function, whose shape the mapper
 * names: see jsonAs). Arguments are `RpcCallParams` (./db-types.ts): optional ones may be null.
 */
export interface Rpc {
  call<F extends RpcName>(fn: F, ...args: RpcCallParams<F>): Promise<RpcReturns<F>>;
  /**
   * The error a port throws when `fn` answered something it cannot read (`problem`, e.g.
   * "answered null instead of true"): the adapter's own kind, like its call failures
   * (Supabase: a SupabaseAdapterError).
   */
  answerError(fn: RpcName, problem: string): Error;
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

/**
 * The shape of a jsonb answer. The generated types say only `Json` for a function returning jsonb
 * (the page functions, start_payment, apply_payment_result: their JSON is built in SQL, see
 * supabase/migrations/20261201090000_page_functions.sql); the mapper names what it reads, and this
 * is the one place that narrows `Json` to it, after checking it is an object at all.
 */
export function jsonAs<T extends object>(fn: RpcName, value: Json): T {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`rpc ${fn} answered ${JSON.stringify(value)} instead of an object`);
  }
  return value as unknown as T;
}
