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
 * names: see callJson). Arguments are `RpcCallParams` (./db-types.ts): null only where SQL means
 * something by it (NullableArgs there).
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

/** The functions answering jsonb (`Json` in the generated types): the page functions & co. */
export type JsonRpcName = { [F in RpcName]: Json extends RpcReturns<F> ? F : never }[RpcName];

/** A call of one of them, as `Rpc.call` takes it: the name, then its arguments if it has any. */
export type JsonRpcCall = { [F in JsonRpcName]: [fn: F, ...args: RpcCallParams<F>] }[JsonRpcName];

/**
 * Calls a function answering jsonb and names the shape of its answer. The generated types say
 * only `Json` there (the JSON is built in SQL: the page functions of
 * supabase/migrations/20261126000600_pages.sql, start_payment, apply_payment_result…);
 * the mapper names what it reads, and this is the one place that narrows `Json` to it, after
 * checking it is an object at all (else `rpc.answerError`). Name and arguments are checked like
 * `Rpc.call`'s.
 */
export async function callJson<T extends object>(rpc: Rpc, ...call: JsonRpcCall): Promise<T> {
  const [fn, args] = call;
  // `call` was checked as one of the typed calls; TypeScript cannot follow a union of them back
  // into the generic `Rpc.call`, hence the one widening here.
  const untyped = rpc as unknown as { call(fn: JsonRpcName, args?: object): Promise<Json> };
  const value = await untyped.call(fn, args);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw rpc.answerError(fn, `answered ${JSON.stringify(value)} instead of an object`);
  }
  return value as unknown as T;
}
