/**
 * A normalized, plain-text dump of a database's catalog: what the migrations build, independent of
 * the order they built it in (no OIDs, no creation order; lists sorted, ACL entries sorted).
 * Used by scripts/compare-schemas.ts (two migration sets must build the same database) and by
 * tests/db/schema-snapshot.test.ts (the committed picture of the schema as a whole).
 * Decision: docs/decisions/0020-one-migration-per-domain-append-only.md.
 *
 * Covered: schemas, extensions, types (enums with their labels in order, domains, composites),
 * tables, views and sequences (kind, RLS flags, options, owner, ACL), columns (position among the
 * live columns, type, default, nullability, identity, generation, collation), constraints (with
 * their validation), indexes, policies, triggers, rules, view definitions, functions
 * (pg_get_functiondef: language, volatility, security definer, settings, body; owner, ACL),
 * default privileges and comments. Objects of extensions (pgcrypto's functions) are left out:
 * they belong to the extension, not to the migrations.
 */
import type { PGlite } from "@electric-sql/pglite";

/** Schemas that are PostgreSQL's own. */
const SYSTEM_SCHEMA = `(n.nspname in ('pg_catalog', 'information_schema') or n.nspname like 'pg\\_toast%' or n.nspname like 'pg\\_temp%')`;

/** Not a member of an extension (pg_depend 'e'). */
const notInExtension = (classId: string, oid: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${classId}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;

/** An aclitem[] as sorted text (null: the object's default privileges). */
const acl = (column: string) =>
  `coalesce((select string_agg(x::text, ' ' order by x::text) from unnest(${column}) x), 'default')`;

export interface Section {
  title: string;
  sql: string;
}

export const CATALOG_SECTIONS: Section[] = [
  {
    title: "schemas",
    sql: `select n.nspname || ' owner=' || pg_get_userbyid(n.nspowner) || ' acl=' || ${acl("n.nspacl")}
          from pg_namespace n where not ${SYSTEM_SCHEMA}`,
  },
  {
    title: "extensions",
    sql: `select e.extname || ' schema=' || n.nspname || ' version=' || e.extversion
          from pg_extension e join pg_namespace n on n.oid = e.extnamespace`,
  },
  {
    title: "types",
    sql: `select format('%s.%s kind=%s', n.nspname, t.typname, t.typtype)
            || case t.typtype
                 when 'e' then ' labels=' || (select string_agg(e.enumlabel, ',' order by e.enumsortorder)
                                              from pg_enum e where e.enumtypid = t.oid)
                 when 'd' then ' base=' || format_type(t.typbasetype, t.typtypmod) || ' notnull=' || t.typnotnull
                               || coalesce(' default=' || t.typdefault, '')
                 when 'c' then ' attributes=' || (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                                                  from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped)
                 else ''
               end
            || ' owner=' || pg_get_userbyid(t.typowner) || ' acl=' || ${acl("t.typacl")}
          from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where not ${SYSTEM_SCHEMA}
            and (t.typtype in ('e', 'd', 'r', 'm') or (t.typtype = 'c' and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c'))
            and ${notInExtension("pg_type", "t.oid")}`,
  },
  {
    title: "relations",
    sql: `select format('%s.%s kind=%s rls=%s force_rls=%s options=%s owner=%s acl=%s',
                  n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
                  coalesce(array_to_string(c.reloptions, ','), ''), pg_get_userbyid(c.relowner), ${acl("c.relacl")})
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where not ${SYSTEM_SCHEMA} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')
            and ${notInExtension("pg_class", "c.oid")}`,
  },
  {
    title: "columns",
    sql: `select format('%s.%s #%s %s %s%s%s%s%s%s%s', n.nspname, c.relname,
                  row_number() over (partition by c.oid order by a.attnum), a.attname, format_type(a.atttypid, a.atttypmod),
                  case when a.attnotnull then ' not null' else '' end,
                  coalesce(case when a.attgenerated::text = '' then ' default ' else ' generated ' end || pg_get_expr(ad.adbin, ad.adrelid), ''),
                  case when a.attidentity::text <> '' then ' identity=' || a.attidentity::text else '' end,
                  case when a.attcollation <> 0 and a.attcollation <> t.typcollation
                       then ' collate ' || (select collname from pg_collation where oid = a.attcollation) else '' end,
                  case when a.attacl is not null then ' acl=' || ${acl("a.attacl")} else '' end,
                  coalesce(' comment=' || col_description(c.oid, a.attnum), ''))
          from pg_attribute a
          join pg_class c on c.oid = a.attrelid
          join pg_namespace n on n.oid = c.relnamespace
          join pg_type t on t.oid = a.atttypid
          left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
          where not ${SYSTEM_SCHEMA} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
            and a.attnum > 0 and not a.attisdropped
            and ${notInExtension("pg_class", "c.oid")}`,
  },
  {
    title: "constraints",
    sql: `select format('%s.%s %s type=%s %s validated=%s deferrable=%s deferred=%s', n.nspname,
                  coalesce(c.relname, t.typname), k.conname, k.contype, pg_get_constraintdef(k.oid),
                  k.convalidated, k.condeferrable, k.condeferred)
          from pg_constraint k
          join pg_namespace n on n.oid = k.connamespace
          left join pg_class c on c.oid = k.conrelid
          left join pg_type t on t.oid = k.contypid
          where not ${SYSTEM_SCHEMA}`,
  },
  {
    title: "indexes",
    sql: `select pg_get_indexdef(i.indexrelid) || case when i.indisvalid then '' else ' (invalid)' end
          from pg_index i
          join pg_class c on c.oid = i.indexrelid
          join pg_namespace n on n.oid = c.relnamespace
          where not ${SYSTEM_SCHEMA}`,
  },
  {
    title: "policies",
    sql: `select format('%s.%s %I %s for %s to %s using (%s) with check (%s)', p.schemaname, p.tablename, p.policyname,
                  p.permissive, p.cmd, (select string_agg(r, ',' order by r) from unnest(p.roles) r),
                  coalesce(p.qual, ''), coalesce(p.with_check, ''))
          from pg_policies p`,
  },
  {
    title: "triggers",
    sql: `select pg_get_triggerdef(g.oid) || ' enabled=' || g.tgenabled::text
          from pg_trigger g
          join pg_class c on c.oid = g.tgrelid
          join pg_namespace n on n.oid = c.relnamespace
          where not g.tgisinternal and not ${SYSTEM_SCHEMA}`,
  },
  {
    title: "rules",
    sql: `select format('%s.%s %s: %s', r.schemaname, r.tablename, r.rulename, r.definition)
          from pg_rules r where r.schemaname not in ('pg_catalog', 'information_schema')`,
  },
  {
    title: "views",
    sql: `select format('%s.%s:%s', n.nspname, c.relname, pg_get_viewdef(c.oid))
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where not ${SYSTEM_SCHEMA} and c.relkind in ('v', 'm')`,
  },
  {
    title: "sequences",
    sql: `select format('%s.%s type=%s start=%s increment=%s min=%s max=%s cache=%s cycle=%s', n.nspname, c.relname,
                  format_type(s.seqtypid, null), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
          from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
          where not ${SYSTEM_SCHEMA}`,
  },
  {
    title: "functions",
    sql: `select format(E'%s.%s(%s) owner=%s acl=%s\n%s', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                  pg_get_userbyid(p.proowner), ${acl("p.proacl")},
                  case when p.prokind in ('f', 'p', 'w') then pg_get_functiondef(p.oid) else 'aggregate' end)
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where not ${SYSTEM_SCHEMA} and ${notInExtension("pg_proc", "p.oid")}`,
  },
  {
    title: "default privileges",
    sql: `select format('%s in %s on %s: %s', pg_get_userbyid(d.defaclrole), coalesce(n.nspname, '(all schemas)'),
                  d.defaclobjtype, ${acl("d.defaclacl")})
          from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace`,
  },
  {
    title: "comments",
    sql: `select format('%s %s: %s', d.classoid::regclass, pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description)
          from pg_description d
          where d.objsubid = 0 and d.classoid in ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass, 'pg_namespace'::regclass,
                                                  'pg_constraint'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass)
            and not exists (select 1 from pg_depend e where e.classid = d.classoid and e.objid = d.objoid and e.deptype = 'e')
            and pg_describe_object(d.classoid, d.objoid, d.objsubid) !~ ' pg_catalog\\.| information_schema\\.'
            and (d.classoid <> 'pg_namespace'::regclass or d.objoid not in ('pg_catalog'::regnamespace, 'public'::regnamespace, 'information_schema'::regnamespace))
            and (d.classoid <> 'pg_proc'::regclass or (select pronamespace from pg_proc where oid = d.objoid) <> 'pg_catalog'::regnamespace)
            and (d.classoid <> 'pg_type'::regclass or (select typnamespace from pg_type where oid = d.objoid) <> 'pg_catalog'::regnamespace)
            and (d.classoid <> 'pg_class'::regclass or (select relnamespace from pg_class where oid = d.objoid) not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace))`,
  },
];

/** The catalog's entries (one per object, some several lines long), sorted within each section. */
export async function catalogEntries(pg: PGlite): Promise<{ title: string; entries: string[] }[]> {
  const out: { title: string; entries: string[] }[] = [];
  for (const section of CATALOG_SECTIONS) {
    const sql = `select line from (${section.sql}) s (line)`;
    const { rows } = await pg.query<{ line: string }>(sql).catch((error: Error & { position?: string }) => {
      const at = Number(error.position ?? 0);
      throw new Error(`catalog section "${section.title}": ${error.message} at «${sql.slice(Math.max(at - 60, 0), at + 20)}»`);
    });
    out.push({ title: section.title, entries: rows.map((r) => r.line).sort() });
  }
  return out;
}

/** The catalog as sorted text, one section per kind of object. */
export async function dumpCatalog(pg: PGlite): Promise<string> {
  return (await catalogEntries(pg))
    .map((s) => [`-- ${s.title} (${s.entries.length})`, ...s.entries, ""].join("\n"))
    .join("\n");
}

/**
 * The rows of every table of `schemas`, as JSON lines sorted within each table; the values of
 * time columns (now() at insertion) only say whether they are set. For data the migrations
 * themselves insert (settings rows), not for a seeded database.
 */
export async function dumpData(pg: PGlite, schemas: string[]): Promise<string> {
  const { rows: tables } = await pg.query<{ name: string; times: string[] }>(
    `select format('%I.%I', n.nspname, c.relname) as name,
            array(select a.attname::text from pg_attribute a
                  where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                    and a.atttypid in ('timestamptz'::regtype, 'timestamp'::regtype)) as times
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and n.nspname = any ($1::text[])
     order by 1`,
    [schemas],
  );
  const out: string[] = [];
  for (const table of tables) {
    const { rows } = await pg.query<Record<string, unknown>>(`select * from ${table.name}`);
    const lines = rows
      .map((row) => {
        for (const column of table.times) row[column] = row[column] === null ? null : "<time>";
        return JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
      })
      .sort();
    out.push(`-- ${table.name} (${lines.length})`, ...lines, "");
  }
  const { rows: sequences } = await pg.query<{ line: string }>(
    `select format('%s.%s last_value=%s', schemaname, sequencename, coalesce(last_value::text, 'none')) as line
     from pg_sequences where schemaname = any ($1::text[]) order by 1`,
    [schemas],
  );
  out.push("-- sequences", ...sequences.map((r) => r.line), "");
  return out.join("\n");
}
