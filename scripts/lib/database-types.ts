/**
 * `supabase gen types typescript` without Docker: reads a migrated database's catalog with the
 * queries of postgres-meta (the service the Supabase CLI runs to generate types) and renders its
 * TypeScript template, formatted the way its prettier pass formats it (a small printer below, so
 * the generator needs no formatter dependency). Used by `npm run db:types` and by the test that
 * checks `app/.server/database.types.ts` is up to date (docs/database-types.md).
 *
 * Ported from supabase/postgres-meta: src/lib/sql/*.sql.ts (catalog queries),
 * src/lib/PostgresMetaRelationships.ts, src/lib/generators.ts and
 * src/server/templates/typescript.ts (the template and its type mapping).
 */

/** The part of PGlite (or any client) the generator uses. */
export interface CatalogClient {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface GenerateOptions {
  /** Schemas to type (the CLI's `--schema`); default `["public"]`, the schema PostgREST serves. */
  schemas?: string[];
  /** Emits `__InternalSupabase: { PostgrestVersion }` (the CLI does for linked projects only). */
  postgrestVersion?: string;
  /** `isOneToOne` in relationships: true like the CLI (false = `--postgrest-v9-compat`). */
  detectOneToOneRelationships?: boolean;
}

// Catalog ---------------------------------------------------------------------------------------

interface PgSchema { id: number; name: string }
interface PgRelation { id: number; schema: string; name: string; is_updatable?: boolean }
interface PgColumn {
  table_id: number;
  schema: string;
  table: string;
  name: string;
  format: string;
  default_value: string | null;
  is_identity: boolean;
  identity_generation: "ALWAYS" | "BY DEFAULT" | null;
  is_nullable: boolean;
  is_updatable: boolean;
}
interface PgRelationship {
  foreign_key_name: string;
  schema: string;
  relation: string;
  columns: string[];
  is_one_to_one: boolean;
  referenced_schema: string;
  referenced_relation: string;
  referenced_columns: string[];
}
interface PgFunctionArg { mode: string; name: string; type_id: number; has_default: boolean }
interface PgFunction {
  id: number;
  schema: string;
  name: string;
  args: PgFunctionArg[];
  argument_types: string;
  return_type_id: number;
  return_type: string;
  return_type_relation_id: number | null;
  is_set_returning_function: boolean;
  prorows: number | null;
}
interface PgType {
  id: number;
  name: string;
  schema: string;
  format: string;
  enums: string[];
  attributes: { name: string; type_id: number }[];
  type_relation_id: number | null;
}

const SYSTEM_SCHEMAS = ["information_schema", "pg_catalog", "pg_toast"];

function inList(values: string[]): string {
  return `(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")})`;
}

function num(value: unknown): number {
  return Number(value);
}
function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** src/lib/sql/schemas.sql.ts */
const SCHEMAS_SQL = (filter: string) => `
select n.oid::int8 as id, n.nspname as name
from pg_namespace n, pg_roles u
where n.nspowner = u.oid
  and n.nspname ${filter}
  and not pg_catalog.starts_with(n.nspname, 'pg_')
  and (pg_has_role(n.nspowner, 'USAGE') or has_schema_privilege(n.oid, 'CREATE, USAGE'))
  and not pg_catalog.starts_with(n.nspname, 'pg_temp_')
  and not pg_catalog.starts_with(n.nspname, 'pg_toast_temp_')`;

/** src/lib/sql/table.sql.ts (the columns the template uses) */
const TABLES_SQL = (filter: string) => `
select c.oid::int8 as id, nc.nspname as schema, c.relname as name
from pg_namespace nc join pg_class c on nc.oid = c.relnamespace
where nc.nspname ${filter}
  and c.relkind in ('r', 'p')
  and not pg_is_other_temp_schema(nc.oid)
  and (
    pg_has_role(c.relowner, 'USAGE')
    or has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
    or has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
  )`;

/** src/lib/sql/foreign_tables.sql.ts, views.sql.ts, materialized_views.sql.ts */
const RELKIND_SQL = (filter: string, relkind: "f" | "v" | "m") => `
select c.oid::int8 as id, n.nspname as schema, c.relname as name
  ${relkind === "v" ? ", (pg_relation_is_updatable(c.oid, false) & 20) = 20 as is_updatable" : ""}
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname ${filter} and c.relkind = '${relkind}'`;

/** src/lib/sql/columns.sql.ts (the columns the template uses) */
const COLUMNS_SQL = (filter: string) => `
select
  c.oid::int8 as table_id,
  nc.nspname as schema,
  c.relname as table,
  a.attname as name,
  case when a.atthasdef then pg_get_expr(ad.adbin, ad.adrelid) else null end as default_value,
  coalesce(bt.typname, t.typname) as format,
  a.attidentity in ('a', 'd') as is_identity,
  case a.attidentity when 'a' then 'ALWAYS' when 'd' then 'BY DEFAULT' else null end as identity_generation,
  not (a.attnotnull or t.typtype = 'd' and t.typnotnull) as is_nullable,
  (
    c.relkind in ('r', 'p')
    or c.relkind in ('v', 'f') and pg_column_is_updatable(c.oid, a.attnum, false)
  ) as is_updatable
from
  pg_attribute a
  left join pg_attrdef ad on a.attrelid = ad.adrelid and a.attnum = ad.adnum
  join (pg_class c join pg_namespace nc on c.relnamespace = nc.oid) on a.attrelid = c.oid
  join (pg_type t join pg_namespace nt on t.typnamespace = nt.oid) on a.atttypid = t.oid
  left join (pg_type bt join pg_namespace nbt on bt.typnamespace = nbt.oid)
    on t.typtype = 'd' and t.typbasetype = bt.oid
where
  nc.nspname ${filter}
  and not pg_is_other_temp_schema(nc.oid)
  and a.attnum > 0
  and not a.attisdropped
  and (c.relkind in ('r', 'v', 'm', 'f', 'p'))
  and (
    pg_has_role(c.relowner, 'USAGE')
    or has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES')
  )`;

/** src/lib/sql/table_relationships.sql.ts */
const TABLE_RELATIONSHIPS_SQL = (filter: string) => `
with
pks_uniques_cols as (
  select connamespace, conrelid, jsonb_agg(column_info.cols) as cols
  from pg_constraint
  join lateral (
    select array_agg(cols.attname order by cols.attnum) as cols
    from (select unnest(conkey) as col) _
    join pg_attribute cols on cols.attrelid = conrelid and cols.attnum = col
  ) column_info on true
  where contype in ('p', 'u')
    and connamespace::regnamespace::text <> 'pg_catalog'
    and connamespace::regnamespace::text ${filter}
  group by connamespace, conrelid
)
select
  traint.conname as foreign_key_name,
  ns1.nspname as schema,
  tab.relname as relation,
  column_info.cols as columns,
  ns2.nspname as referenced_schema,
  other.relname as referenced_relation,
  column_info.refs as referenced_columns,
  (column_info.cols in (select * from jsonb_array_elements(pks_uqs.cols))) as is_one_to_one
from pg_constraint traint
join lateral (
  select
    jsonb_agg(cols.attname order by ord) as cols,
    jsonb_agg(refs.attname order by ord) as refs
  from unnest(traint.conkey, traint.confkey) with ordinality as _(col, ref, ord)
  join pg_attribute cols on cols.attrelid = traint.conrelid and cols.attnum = col
  join pg_attribute refs on refs.attrelid = traint.confrelid and refs.attnum = ref
  where traint.connamespace::regnamespace::text ${filter}
) as column_info on true
join pg_namespace ns1 on ns1.oid = traint.connamespace
join pg_class tab on tab.oid = traint.conrelid
join pg_class other on other.oid = traint.confrelid
join pg_namespace ns2 on ns2.oid = other.relnamespace
left join pks_uniques_cols pks_uqs on pks_uqs.connamespace = traint.connamespace and pks_uqs.conrelid = traint.conrelid
where traint.contype = 'f'
and traint.conparentid = 0
and ns1.nspname ${filter}`;

/** src/lib/sql/views_key_dependencies.sql.ts (adapted by postgres-meta from PostgREST's schema cache) */
const VIEWS_KEY_DEPENDENCIES_SQL = (filter: string) => `
with recursive
pks_fks as (
  select contype::text as contype, conname, array_length(conkey, 1) as ncol,
    conrelid as resorigtbl, col as resorigcol, ord
  from pg_constraint
  left join lateral unnest(conkey) with ordinality as _(col, ord) on true
  where contype in ('p', 'f')
  union
  select concat(contype, '_ref') as contype, conname, array_length(confkey, 1) as ncol,
    confrelid, col, ord
  from pg_constraint
  left join lateral unnest(confkey) with ordinality as _(col, ord) on true
  where contype='f'
  and connamespace::regnamespace::text ${filter}
),
views as (
  select c.oid as view_id, n.nspname as view_schema, c.relname as view_name, r.ev_action as view_definition
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_rewrite r on r.ev_class = c.oid
  where c.relkind in ('v', 'm') and n.nspname ${filter}
),
transform_json as (
  select
    view_id, view_schema, view_name,
    replace(
      replace(
      replace(
      replace(
      replace(
      replace(
      replace(
      regexp_replace(
      replace(
      replace(
      replace(
      replace(
      replace(
      replace(
      replace(
      replace(
      replace(
      replace(
      replace(
        view_definition::text,
         '<>'              , '()'
      ), ','               , ''
      ), E'\\\\{'            , ''
      ), E'\\\\}'            , ''
      ), ' :targetList '   , ',"targetList":'
      ), ' :resno '        , ',"resno":'
      ), ' :resorigtbl '   , ',"resorigtbl":'
      ), ' :resorigcol '   , ',"resorigcol":'
      ), '{'               , '{ :'
      ), '(('              , '{(('
      ), '({'              , '{({'
      ), ' :[^}{,]+'       , ',"":'              , 'g'
      ), ',"":}'           , '}'
      ), ',"":,'           , ','
      ), '{('              , '('
      ), '{,'              , '{'
      ), '('               , '['
      ), ')'               , ']'
      ), ' '             , ','
    )::json as view_definition
  from views
),
target_entries as (
  select view_id, view_schema, view_name,
    json_array_elements(view_definition->0->'targetList') as entry
  from transform_json
),
results as (
  select view_id, view_schema, view_name,
    (entry->>'resno')::int as view_column,
    (entry->>'resorigtbl')::oid as resorigtbl,
    (entry->>'resorigcol')::int as resorigcol
  from target_entries
),
recursion(view_id, view_schema, view_name, view_column, resorigtbl, resorigcol, is_cycle, path) as (
  select r.*, false, array[resorigtbl]
  from results r
  where view_schema ${filter}
  union all
  select view.view_id, view.view_schema, view.view_name, view.view_column,
    tab.resorigtbl, tab.resorigcol, tab.resorigtbl = any(path), path || tab.resorigtbl
  from recursion view
  join results tab on view.resorigtbl=tab.view_id and view.resorigcol=tab.view_column
  where not is_cycle
),
repeated_references as (
  select view_id, view_schema, view_name, resorigtbl, resorigcol, array_agg(attname) as view_columns
  from recursion
  join pg_attribute vcol on vcol.attrelid = view_id and vcol.attnum = view_column
  group by view_id, view_schema, view_name, resorigtbl, resorigcol
)
select
  sch.nspname as table_schema,
  tbl.relname as table_name,
  rep.view_schema,
  rep.view_name,
  pks_fks.conname as constraint_name,
  pks_fks.contype as constraint_type,
  jsonb_agg(
    jsonb_build_object('table_column', col.attname, 'view_columns', view_columns) order by pks_fks.ord
  ) as column_dependencies
from repeated_references rep
join pks_fks using (resorigtbl, resorigcol)
join pg_class tbl on tbl.oid = rep.resorigtbl
join pg_attribute col on col.attrelid = tbl.oid and col.attnum = rep.resorigcol
join pg_namespace sch on sch.oid = tbl.relnamespace
group by sch.nspname, tbl.relname, rep.view_schema, rep.view_name, pks_fks.conname, pks_fks.contype, pks_fks.ncol
having ncol = array_length(array_agg(row(col.attname, view_columns) order by pks_fks.ord), 1)`;

/** src/lib/sql/functions.sql.ts (the columns the template uses) */
const FUNCTIONS_SQL = (filter: string) => `
with functions as (
  select
    p.*,
    coalesce(
      p.proargmodes,
      array_fill('i'::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes))])
    ) as arg_modes,
    coalesce(
      p.proargnames,
      array_fill(''::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes))])
    ) as arg_names,
    coalesce(p.proallargtypes, p.proargtypes) as arg_types,
    array_cat(
      array_fill(false, array[pronargs - pronargdefaults]),
      array_fill(true, array[pronargdefaults])) as arg_has_defaults
  from pg_proc as p join pg_namespace n on p.pronamespace = n.oid
  where n.nspname ${filter} and p.prokind = 'f'
)
select
  f.oid::int8 as id,
  n.nspname as schema,
  f.proname as name,
  coalesce(f_args.args, '[]') as args,
  pg_get_function_arguments(f.oid) as argument_types,
  f.prorettype::int8 as return_type_id,
  pg_get_function_result(f.oid) as return_type,
  nullif(rt.typrelid::int8, 0) as return_type_relation_id,
  f.proretset as is_set_returning_function,
  case when f.proretset then nullif(f.prorows, 0) else null end as prorows
from
  functions f
  left join pg_namespace n on f.pronamespace = n.oid
  left join pg_type rt on rt.oid = f.prorettype
  left join (
    select
      oid,
      jsonb_agg(jsonb_build_object(
        'mode', t2.mode,
        'name', name,
        'type_id', type_id,
        'has_default', has_default
      )) as args
    from
      (
        select
          oid,
          unnest(arg_modes) as mode,
          unnest(arg_names) as name,
          unnest(arg_types)::int8 as type_id,
          unnest(arg_has_defaults) as has_default
        from functions
      ) as t1,
      lateral (
        select
          case
            when t1.mode = 'i' then 'in'
            when t1.mode = 'o' then 'out'
            when t1.mode = 'b' then 'inout'
            when t1.mode = 'v' then 'variadic'
            else 'table'
          end as mode
      ) as t2
    group by t1.oid
  ) f_args on f_args.oid = f.oid`;

/** src/lib/sql/types.sql.ts with table and array types, every schema */
const TYPES_SQL = `
select
  t.oid::int8 as id,
  t.typname as name,
  n.nspname as schema,
  format_type (t.oid, null) as format,
  coalesce(t_enums.enums, '[]') as enums,
  coalesce(t_attributes.attributes, '[]') as attributes,
  nullif(t.typrelid::int8, 0) as type_relation_id
from
  pg_type t
  left join pg_namespace n on n.oid = t.typnamespace
  left join (
    select enumtypid, jsonb_agg(enumlabel order by enumsortorder) as enums
    from pg_enum
    group by enumtypid
  ) as t_enums on t_enums.enumtypid = t.oid
  left join (
    select
      oid,
      jsonb_agg(
        jsonb_build_object('name', a.attname, 'type_id', a.atttypid::int8)
        order by a.attnum asc
      ) as attributes
    from pg_class c join pg_attribute a on a.attrelid = c.oid
    where c.relkind = 'c' and not a.attisdropped
    group by c.oid
  ) as t_attributes on t_attributes.oid = t.typrelid
where
  t.typrelid = 0
  or (select c.relkind in ('c', 'r', 'v', 'm', 'p') from pg_class c where c.oid = t.typrelid)`;

interface Metadata {
  schemas: PgSchema[];
  tables: PgRelation[];
  foreignTables: PgRelation[];
  views: PgRelation[];
  materializedViews: PgRelation[];
  columns: PgColumn[];
  relationships: PgRelationship[];
  functions: PgFunction[];
  types: PgType[];
}

/** What postgres-meta's type-generation mode reads (src/server/server.ts getTypeOutput). */
async function readCatalog(db: CatalogClient, includedSchemas: string[]): Promise<Metadata> {
  const included = `in ${inList(includedSchemas)}`;
  const notSystem = `not in ${inList(SYSTEM_SCHEMAS)}`;
  const rel = (r: Record<string, unknown>): PgRelation => ({
    id: num(r.id),
    schema: String(r.schema),
    name: String(r.name),
    ...(r.is_updatable !== undefined ? { is_updatable: Boolean(r.is_updatable) } : {}),
  });
  const rows = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows;

  const schemas = (await rows(SCHEMAS_SQL(included))).map((r) => ({ id: num(r.id), name: String(r.name) }));
  const tables = (await rows(TABLES_SQL(included))).map(rel);
  const foreignTables = (await rows(RELKIND_SQL(included, "f"))).map(rel);
  const views = (await rows(RELKIND_SQL(included, "v"))).map(rel);
  const materializedViews = (await rows(RELKIND_SQL(included, "m"))).map(rel);
  const columns = (await rows(COLUMNS_SQL(included))).map(
    (r): PgColumn => ({
      table_id: num(r.table_id),
      schema: String(r.schema),
      table: String(r.table),
      name: String(r.name),
      format: String(r.format),
      default_value: r.default_value === null ? null : String(r.default_value),
      is_identity: Boolean(r.is_identity),
      identity_generation: (r.identity_generation as PgColumn["identity_generation"]) ?? null,
      is_nullable: Boolean(r.is_nullable),
      is_updatable: Boolean(r.is_updatable),
    }),
  );
  const relationships = await readRelationships(db, notSystem);
  const functions = (await rows(FUNCTIONS_SQL(included)))
    .map(
      (r): PgFunction => ({
        id: num(r.id),
        schema: String(r.schema),
        name: String(r.name),
        args: (r.args as PgFunctionArg[]).map((a) => ({ ...a, type_id: num(a.type_id) })),
        argument_types: String(r.argument_types),
        return_type_id: num(r.return_type_id),
        return_type: String(r.return_type),
        return_type_relation_id: numOrNull(r.return_type_relation_id),
        is_set_returning_function: Boolean(r.is_set_returning_function),
        prorows: numOrNull(r.prorows),
      }),
    )
    .filter(({ return_type }) => !["trigger", "event_trigger"].includes(return_type));
  const types = (await rows(TYPES_SQL)).map(
    (r): PgType => ({
      id: num(r.id),
      name: String(r.name),
      schema: String(r.schema),
      format: String(r.format),
      enums: r.enums as string[],
      attributes: (r.attributes as { name: string; type_id: unknown }[]).map((a) => ({
        name: a.name,
        type_id: num(a.type_id),
      })),
      type_relation_id: numOrNull(r.type_relation_id),
    }),
  );
  return { schemas, tables, foreignTables, views, materializedViews, columns, relationships, functions, types };
}

/** src/lib/PostgresMetaRelationships.ts: table foreign keys, then the ones views inherit. */
async function readRelationships(db: CatalogClient, filter: string): Promise<PgRelationship[]> {
  const tableRelationships = (await db.query<PgRelationship>(TABLE_RELATIONSHIPS_SQL(filter))).rows;
  type ColDep = { table_column: string; view_columns: string[] };
  type KeyDep = {
    table_schema: string;
    table_name: string;
    view_schema: string;
    view_name: string;
    constraint_name: string;
    constraint_type: "f" | "f_ref" | "p" | "p_ref";
    column_dependencies: ColDep[];
  };
  const keyDeps = (await db.query<KeyDep>(VIEWS_KEY_DEPENDENCIES_SQL(filter))).rows;

  const cartesianProduct = <T>(allEntries: T[][]): T[][] =>
    allEntries.reduce<T[][]>(
      (results, entries) =>
        results
          .map((result) => entries.map((entry) => result.concat(entry)))
          .reduce((subResults, result) => subResults.concat(result), []),
      [[]],
    );
  const expandKeyDepCols = (colDeps: ColDep[]) =>
    cartesianProduct(colDeps.map((cd) => cd.view_columns)).map((viewColumns) => ({ viewColumns }));

  const viewRelationships = tableRelationships.flatMap((r) => {
    const viewToTable = keyDeps.filter(
      (k) =>
        k.table_schema === r.schema &&
        k.table_name === r.relation &&
        k.constraint_name === r.foreign_key_name &&
        k.constraint_type === "f",
    );
    const tableToView = keyDeps.filter(
      (k) =>
        k.table_schema === r.referenced_schema &&
        k.table_name === r.referenced_relation &&
        k.constraint_name === r.foreign_key_name &&
        k.constraint_type === "f_ref",
    );
    return [
      ...viewToTable.flatMap((vt) =>
        expandKeyDepCols(vt.column_dependencies).map(({ viewColumns }) => ({
          ...r,
          schema: vt.view_schema,
          relation: vt.view_name,
          columns: viewColumns,
        })),
      ),
      ...tableToView.flatMap((tv) =>
        expandKeyDepCols(tv.column_dependencies).map(({ viewColumns }) => ({
          ...r,
          referenced_schema: tv.view_schema,
          referenced_relation: tv.view_name,
          referenced_columns: viewColumns,
        })),
      ),
      ...viewToTable.flatMap((vt) =>
        expandKeyDepCols(vt.column_dependencies).flatMap(({ viewColumns }) =>
          tableToView.flatMap((tv) =>
            expandKeyDepCols(tv.column_dependencies).map(({ viewColumns: referenced }) => ({
              ...r,
              schema: vt.view_schema,
              relation: vt.view_name,
              columns: viewColumns,
              referenced_schema: tv.view_schema,
              referenced_relation: tv.view_name,
              referenced_columns: referenced,
            })),
          ),
        ),
      ),
    ];
  });
  return tableRelationships.concat(viewRelationships);
}

// Doc printer (the subset of prettier's algorithm the template's output needs) -----------------

type Doc = string | Doc[] | Group | Indent | Line | IfBreak;
interface Group { kind: "group"; contents: Doc; break: boolean }
interface Indent { kind: "indent"; contents: Doc }
interface Line { kind: "line"; soft: boolean; hard: boolean }
interface IfBreak { kind: "ifBreak"; breakContents: Doc; flatContents: Doc }

const group = (contents: Doc, shouldBreak = false): Group => ({ kind: "group", contents, break: shouldBreak });
const indent = (contents: Doc): Indent => ({ kind: "indent", contents });
const line: Line = { kind: "line", soft: false, hard: false };
const softline: Line = { kind: "line", soft: true, hard: false };
const hardline: Line = { kind: "line", soft: false, hard: true };
const ifBreak = (breakContents: Doc, flatContents: Doc = ""): IfBreak => ({
  kind: "ifBreak",
  breakContents,
  flatContents,
});
function join(separator: Doc, docs: Doc[]): Doc[] {
  return docs.flatMap((doc, i) => (i === 0 ? [doc] : [separator, doc]));
}

/** A group holding a hard line or a broken group breaks too (prettier's propagateBreaks). */
function propagateBreaks(doc: Doc): boolean {
  if (typeof doc === "string") return false;
  if (Array.isArray(doc)) return doc.map(propagateBreaks).some(Boolean);
  switch (doc.kind) {
    case "line":
      return doc.hard;
    case "indent":
      return propagateBreaks(doc.contents);
    case "ifBreak":
      return [propagateBreaks(doc.breakContents), propagateBreaks(doc.flatContents)].some(Boolean);
    case "group":
      if (propagateBreaks(doc.contents)) doc.break = true;
      return doc.break;
  }
}

const WIDTH = 80;
type Mode = "break" | "flat";
interface Command { ind: number; mode: Mode; doc: Doc }

function fits(next: Command, rest: Command[], width: number): boolean {
  let restIdx = rest.length;
  const cmds: Command[] = [next];
  while (width >= 0) {
    const cmd = cmds.pop() ?? (restIdx > 0 ? rest[--restIdx] : undefined);
    if (!cmd) return true;
    const { mode, doc } = cmd;
    if (typeof doc === "string") {
      width -= doc.length;
    } else if (Array.isArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) cmds.push({ ind: cmd.ind, mode, doc: doc[i]! });
    } else if (doc.kind === "indent") {
      cmds.push({ ind: cmd.ind, mode, doc: doc.contents });
    } else if (doc.kind === "group") {
      cmds.push({ ind: cmd.ind, mode: doc.break ? "break" : mode, doc: doc.contents });
    } else if (doc.kind === "ifBreak") {
      cmds.push({ ind: cmd.ind, mode, doc: mode === "break" ? doc.breakContents : doc.flatContents });
    } else {
      if (mode === "break" || doc.hard) return true;
      if (!doc.soft) width -= 1;
    }
  }
  return false;
}

function printDoc(doc: Doc, startColumn = 0): string {
  propagateBreaks(doc);
  let out = "";
  let pos = startColumn;
  const cmds: Command[] = [{ ind: 0, mode: "break", doc }];
  while (cmds.length > 0) {
    const cmd = cmds.pop()!;
    const { ind, mode, doc: d } = cmd;
    if (typeof d === "string") {
      out += d;
      pos += d.length;
    } else if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) cmds.push({ ind, mode, doc: d[i]! });
    } else if (d.kind === "indent") {
      cmds.push({ ind: ind + 2, mode, doc: d.contents });
    } else if (d.kind === "group") {
      if (mode === "flat" && !d.break) {
        cmds.push({ ind, mode: "flat", doc: d.contents });
      } else {
        const next: Command = { ind, mode: "flat", doc: d.contents };
        if (!d.break && fits(next, cmds, WIDTH - pos)) cmds.push(next);
        else cmds.push({ ind, mode: "break", doc: d.contents });
      }
    } else if (d.kind === "ifBreak") {
      cmds.push({ ind, mode, doc: mode === "break" ? d.breakContents : d.flatContents });
    } else if (mode === "flat" && !d.hard) {
      if (!d.soft) {
        out += " ";
        pos += 1;
      }
    } else {
      let end = out.length;
      while (end > 0 && (out[end - 1] === " " || out[end - 1] === "\t")) end--;
      out = out.slice(0, end) + "\n" + " ".repeat(ind);
      pos = ind;
    }
  }
  return out;
}

// TypeScript type model -------------------------------------------------------------------------

/** A type as prettier sees it (the node kinds decide how unions and arrays are printed). */
type TsType =
  | { k: "keyword"; text: string } // string, number, boolean, unknown, undefined, never, null, true, false
  | { k: "reference"; text: string } // Json, Record<string, unknown>
  | { k: "indexed"; text: string } // Database["public"]["Enums"]["x"]
  | { k: "literal"; value: string }
  | { k: "union"; types: TsType[] }
  | { k: "intersection"; types: TsType[] }
  | { k: "array"; element: TsType }
  | { k: "tuple"; elements: TsType[] }
  | { k: "object"; members: Member[]; hard: boolean };

interface Member { key: string; optional?: boolean; type: TsType }

const kw = (text: string): TsType => ({ k: "keyword", text });
const lit = (value: string): TsType => ({ k: "literal", value });
const UNKNOWN = kw("unknown");

function union(types: TsType[]): TsType {
  const flat = types.flatMap((t) => (t.k === "union" ? t.types : [t]));
  return flat.length === 1 ? flat[0]! : { k: "union", types: flat };
}

/** Text concatenation of `[]` in the template: applies to the last member of a union. */
function appendArray(t: TsType): TsType {
  if (t.k === "union" || t.k === "intersection") {
    return { ...t, types: [...t.types.slice(0, -1), appendArray(t.types[t.types.length - 1]!)] };
  }
  return { k: "array", element: t };
}

function quoteString(value: string): string {
  const doubles = (value.match(/"/g) ?? []).length;
  const singles = (value.match(/'/g) ?? []).length;
  if (doubles > singles) return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  return JSON.stringify(value);
}

function printKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : quoteString(key);
}

function isObjectLike(t: TsType): boolean {
  return t.k === "object" || t.k === "reference";
}

function typeDoc(t: TsType): Doc {
  switch (t.k) {
    case "keyword":
    case "reference":
    case "indexed":
      return t.text;
    case "literal":
      return quoteString(t.value);
    case "object":
      return objectDoc(t.members.map(memberDoc), t.hard);
    case "tuple":
      if (t.elements.length === 0) return "[]";
      return group(["[", indent([softline, join([",", line], t.elements.map(typeDoc))]), ifBreak(","), softline, "]"]);
    case "array": {
      const element = typeDoc(t.element);
      if (t.element.k === "union" || t.element.k === "intersection") {
        return ["(", t.element.k === "union" ? unionDoc(t.element, true) : element, ")[]"];
      }
      return [element, "[]"];
    }
    case "intersection": {
      // prettier's printIntersectionType for the `{ error: true } & "…"` the template emits
      const parts: Doc[] = [];
      t.types.forEach((member, i) => {
        const previous = t.types[i - 1];
        if (i === 0) parts.push(typeDoc(member));
        else if (!isObjectLike(previous!) && !isObjectLike(member)) parts.push(indent([" &", line, typeDoc(member)]));
        else parts.push(" & ", typeDoc(member));
      });
      return group(parts);
    }
    case "union":
      return unionDoc(t, false);
  }
}

function unionDoc(t: Extract<TsType, { k: "union" }>, parenthesized: boolean): Doc {
  const nulls = t.types.filter((m) => m.k === "keyword" && (m.text === "null" || m.text === "void")).length;
  const shouldHug = t.types.length - 1 === nulls && t.types.some(isObjectLike);
  if (shouldHug) return join(" | ", t.types.map(typeDoc));
  const printed = t.types.map((m) => indent(typeDoc(m))); // align(2)
  const code: Doc = [ifBreak([line, "| "]), join([line, "| "], printed)];
  return parenthesized ? group([indent(code), softline]) : group(indent(code));
}

function memberDoc(member: Member): Doc {
  return [printKey(member.key), member.optional ? "?" : "", ": ", typeDoc(member.type)];
}

/** A type literal; `hard`: the template opens it with a line break, which prettier keeps. */
function objectDoc(members: Doc[], hard: boolean): Doc {
  if (members.length === 0) return "{}";
  return group(["{", indent([line, join([ifBreak("", ";"), line], members)]), line, "}"], hard);
}

const object = (members: Member[], hard = true): TsType => ({ k: "object", members, hard });

// Template (src/server/templates/typescript.ts) --------------------------------------------------

/**
 * postgres-meta sorts with \`localeCompare\` in its container (Node, no LANG: en-US); the locale is
 * fixed here so the order does not depend on the machine's.
 */
const compare = (a: string, b: string): number => a.localeCompare(b, "en-US");

const VALID_UNNAMED_FUNCTION_ARG_TYPES = new Set([114, 3802, 25]); // json, jsonb, text
const VALID_FUNCTION_ARGS_MODE = new Set(["in", "inout", "variadic"]);
const DEFAULT_SCHEMA = "public";

interface TsRelationship {
  foreign_key_name: string;
  columns: string[];
  is_one_to_one: boolean;
  referenced_relation: string;
  referenced_columns: string[];
}

type FnEntry = { fn: PgFunction; inArgs: PgFunctionArg[] };

/** What one schema holds, sorted as postgres-meta prints it. */
interface SchemaContents {
  tables: { table: PgRelation; relationships: TsRelationship[] }[];
  views: { view: PgRelation; relationships: TsRelationship[] }[];
  functions: FnEntry[];
  enums: PgType[];
  compositeTypes: PgType[];
}

/** The catalog indexed for rendering: what every part of the template looks things up in. */
interface Catalog {
  meta: Metadata;
  detectOneToOne: boolean;
  bySchema: Map<string, SchemaContents>;
  columnsByTableId: Map<number, PgColumn[]>;
  tableNamesById: Map<number, string>;
  relationTypeByIds: Map<number, PgType>;
  typesById: Map<number, PgType>;
}

const intro = (c: Catalog, schema: string): SchemaContents => c.bySchema.get(schema)!;
const columnsOf = (c: Catalog, id: number): PgColumn[] => c.columnsByTableId.get(id) ?? [];

function indexCatalog(meta: Metadata, detectOneToOne: boolean): Catalog {
  const { schemas, tables, foreignTables, views, materializedViews, columns, relationships, types } = meta;
  schemas.sort((a, b) => compare(a.name, b.name));
  relationships.sort(
    (a, b) =>
      compare(a.foreign_key_name, b.foreign_key_name) ||
      compare(a.referenced_relation, b.referenced_relation) ||
      compare(JSON.stringify(a.referenced_columns), JSON.stringify(b.referenced_columns)),
  );
  const c: Catalog = {
    meta,
    detectOneToOne,
    bySchema: new Map(schemas.map((s) => [s.name, { tables: [], views: [], functions: [], enums: [], compositeTypes: [] }])),
    columnsByTableId: new Map(),
    tableNamesById: new Map(),
    relationTypeByIds: new Map(),
    typesById: new Map(),
  };
  for (const t of [...tables, ...foreignTables, ...views, ...materializedViews]) {
    c.columnsByTableId.set(t.id, []);
    c.tableNamesById.set(t.id, t.name);
  }
  for (const column of columns) c.columnsByTableId.get(column.table_id)?.push(column);
  for (const list of c.columnsByTableId.values()) list.sort((a, b) => compare(a.name, b.name));

  for (const type of types) {
    c.typesById.set(type.id, type);
    if (type.type_relation_id) c.relationTypeByIds.set(type.id, type);
    if (c.bySchema.has(type.schema)) {
      if (type.enums.length > 0) intro(c, type.schema).enums.push(type);
      if (type.attributes.length > 0) intro(c, type.schema).compositeTypes.push(type);
    }
  }
  groupRelations(c);
  groupFunctions(c);
  for (const s of c.bySchema.values()) {
    s.tables.sort((a, b) => compare(a.table.name, b.table.name));
    s.views.sort((a, b) => compare(a.view.name, b.view.name));
    s.functions.sort((a, b) => compare(a.fn.name, b.fn.name));
    s.enums.sort((a, b) => compare(a.name, b.name));
    s.compositeTypes.sort((a, b) => compare(a.name, b.name));
  }
  return c;
}

/** Tables and views into their schema, each with the relationships that stay in that schema. */
function groupRelations(c: Catalog): void {
  const { tables, foreignTables, views, materializedViews, relationships } = c.meta;
  const relationshipsByRelation = new Map<string, PgRelationship[]>();
  for (const r of relationships) {
    const key = `${r.schema}.${r.relation}`;
    relationshipsByRelation.set(key, [...(relationshipsByRelation.get(key) ?? []), r]);
  }
  const getRelationships = (o: { schema: string; name: string }): TsRelationship[] =>
    (relationshipsByRelation.get(`${o.schema}.${o.name}`) ?? []).filter((r) => r.referenced_schema === o.schema);

  for (const table of [...tables, ...foreignTables]) {
    if (c.bySchema.has(table.schema)) intro(c, table.schema).tables.push({ table, relationships: getRelationships(table) });
  }
  for (const view of views) {
    if (c.bySchema.has(view.schema)) intro(c, view.schema).views.push({ view, relationships: getRelationships(view) });
  }
  for (const view of materializedViews) {
    if (c.bySchema.has(view.schema)) {
      intro(c, view.schema).views.push({ view: { ...view, is_updatable: false }, relationships: getRelationships(view) });
    }
  }
}

/** The functions PostgREST can call, into their schema. */
function groupFunctions(c: Catalog): void {
  for (const fn of c.meta.functions) {
    if (!c.bySchema.has(fn.schema)) continue;
    fn.args.sort((a, b) => compare(a.name, b.name));
    const inArgs = fn.args.filter(({ mode }) => VALID_FUNCTION_ARGS_MODE.has(mode));
    const single = inArgs[0];
    if (
      inArgs.length === 0 ||
      !inArgs.some(({ name }) => name === "") ||
      inArgs.every((arg) => arg.name !== "" || (arg.has_default && VALID_UNNAMED_FUNCTION_ARG_TYPES.has(arg.type_id))) ||
      (inArgs.length === 1 &&
        single!.name === "" &&
        (VALID_UNNAMED_FUNCTION_ARG_TYPES.has(single!.type_id) || c.relationTypeByIds.has(single!.type_id)))
    ) {
      intro(c, fn.schema).functions.push({ fn, inArgs });
    }
  }
}

function getTableNameFromRelationId(c: Catalog, relationId: number | null, returnTypeId: number | null): string | null {
  if (!relationId) return null;
  const name = c.tableNamesById.get(relationId);
  if (name) return name;
  const reltype = returnTypeId ? c.relationTypeByIds.get(returnTypeId) : undefined;
  return reltype ? reltype.name : null;
}

function pgTypeToTsType(c: Catalog, schema: PgSchema, pgType: string): TsType {
  if (pgType === "bool") return kw("boolean");
  if (["int2", "int4", "int8", "float4", "float8", "numeric"].includes(pgType)) return kw("number");
  if (
    ["bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp", "timestamptz", "uuid", "vector", "interval"].includes(pgType)
  ) {
    return kw("string");
  }
  if (["json", "jsonb"].includes(pgType)) return { k: "reference", text: "Json" };
  if (pgType === "void") return kw("undefined");
  if (pgType === "record") return { k: "reference", text: "Record<string, unknown>" };
  if (pgType.startsWith("_")) return { k: "array", element: pgTypeToTsType(c, schema, pgType.substring(1)) };
  return namedTypeToTsType(c, schema, pgType);
}

/** An enum, composite type, table or view row type, by name (this schema's first). */
function namedTypeToTsType(c: Catalog, schema: PgSchema, pgType: string): TsType {
  const { schemas, types, tables, views } = c.meta;
  const pick = <T extends { schema: string }>(list: T[]): T => list.find((t) => t.schema === schema.name) ?? list[0]!;
  const included = (name: string) => schemas.some((s) => s.name === name);
  const ref = (...path: string[]): TsType => ({
    k: "indexed",
    text: `Database${path.map((p) => `[${JSON.stringify(p)}]`).join("")}`,
  });
  const enumTypes = types.filter((t) => t.name === pgType && t.enums.length > 0);
  if (enumTypes.length > 0) {
    const enumType = pick(enumTypes);
    if (included(enumType.schema)) return ref(enumType.schema, "Enums", enumType.name);
    return union(enumType.enums.map(lit));
  }
  const compositeTypes = types.filter((t) => t.name === pgType && t.attributes.length > 0);
  if (compositeTypes.length > 0) {
    const compositeType = pick(compositeTypes);
    return included(compositeType.schema) ? ref(compositeType.schema, "CompositeTypes", compositeType.name) : UNKNOWN;
  }
  const tableRowTypes = tables.filter((t) => t.name === pgType);
  if (tableRowTypes.length > 0) {
    const t = pick(tableRowTypes);
    return included(t.schema) ? ref(t.schema, "Tables", t.name, "Row") : UNKNOWN;
  }
  const viewRowTypes = views.filter((v) => v.name === pgType);
  if (viewRowTypes.length > 0) {
    const v = pick(viewRowTypes);
    return included(v.schema) ? ref(v.schema, "Views", v.name, "Row") : UNKNOWN;
  }
  return UNKNOWN;
}

function typeOf(c: Catalog, schema: PgSchema, typeId: number): TsType {
  const type = c.typesById.get(typeId);
  return type ? pgTypeToTsType(c, schema, type.name) : UNKNOWN;
}

const nullable = (t: TsType, isNullable: boolean): TsType =>
  (t.k === "keyword" && t.text === "unknown") || !isNullable ? t : union([t, kw("null")]);

function columnMember(
  c: Catalog,
  schema: PgSchema,
  column: { name: string; format: string; is_nullable: boolean; is_optional: boolean },
): Member {
  return {
    key: column.name,
    optional: column.is_optional,
    type: nullable(pgTypeToTsType(c, schema, column.format), column.is_nullable),
  };
}

/** A column of a Row type: its own nullability, never optional. */
const rowMember = (c: Catalog, schema: PgSchema, column: PgColumn): Member =>
  columnMember(c, schema, { name: column.name, format: column.format, is_nullable: column.is_nullable, is_optional: false });

function getFunctionReturnType(c: Catalog, schema: PgSchema, fn: PgFunction): TsType {
  const tableArgs = fn.args.filter(({ mode }) => mode === "table");
  if (tableArgs.length > 0) {
    return object(tableArgs.map(({ name, type_id }) => ({ key: name, type: typeOf(c, schema, type_id) })));
  }
  const s = intro(c, schema.name);
  const relation =
    s.tables.find(({ table }) => table.id === fn.return_type_relation_id)?.table ??
    s.views.find(({ view }) => view.id === fn.return_type_relation_id)?.view;
  if (relation) return object(columnsOf(c, relation.id).map((column) => rowMember(c, schema, column)));
  return typeOf(c, schema, fn.return_type_id);
}

function getFunctionTsReturnType(c: Catalog, fn: PgFunction, returnType: TsType): Member[] {
  let setofOptions: Member[] | null = null;
  const setof = (from: string, to: string, isOneToOne: boolean, isSetofReturn: boolean): Member[] => [
    { key: "from", type: lit(from) },
    { key: "to", type: lit(to) },
    { key: "isOneToOne", type: kw(String(isOneToOne)) },
    { key: "isSetofReturn", type: kw(String(isSetofReturn)) },
  ];
  const returnTableName = getTableNameFromRelationId(c, fn.return_type_relation_id, fn.return_type_id);
  const returnsSetOfTable = fn.is_set_returning_function && fn.return_type_relation_id !== null;
  const returnsMultipleRows = fn.prorows !== null && fn.prorows > 1;
  if (returnTableName) {
    setofOptions = setof("*", returnTableName, !returnsMultipleRows, fn.is_set_returning_function);
  }
  if (fn.args.length === 1) {
    const relationType = c.relationTypeByIds.get(fn.args[0]!.type_id);
    if (relationType) {
      if (returnsSetOfTable && returnTableName) {
        setofOptions = setof(relationType.format, returnTableName, !returnsMultipleRows, true);
      } else if (returnTableName && !returnsSetOfTable) {
        setofOptions = setof(relationType.format, returnTableName, true, false);
      }
    }
  }
  const collapsibleSingleRow = !returnsMultipleRows && returnTableName !== null;
  const returns = fn.is_set_returning_function && !collapsibleSingleRow ? appendArray(returnType) : returnType;
  return [{ key: "Returns", type: returns }, ...(setofOptions ? [{ key: "SetofOptions", type: object(setofOptions) }] : [])];
}

const hasTableRowError = (c: Catalog, fn: PgFunction, inArgs: PgFunctionArg[]) =>
  inArgs.length === 1 &&
  inArgs[0]!.name === "" &&
  c.relationTypeByIds.has(inArgs[0]!.type_id) &&
  !getTableNameFromRelationId(c, fn.return_type_relation_id, fn.return_type_id);

function getConflictError(c: Catalog, schema: PgSchema, fns: FnEntry[], fn: PgFunction, inArgs: PgFunctionArg[]): string | null {
  if (fns.length <= 1) return null;
  if (inArgs.length === 0) {
    const conflicting = fns.filter(
      ({ fn: other, inArgs: otherArgs }) =>
        other !== fn && otherArgs.length === 1 && otherArgs[0]!.name === "" && otherArgs[0]!.has_default,
    );
    if (conflicting.length > 0) {
      const returnTypeName = c.typesById.get(conflicting[0]!.fn.return_type_id)?.name || "unknown";
      return `Could not choose the best candidate function between: ${schema.name}.${fn.name}(), ${schema.name}.${fn.name}( => ${returnTypeName}). Try renaming the parameters or the function itself in the database so function overloading can be resolved`;
    }
  }
  if (inArgs.length === 1 && inArgs[0]!.name !== "") {
    const conflicting = fns.filter(
      ({ fn: other, inArgs: otherArgs }) =>
        other !== fn &&
        otherArgs.length === 1 &&
        otherArgs[0]!.name === inArgs[0]!.name &&
        otherArgs[0]!.type_id !== inArgs[0]!.type_id,
    );
    if (conflicting.length > 0) {
      const list = [{ fn, inArgs }, ...conflicting]
        .sort((a, b) => (a.inArgs[0]?.type_id || 0) - (b.inArgs[0]?.type_id || 0))
        .map(
          (f) =>
            `${schema.name}.${fn.name}(${f.inArgs.map((a) => `${a.name || ""} => ${c.typesById.get(a.type_id)?.name || "unknown"}`).join(", ")})`,
        )
        .join(", ");
      return `Could not choose the best candidate function between: ${list}. Try renaming the parameters or the function itself in the database so function overloading can be resolved`;
    }
  }
  return null;
}

const errorType = (message: string): TsType => ({
  k: "intersection",
  types: [object([{ key: "error", type: kw("true") }], false), lit(message)],
});

function getFunctionSignatures(c: Catalog, schema: PgSchema, fns: FnEntry[]): TsType {
  return union(
    fns.map(({ fn, inArgs }) => {
      let returnType = getFunctionReturnType(c, schema, fn);
      const argsType: TsType =
        inArgs.length === 0
          ? kw("never")
          : object(
              inArgs.map(({ name, type_id, has_default }) => ({ key: name, optional: has_default, type: typeOf(c, schema, type_id) })),
              false,
            );
      const conflictError = getConflictError(c, schema, fns, fn, inArgs);
      if (conflictError) {
        returnType = errorType(conflictError);
      } else if (hasTableRowError(c, fn, inArgs)) {
        returnType = errorType(
          `the function ${schema.name}.${fn.name} with parameter or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache`,
        );
      }
      return object([{ key: "Args", type: argsType }, ...getFunctionTsReturnType(c, fn, returnType)], false);
    }),
  );
}

const relationshipType = (c: Catalog, r: TsRelationship): TsType =>
  object([
    { key: "foreignKeyName", type: lit(r.foreign_key_name) },
    { key: "columns", type: { k: "tuple", elements: r.columns.map(lit) } },
    ...(c.detectOneToOne ? [{ key: "isOneToOne", type: kw(String(r.is_one_to_one)) }] : []),
    { key: "referencedRelation", type: lit(r.referenced_relation) },
    { key: "referencedColumns", type: { k: "tuple", elements: r.referenced_columns.map(lit) } },
  ]);

const section = (members: Member[]): Doc => (members.length === 0 ? objectDoc(["[_ in never]: never"], true) : typeDoc(object(members)));

const computedFields = (c: Catalog, schema: PgSchema, fnsOfSchema: FnEntry[], relationName: string): Member[] =>
  fnsOfSchema
    .filter(({ fn }) => fn.argument_types === relationName)
    .map(({ fn }) => ({ key: fn.name, type: nullable(getFunctionReturnType(c, schema, fn), true) }));

function tableMember(c: Catalog, schema: PgSchema, { table, relationships: rels }: SchemaContents["tables"][number]): Member {
  const s = intro(c, schema.name);
  const columns = columnsOf(c, table.id);
  return {
    key: table.name,
    type: object([
      { key: "Row", type: object([...columns.map((column) => rowMember(c, schema, column)), ...computedFields(c, schema, s.functions, table.name)]) },
      {
        key: "Insert",
        type: object(
          columns.map((column) =>
            column.identity_generation === "ALWAYS"
              ? { key: column.name, optional: true, type: kw("never") }
              : columnMember(c, schema, {
                  name: column.name,
                  format: column.format,
                  is_nullable: column.is_nullable,
                  is_optional: column.is_nullable || column.is_identity || column.default_value !== null,
                }),
          ),
        ),
      },
      {
        key: "Update",
        type: object(
          columns.map((column) =>
            column.identity_generation === "ALWAYS"
              ? { key: column.name, optional: true, type: kw("never") }
              : columnMember(c, schema, { name: column.name, format: column.format, is_nullable: column.is_nullable, is_optional: true }),
          ),
        ),
      },
      { key: "Relationships", type: { k: "tuple", elements: rels.map((r) => relationshipType(c, r)) } },
    ]),
  };
}

function viewMember(c: Catalog, schema: PgSchema, { view, relationships: rels }: SchemaContents["views"][number]): Member {
  const s = intro(c, schema.name);
  const columns = columnsOf(c, view.id);
  const writable = (column: PgColumn): Member =>
    !column.is_updatable
      ? { key: column.name, optional: true, type: kw("never") }
      : columnMember(c, schema, { name: column.name, format: column.format, is_nullable: true, is_optional: true });
  return {
    key: view.name,
    type: object([
      { key: "Row", type: object([...columns.map((column) => rowMember(c, schema, column)), ...computedFields(c, schema, s.functions, view.name)]) },
      ...(view.is_updatable
        ? [
            { key: "Insert", type: object(columns.map(writable)) },
            { key: "Update", type: object(columns.map(writable)) },
          ]
        : []),
      { key: "Relationships", type: { k: "tuple", elements: rels.map((r) => relationshipType(c, r)) } as TsType },
    ]),
  };
}

function functionMembers(c: Catalog, schema: PgSchema): Member[] {
  const grouped = new Map<string, FnEntry[]>();
  for (const entry of intro(c, schema.name).functions) grouped.set(entry.fn.name, [...(grouped.get(entry.fn.name) ?? []), entry]);
  for (const fns of grouped.values()) {
    fns.sort((a, b) => compare(a.fn.argument_types, b.fn.argument_types) || compare(a.fn.return_type, b.fn.return_type));
  }
  return [...grouped].map(([name, fns]) => ({ key: name, type: getFunctionSignatures(c, schema, fns) }));
}

function schemaDoc(c: Catalog, schema: PgSchema): Doc {
  const s = intro(c, schema.name);
  const enumMembers: Member[] = s.enums.map((e) => ({ key: e.name, type: union(e.enums.map(lit)) }));
  const compositeMembers: Member[] = s.compositeTypes.map(({ name, attributes }) => ({
    key: name,
    type: object(
      attributes.map((a) => {
        const type = c.typesById.get(a.type_id);
        return { key: a.name, type: type ? nullable(pgTypeToTsType(c, schema, type.name), true) : UNKNOWN };
      }),
    ),
  }));
  return [
    printKey(schema.name),
    ": ",
    objectDoc(
      [
        ["Tables: ", section(s.tables.map((entry) => tableMember(c, schema, entry)))],
        ["Views: ", section(s.views.map((entry) => viewMember(c, schema, entry)))],
        ["Functions: ", section(functionMembers(c, schema))],
        ["Enums: ", section(enumMembers)],
        ["CompositeTypes: ", section(compositeMembers)],
      ],
      true,
    ),
  ];
}

/** `export const Constants`: every schema's enums as arrays of their values. */
function constantsDoc(c: Catalog): string {
  return printDoc(
    group(
      [
        "{",
        indent([
          line,
          join(
            [",", line],
            c.meta.schemas.map((schema) => {
              const enums = intro(c, schema.name).enums.map((e): Doc => [
                printKey(e.name),
                ": ",
                group(["[", indent([softline, join([",", line], e.enums.map(quoteString))]), ifBreak(","), softline, "]"]),
              ]);
              return [
                printKey(schema.name),
                ": ",
                group(["{", indent([line, "Enums: ", enums.length === 0 ? "{}" : group(["{", indent([line, join([",", line], enums)]), ifBreak(","), line, "}"], true)]), ifBreak(","), line, "}"], true),
              ];
            }),
          ),
        ]),
        ifBreak(","),
        line,
        "}",
      ],
      true,
    ),
    "export const Constants = ".length,
  );
}

function render(meta: Metadata, options: Required<Omit<GenerateOptions, "postgrestVersion">> & GenerateOptions): string {
  const c = indexCatalog(meta, options.detectOneToOneRelationships);
  const schemaMembers: Doc[] = c.meta.schemas.map((schema) => schemaDoc(c, schema));
  const internal: Doc[] = options.postgrestVersion
    ? [
        [
          "// Allows to automatically instantiate createClient with right options",
          hardline,
          "// instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)",
          hardline,
          "__InternalSupabase: ",
          typeDoc(object([{ key: "PostgrestVersion", type: lit(options.postgrestVersion) }])),
        ],
      ]
    : [];
  const database = printDoc(objectDoc([...internal, ...schemaMembers], true), "export type Database = ".length);
  const constants = constantsDoc(c);
  return `${JSON_TYPE}\nexport type Database = ${database}\n${helperTypes(DEFAULT_SCHEMA)}\nexport const Constants = ${constants} as const\n`;
}

const JSON_TYPE = `export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]
`;

/** The template's helper types, as prettier prints them (they only depend on the default schema). */
function helperTypes(defaultSchema: string): string {
  return `
type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, ${JSON.stringify(defaultSchema)}>]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never
`;
}

/** The TypeScript types `supabase gen types typescript --schema <schemas>` prints for this database. */
export async function generateDatabaseTypes(db: CatalogClient, options: GenerateOptions = {}): Promise<string> {
  const schemas = options.schemas ?? [DEFAULT_SCHEMA];
  const meta = await readCatalog(db, schemas);
  return render(meta, { ...options, schemas, detectOneToOneRelationships: options.detectOneToOneRelationships ?? true });
}
