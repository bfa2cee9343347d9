/**
 * Names for the generated schema types (app/.server/database.types.ts, `npm run db:types`,
 * docs/database-types.md) that the Supabase adapters use: the `public.*` functions the portal
 * calls through PostgREST (`client.rpc(name, args)`), their arguments and results.
 */
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types";

export type { Database, Json } from "../database.types";

/** A supabase-js client typed by the schema: `.rpc()` knows every function, its args and rows. */
export type PortalClient = SupabaseClient<Database>;

/** Every function of the `public` schema, as PostgREST exposes it. */
export type PublicFunctions = Database["public"]["Functions"];

/** The name of a callable function, e.g. `"my_invoice"`. */
export type RpcName = keyof PublicFunctions & string;

/** Its named arguments (`never` for a function without arguments), e.g. `{ p_id: string }`. */
export type RpcArgs<F extends RpcName> = PublicFunctions[F]["Args"];

/** What `.rpc(F)` returns in `data`: an array of rows for `returns table`/`setof`, else one value. */
export type RpcReturns<F extends RpcName> = PublicFunctions[F]["Returns"];

/** One row of a function that returns rows (`returns table (…)`/`setof`). */
export type RpcRow<F extends RpcName> = RpcReturns<F> extends readonly (infer Row)[] ? Row : never;
