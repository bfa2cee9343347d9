import type { SupabaseClient } from "@supabase/supabase-js";
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
export function createSupabaseRpc(client: () => Promise<SupabaseClient>): Rpc {
  return {
    async call<T>(fn: string, args?: Record<string, unknown>): Promise<T> {
      const { data, error, status } = await (await client()).rpc(fn, args ?? {});
      if (error) {
        // PT401: SQL found the session ended; 401 PGRST30x: PostgREST refused the user's JWT
        // itself (expired, invalid). A 401 for a bad API key stays an adapter error.
        if (error.code === SESSION_ENDED_SQLSTATE || (status === 401 && /^PGRST30\d$/.test(error.code ?? ""))) {
          throw new SessionEndedError(fn, { cause: error });
        }
        throw rpcError(`rpc ${fn}`, error, status);
      }
      return data as T;
    },
  };
}

/** Calls a set-returning SQL function; PostgREST answers a JSON array of rows. */
export async function rpcRows<T>(client: () => Promise<SupabaseClient>, fn: string, args?: Record<string, unknown>): Promise<T[]> {
  const data = await createSupabaseRpc(client).call<unknown>(fn, args);
  if (!Array.isArray(data)) {
    throw new SupabaseAdapterError(`Supabase rpc ${fn} answered something other than rows`, { operation: `rpc ${fn}` });
  }
  return data as T[];
}
