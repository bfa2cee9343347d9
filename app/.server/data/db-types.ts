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

/**
 * The arguments SQL accepts as null where the generated types say otherwise. postgres-meta types
 * every function argument as non-null, but PostgreSQL passes null into a non-strict function (all
 * of the portal's) and some functions mean something by it: no cursor yet (invoices_page's
 * p_before_date/p_before_id), look up by the other key (payment_return_page), a result that lacks
 * a field (apply_payment_result checks them itself), a key not counted (auth_mail_request). This
 * list is the one place that says so; every other argument stays non-null. A new function with
 * such an argument is added here.
 */
interface NullableArgs {
  auth_mail_request: "p_email" | "p_client";
  invoices_page: "p_before_date" | "p_before_id";
  my_invoices: "p_before_date" | "p_before_id";
  payment_return_page: "p_attempt_id" | "p_idop";
  my_payment_attempt: "p_attempt_id" | "p_idop";
  apply_payment_result:
    | "p_idop"
    | "p_tipi_token"
    | "p_refdet"
    | "p_numcli"
    | "p_amount_cents"
    | "p_resultrans"
    | "p_numauto"
    | "p_transaction_at";
}

/** The arguments `Rpc.call(F, …)` takes: the generated `Args`, null allowed as NullableArgs says. */
export type RpcCallArgs<F extends RpcName> = [RpcArgs<F>] extends [never]
  ? Record<string, never>
  : F extends keyof NullableArgs
    ? { [K in keyof RpcArgs<F>]: K extends NullableArgs[F] ? RpcArgs<F>[K] | null : RpcArgs<F>[K] }
    : RpcArgs<F>;

/**
 * The parameter list of `Rpc.call(F, …)`: nothing for a function without arguments, optional
 * arguments when every argument has a default, else the arguments, required.
 */
export type RpcCallParams<F extends RpcName> = [RpcArgs<F>] extends [never]
  ? []
  : Partial<RpcArgs<F>> extends RpcArgs<F>
    ? [args?: RpcCallArgs<F>]
    : [args: RpcCallArgs<F>];

/**
 * A row with some columns nullable. postgres-meta types every column of a `returns table (…)` as
 * non-null; PostgreSQL does not know better either, so a mapper names the columns it knows can be
 * null (e.g. outbox_claim's reply_to) — here, next to the generated type, not with casts.
 */
export type WithNull<Row, K extends keyof Row> = Omit<Row, K> & { [P in K]: Row[P] | null };
