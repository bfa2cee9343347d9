/**
 * app/.server/database.types.ts is generated from the migrations (`npm run db:types`,
 * docs/database-types.md): this suite fails when the committed file is not what they produce, and
 * checks the generator's mapping on a schema of its own, on real PGlite databases.
 */
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import type { Database } from "~/.server/database.types";
import { bootstrap } from "~/.server/embedded/database";
import type { PortalClient, RpcArgs, RpcName, RpcReturns, RpcRow } from "~/.server/data/db-types";
import { generateDatabaseTypes } from "../../scripts/lib/database-types";
import { testDatabase } from "../support/database";

const COMMITTED = new URL("../../app/.server/database.types.ts", import.meta.url);

/** Top-level keys of `export type Database = { … }`. */
function databaseKeys(types: string): string[] {
  const body = /^export type Database = \{\n([\s\S]*?)^\}$/m.exec(types)?.[1] ?? "";
  return [...body.matchAll(/^ {2}([A-Za-z_"][^:]*): \{$/gm)].map((m) => m[1]!);
}

/** Keys of `public.Functions`. */
function functionKeys(types: string): string[] {
  const body = /^ {4}Functions: \{\n([\s\S]*?)^ {4}\}$/m.exec(types)?.[1] ?? "";
  return [...body.matchAll(/^ {6}([A-Za-z_"][^:]*):/gm)].map((m) => m[1]!);
}

describe("the portal's schema", () => {
  let generated: string;
  let publicFunctions: string[];

  beforeAll(async () => {
    const db = await testDatabase();
    try {
      generated = await generateDatabaseTypes(db.pg, { schemas: ["public"] });
      const { rows } = await db.pg.query<{ name: string }>(
        `select distinct p.proname as name from pg_proc p
         where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
           and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
         order by 1`,
      );
      publicFunctions = rows.map((r) => r.name);
    } finally {
      await db.close();
    }
  });

  test("the committed app/.server/database.types.ts is what the migrations produce", async () => {
    const committed = await readFile(COMMITTED, "utf8");
    expect(
      committed,
      "app/.server/database.types.ts differs from what the migrations produce: run `npm run db:types` and commit the file",
    ).toBe(generated);
  });

  test("only the schema PostgREST serves is typed: nothing of the embedded bootstrap leaks", () => {
    expect(databaseKeys(generated)).toEqual(["public"]);
    for (const embeddedOnly of ["auth", "storage", "supabase_migrations", "portal", "extensions"]) {
      expect(generated).not.toContain(`Database["${embeddedOnly}"]`);
    }
    // auth.uid(), auth.jwt() … live in the bootstrap's auth schema, not in public
    expect(functionKeys(generated)).not.toContain("uid");
    expect(functionKeys(generated).sort()).toEqual([...publicFunctions].sort());
  });

  test("the embedded bootstrap (what Supabase provides) adds nothing to the types", async () => {
    const pg = await PGlite.create({ extensions: { pgcrypto } });
    try {
      await pg.exec(bootstrap);
      const types = await generateDatabaseTypes(pg, { schemas: ["public"] });
      expect(types).toContain(`export type Database = {
  public: {
    Tables: {
      [_ in never]: never
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}
`);
    } finally {
      await pg.close();
    }
  });

  test("functions are typed as PostgREST calls them", () => {
    expect(generated).toContain("      health_check: { Args: never; Returns: boolean }\n");
    // returns table (…): an array of rows, columns by name; an enum of the private schema inline
    expect(generated).toMatch(
      /^ {6}my_invoice_counts: \{\n {8}Args: never\n {8}Returns: \{\n {10}invoice_count: number\n {10}status: "unpaid" \| "paid" \| "treasury"\n {8}\}\[\]\n {6}\}$/m,
    );
    // arguments with a default are optional; uuid → string, bigint → number, jsonb → Json
    expect(generated).toContain("          p_source_verified?: boolean\n");
    expect(generated).toContain("          p_amount_cents: number\n");
    expect(generated).toContain("          p_payload?: Json\n");
  });
});

// Compile-time checks (npx tsc): the helper types and a client typed by the schema.
expectTypeOf<RpcArgs<"my_invoice">>().toEqualTypeOf<{ p_id: string }>();
expectTypeOf<RpcArgs<"health_check">>().toEqualTypeOf<never>();
expectTypeOf<RpcReturns<"health_check">>().toEqualTypeOf<boolean>();
expectTypeOf<RpcRow<"my_invoice_counts">>().toEqualTypeOf<{ invoice_count: number; status: "unpaid" | "paid" | "treasury" }>();
expectTypeOf<"my_invoice">().toExtend<RpcName>();
expectTypeOf<"uid">().not.toExtend<RpcName>();
expectTypeOf<Database["public"]["Tables"]>().toEqualTypeOf<{ [_ in never]: never }>();
export function typedClientCalls(client: PortalClient) {
  // @ts-expect-error: my_invoice takes p_id, not id
  void client.rpc("my_invoice", { id: "x" });
  // @ts-expect-error: no such function in public
  void client.rpc("uid");
  return client.rpc("my_invoice", { p_id: "1a000000-0000-4000-8000-000000000001" });
}
// supabase-js reads the generated types: `data` is the function's rows
expectTypeOf<NonNullable<Awaited<ReturnType<typeof typedClientCalls>>["data"]>>().toEqualTypeOf<RpcReturns<"my_invoice">>();

describe("the generator (postgres-meta's template) on a schema of its own", () => {
  let pg: PGlite;
  let types: string;

  beforeAll(async () => {
    pg = await PGlite.create();
    await pg.exec(`
      create schema private;
      create type private.hidden_status as enum ('a', 'b');
      create type public.mood as enum ('happy', 'sad');
      create type public.pair as (label text, amount bigint);
      create table public.owners (id bigint generated always as identity primary key, name text not null);
      create table public.pets (
        id uuid primary key default gen_random_uuid(),
        owner_id bigint not null unique references public.owners (id),
        nickname varchar(20),
        tags text[] not null default '{}',
        mood public.mood,
        born_on date,
        extra jsonb
      );
      create view public.pet_names as select id, nickname, owner_id from public.pets;
      create function public.pets_of(p_owner bigint) returns setof public.pets language sql stable
        as 'select * from public.pets where owner_id = p_owner';
      create function public.hidden(p_x private.hidden_status default 'a') returns table (status private.hidden_status, at timestamptz)
        language sql as 'select p_x, now()';
      create function public.ping() returns void language sql as 'select';
      create function public.twice(n int) returns int language sql as 'select n * 2';
      create function public.twice(n text) returns text language sql as 'select n || n';
      create function public.secret() returns int language sql as 'select 1';
      create function private.not_exposed() returns int language sql as 'select 1';
    `);
    types = await generateDatabaseTypes(pg, { schemas: ["public"] });
  });
  afterAll(async () => {
    await pg.close();
  });

  test("tables: Row, Insert (optional when nullable, defaulted or identity; never when always generated), Update, relationships", () => {
    expect(types).toContain(`      owners: {
        Row: {
          id: number
          name: string
        }
        Insert: {
          id?: never
          name: string
        }
        Update: {
          id?: never
          name?: string
        }
        Relationships: []
      }
`);
    expect(types).toContain(`        Row: {
          born_on: string | null
          extra: Json | null
          id: string
          mood: Database["public"]["Enums"]["mood"] | null
          nickname: string | null
          owner_id: number
          tags: string[]
        }
        Insert: {
          born_on?: string | null
          extra?: Json | null
          id?: string
          mood?: Database["public"]["Enums"]["mood"] | null
          nickname?: string | null
          owner_id: number
          tags?: string[]
        }
`);
    expect(types).toContain(`        Relationships: [
          {
            foreignKeyName: "pets_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: true
            referencedRelation: "owners"
            referencedColumns: ["id"]
          },
        ]
`);
  });

  test("views (updatable: Insert/Update too) inherit the relationships of their tables' keys", () => {
    expect(types).toContain(`      pet_names: {
        Row: {
          id: string | null
          nickname: string | null
          owner_id: number | null
        }
        Insert: {
          id?: string | null
          nickname?: string | null
          owner_id?: number | null
        }
        Update: {
          id?: string | null
          nickname?: string | null
          owner_id?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "pets_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: true
            referencedRelation: "owners"
            referencedColumns: ["id"]
          },
        ]
      }
`);
  });

  test("functions: setof a table, returns table, void, overloads, defaults; private types inline", () => {
    expect(types).toContain(`      pets_of: {
        Args: { p_owner: number }
        Returns: {
          born_on: string | null
          extra: Json | null
          id: string
          mood: Database["public"]["Enums"]["mood"] | null
          nickname: string | null
          owner_id: number
          tags: string[]
        }[]
        SetofOptions: {
          from: "*"
          to: "pets"
          isOneToOne: false
          isSetofReturn: true
        }
      }
`);
    expect(types).toContain(`      hidden: {
        Args: { p_x?: "a" | "b" }
        Returns: {
          at: string
          status: "a" | "b"
        }[]
      }
`);
    expect(types).toContain("      ping: { Args: never; Returns: undefined }\n");
    expect(types).toContain(`      twice:
        | {
            Args: { n: number }
            Returns: {
              error: true
            } & "Could not choose the best candidate function between: public.twice(n => int4), public.twice(n => text). Try renaming the parameters or the function itself in the database so function overloading can be resolved"
          }
`);
    expect(types).not.toContain("not_exposed");
    expect(types).not.toContain("private");
  });

  test("enums, composite types (attributes in their declared order) and the Constants object", () => {
    expect(types).toContain(`    Enums: {
      mood: "happy" | "sad"
    }
    CompositeTypes: {
      pair: {
        label: string | null
        amount: number | null
      }
    }
`);
    expect(types).toContain(`export const Constants = {
  public: {
    Enums: {
      mood: ["happy", "sad"],
    },
  },
} as const
`);
  });

  test("__InternalSupabase only when a PostgREST version is given (as `supabase gen types --linked` does)", async () => {
    expect(types).not.toContain("__InternalSupabase: {");
    const linked = await generateDatabaseTypes(pg, { schemas: ["public"], postgrestVersion: "13" });
    expect(linked).toContain(`export type Database = {
  // Allows to automatically instantiate createClient with right options
  // instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)
  __InternalSupabase: {
    PostgrestVersion: "13"
  }
  public: {
`);
  });
});
