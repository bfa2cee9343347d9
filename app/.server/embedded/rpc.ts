import type { RpcCallParams, RpcName, RpcReturns } from "../data/db-types";
import type { Caller } from "../ports/accounts";
import { SESSION_ENDED_SQLSTATE, SessionEndedError, type Rpc } from "../data/rpc";
import type { Database } from "./database";

/**
 * Rpc on the embedded database, the way PostgREST runs `POST /rest/v1/rpc/<fn>`: one transaction
 * as `caller` (`db.run`: `set local role`, `request.jwt.claims`), the function called with named
 * arguments, the result turned into JSON by PostgreSQL itself (to_jsonb / jsonb_agg), so both
 * adapters hand the same JSON to the same mappers (app/.server/data/resident.ts).
 *
 * `fn` is never interpolated unchecked: it must name a function of the `public` schema in the
 * catalog (looked up once per database and name, with its argument names and types and whether
 * it returns a set: pg_proc.proretset), and every argument must be one of its parameters.
 */
export function createEmbeddedRpc(db: Database, caller: Caller): Rpc {
  return {
    async call<F extends RpcName>(fn: F, ...[typedArgs]: RpcCallParams<F>): Promise<RpcReturns<F>> {
      // The types checked name and arguments; the catalog checks them again below (a name is
      // never trusted into SQL on the strength of a type).
      const args: Record<string, unknown> = typedArgs ?? {};
      const signature = await signatureOf(db, fn);
      // A key whose value is undefined is not given: PostgREST never sees it (JSON drops it), so
      // the SQL default applies, not null.
      const given = Object.keys(args).filter((name) => args[name] !== undefined);
      for (const name of given) {
        if (!signature.args.some((a) => a.name === name)) throw new Error(`rpc ${fn}: no parameter named ${JSON.stringify(name)}`);
      }
      const missing = signature.args.filter((a) => !a.hasDefault && !given.includes(a.name));
      if (missing.length > 0) throw new Error(`rpc ${fn}: missing ${missing.map((a) => a.name).join(", ")}`);
      const used = signature.args.filter((a) => given.includes(a.name));
      const call = `public.${quoteIdent(fn)}(${used.map((a, i) => `${quoteIdent(a.name)} => $${i + 1}::${a.type}`).join(", ")})`;
      const sql = signature.retset
        ? `select coalesce(jsonb_agg(to_jsonb(r) - 'ordinality' order by r.ordinality), '[]'::jsonb) as v from ${call} with ordinality r`
        : `select to_jsonb(${call}) as v`;
      const params = used.map((a) => toParam(args[a.name]));
      try {
        const { rows } = await db.run(caller, (tx) => tx.query<{ v: RpcReturns<F> }>(sql, params));
        return (rows[0]?.v ?? null) as RpcReturns<F>;
      } catch (error) {
        if ((error as { code?: unknown }).code === SESSION_ENDED_SQLSTATE) throw new SessionEndedError(fn, { cause: error });
        throw error;
      }
    },
    answerError: (fn, problem) => new Error(`rpc ${fn} ${problem}`),
  };
}

interface Signature {
  retset: boolean;
  args: { name: string; type: string; hasDefault: boolean }[];
}

const signatures = new WeakMap<Database, Map<string, Promise<Signature>>>();

function signatureOf(db: Database, fn: string): Promise<Signature> {
  let byName = signatures.get(db);
  if (!byName) signatures.set(db, (byName = new Map()));
  let found = byName.get(fn);
  if (!found) {
    found = lookUp(db, fn);
    // A failed look-up is not cached (the name may be wrong; the next call asks again).
    found.catch(() => byName.delete(fn));
    byName.set(fn, found);
  }
  return found;
}

async function lookUp(db: Database, fn: string): Promise<Signature> {
  const { rows } = await db.pg.query<{
    retset: boolean;
    nargs: number;
    ndefaults: number;
    names: string[] | null;
    modes: string[] | null;
    types: string[];
  }>(
    `select p.proretset as retset, p.pronargs as nargs, p.pronargdefaults as ndefaults,
            p.proargnames as names, p.proargmodes::text[] as modes,
            array(select format_type(t.oid, null) from unnest(p.proargtypes::oid[]) with ordinality as t (oid, n) order by t.n) as types
     from pg_catalog.pg_proc p
     join pg_catalog.pg_namespace ns on ns.oid = p.pronamespace
     where ns.nspname = 'public' and p.proname = $1 and p.prokind = 'f'`,
    [fn],
  );
  if (rows.length !== 1) throw new Error(`rpc ${JSON.stringify(fn)}: ${rows.length === 0 ? "no such function in public" : "overloaded"}`);
  const r = rows[0]!;
  // proargnames lists every argument, OUT/TABLE columns included; proargtypes the inputs only.
  const inputNames = r.modes ? (r.names ?? []).filter((_, i) => ["i", "b", "v"].includes(r.modes![i]!)) : (r.names ?? []).slice(0, r.nargs);
  if (inputNames.length !== r.nargs || inputNames.some((n) => !n)) throw new Error(`rpc ${fn}: every parameter must be named`);
  return {
    retset: r.retset,
    args: inputNames.map((name, i) => ({ name, type: r.types[i]!, hasDefault: i >= r.nargs - r.ndefaults })),
  };
}

/** "name" as an SQL identifier (the catalog vouched for it; quoting keeps it one identifier). */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function toParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)) return JSON.stringify(value);
  return value;
}
