import type { SupabaseClient } from "@supabase/supabase-js";
import type { PortalClient, RpcCallParams, RpcName, RpcReturns } from "../data/db-types";
import { SESSION_ENDED_SQLSTATE, SessionEndedError, type Rpc } from "../data/rpc";
import { rpcError, SupabaseAdapterError } from "./errors";

/**
 * Rpc through PostgREST: `client.rpc(fn, args)` is one `POST /rest/v1/rpc/<fn>`, and its JSON is
 * what the data ports map (app/.server/data/resident.ts). `client` is the request's client with
 * the resident's access token (app/.server/supabase/accounts.ts requestClientOf), or the service
 * role's for server-side ports. SQLSTATE PT401 (HTTP 401) from portal.require_live_session(), or
 * PostgREST's own refusal of the user's JWT (401 PGRST30x), is a SessionEndedError; any other
 * failure a SupabaseAdapterError (./errors.ts).
 */
export function createSupabaseRpc(client: () => Promise<PortalClient>): Rpc {
  return {
    async call<F extends RpcName>(fn: F, ...[args]: RpcCallParams<F>): Promise<RpcReturns<F>> {
      // Rpc's signature checked the name and arguments against the schema; supabase-js types
      // `.rpc()` per literal name only, so the generic call goes through callPostgrest.
      return (await callPostgrest(await client(), fn, args)) as RpcReturns<F>;
    },
    answerError: (fn, problem) => new SupabaseAdapterError(`Supabase rpc ${fn} ${problem}`, { operation: `rpc ${fn}` }),
  };
}

async function callPostgrest(client: SupabaseClient, fn: string, args: object | undefined): Promise<unknown> {
  const { data, error, status } = await client.rpc(fn, args ?? {});
  if (error) {
    // PT401: SQL found the session ended; 401 PGRST30x: PostgREST refused the user's JWT
    // itself (expired, invalid). A 401 for a bad API key stays an adapter error.
    if (error.code === SESSION_ENDED_SQLSTATE || (status === 401 && /^PGRST30\d$/.test(error.code ?? ""))) {
      throw new SessionEndedError(fn, { cause: error });
    }
    throw rpcError(`rpc ${fn}`, error, status);
  }
  return data;
}

/**
 * Calls a set-returning SQL function; PostgREST answers a JSON array of rows. Untyped (the row
 * type is the caller's word): for the adapters that build the name at run time (import-target.ts).
 */
export async function rpcRows<T>(client: () => Promise<SupabaseClient>, fn: string, args?: Record<string, unknown>): Promise<T[]> {
  const data = await callPostgrest(await client(), fn, args);
  if (!Array.isArray(data)) {
    throw new SupabaseAdapterError(`Supabase rpc ${fn} answered something other than rows`, { operation: `rpc ${fn}` });
  }
  return data as T[];
}
