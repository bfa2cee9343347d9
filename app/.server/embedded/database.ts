import { PGlite, type Transaction } from "@electric-sql/pglite";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import type { Caller } from "../ports/accounts";
import { acquireDataDirLock, type DataDirLock } from "./lock";
import bootstrapSql from "./bootstrap.sql?raw";
import seedSql from "../../../supabase/seed.sql?raw";

/**
 * The embedded database: PGlite running the very migrations of `supabase/migrations/`, after a
 * bootstrap that recreates what Supabase provides (roles, auth schema, claims functions).
 * Requests run as PostgREST runs them: one transaction, `SET LOCAL ROLE`, `request.jwt.claims`.
 */

// Bundled into the server build (the SQL is the domain: it must ship with the code).
const migrationFiles = import.meta.glob<string>("/supabase/migrations/*.sql", {
  query: "?raw",
  import: "default",
  eager: true,
});

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

/** Migrations in the order the Supabase CLI applies them (by version = timestamp prefix). */
export const migrations: Migration[] = Object.entries(migrationFiles)
  .map(([path, sql]) => {
    const file = path.split("/").pop()!.replace(/\.sql$/, "");
    const match = /^(\d{14})_(.+)$/.exec(file);
    if (!match) throw new Error(`Migration file name must be YYYYMMDDHHMMSS_name.sql: ${path}`);
    return { version: match[1]!, name: match[2]!, sql };
  })
  .sort((a, b) => a.version.localeCompare(b.version));

export const bootstrap = bootstrapSql;
export const seed = seedSql;

/** Where the seed's invoice PDFs live in the repository (object key = path below this folder). */
export const SEED_STORAGE_DIR = "supabase/storage/invoices";

export type Tx = Transaction;

export interface OpenDatabaseOptions {
  /** DATA_DIR of the embedded default (PGlite data in `${dataDir}/pglite`), or `memory://`. */
  dataDir: string;
  /** Run supabase/seed.sql once, on a fresh database (and copy its PDFs). Default false. */
  seed?: boolean;
  /** Start from a `dumpDataDir()` tarball instead of an empty cluster (test snapshots). */
  loadDataDir?: Blob | File;
  /** Folder of the seed PDFs; default `supabase/storage/invoices` from the working directory. */
  seedFilesDir?: string;
}

export interface Database {
  pg: PGlite;
  /** Migrations applied by this open (empty when the database was up to date). */
  appliedMigrations: string[];
  /** True when this open ran the seed. */
  seeded: boolean;
  /** Runs `fn` in one transaction as `caller`, the way PostgREST runs a request. */
  run<T>(caller: Caller, fn: (tx: Tx) => Promise<T>): Promise<T>;
  asAnon<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  asUser<T>(userId: string, email: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  asService<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const ROLES = { anon: "anon", authenticated: "authenticated", service_role: "service_role" } as const;

function claimsOf(caller: Caller): Record<string, string> {
  switch (caller.role) {
    case "anon":
      return { role: "anon" };
    case "service_role":
      return { role: "service_role" };
    case "authenticated":
      return {
        sub: caller.userId,
        role: "authenticated",
        email: caller.email,
        aud: "authenticated",
        ...(caller.sessionId ? { session_id: caller.sessionId } : {}),
      };
  }
}

export function isMemoryDir(dataDir: string): boolean {
  return dataDir.startsWith("memory://");
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const memory = isMemoryDir(options.dataDir);
  const pgliteDir = memory ? options.dataDir : `${options.dataDir.replace(/\/+$/, "")}/pglite`;
  let lock: DataDirLock | null = null;
  if (!memory) {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(options.dataDir, { recursive: true });
    // PGlite itself does not stop a second process on the same folder (see lock.ts).
    lock = await acquireDataDirLock(options.dataDir);
  }

  let pg: PGlite;
  try {
    pg = await PGlite.create(pgliteDir, {
      extensions: { pgcrypto },
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }

  try {
    await pg.exec(bootstrap);
    const appliedMigrations = await applyMigrations(pg);
    let seeded = false;
    if (options.seed) {
      seeded = await applySeed(pg);
      if (seeded && !memory) {
        await copySeedFiles(options.seedFilesDir ?? SEED_STORAGE_DIR, `${options.dataDir}/storage/invoices`);
      }
    }
    return makeDatabase(pg, appliedMigrations, seeded, lock);
  } catch (error) {
    await pg.close().catch(() => {});
    await lock?.release();
    throw error;
  }
}

/** Applies every migration not yet recorded, each in its own transaction, recorded like the CLI. */
async function applyMigrations(pg: PGlite): Promise<string[]> {
  const { rows } = await pg.query<{ version: string }>(
    "select version from supabase_migrations.schema_migrations",
  );
  const done = new Set(rows.map((r) => r.version));
  // A database built from migrations that are no longer in the repository (they were squashed
  // before anything was deployed: docs/decisions/0020-one-migration-per-domain-append-only.md)
  // would fail half-way with "already exists"; say what to do instead.
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...done].filter((version) => !known.has(version)).sort();
  if (unknown.length > 0) {
    throw new Error(
      `The embedded database was built from migrations that are not in supabase/migrations/ (${unknown.join(", ")}). ` +
        "Rebuild it with `npm run db:reset` (its data is demo data), or point DATA_DIR at a new folder.",
    );
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await pg.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query(
        "insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)",
        [migration.version, migration.name, [migration.sql]],
      );
    });
    applied.push(`${migration.version}_${migration.name}`);
  }
  return applied;
}

/** Runs seed.sql once per database (recorded in supabase_migrations.seed_files, like the CLI). */
async function applySeed(pg: PGlite): Promise<boolean> {
  const { rows } = await pg.query("select 1 from supabase_migrations.seed_files where path = $1", [
    "supabase/seed.sql",
  ]);
  if (rows.length > 0) return false;
  const hash = await sha256Hex(seed);
  await pg.transaction(async (tx) => {
    await tx.exec(seed);
    await tx.query("insert into supabase_migrations.seed_files (path, hash) values ($1, $2)", [
      "supabase/seed.sql",
      hash,
    ]);
  });
  return true;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Copies the seed PDFs into the embedded file store (`${DATA_DIR}/storage/invoices/<key>`). */
export async function copySeedFiles(fromDir: string, toDir: string): Promise<number> {
  const { cp, stat } = await import("node:fs/promises");
  try {
    await stat(fromDir);
  } catch {
    console.warn(`seed PDFs not found in ${fromDir}: invoices of the seed will have no PDF`);
    return 0;
  }
  await cp(fromDir, toDir, { recursive: true, force: false, errorOnExist: false });
  const { readdir } = await import("node:fs/promises");
  const entries = await readdir(toDir, { recursive: true });
  return entries.filter((e) => String(e).endsWith(".pdf")).length;
}

function makeDatabase(pg: PGlite, appliedMigrations: string[], seeded: boolean, lock: DataDirLock | null): Database {
  async function run<T>(caller: Caller, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const role = ROLES[caller.role];
    if (!role) throw new Error(`Unknown caller role: ${String((caller as { role: unknown }).role)}`);
    return pg.transaction(async (tx) => {
      // Role names cannot be bound parameters; `role` comes from a fixed table above.
      await tx.exec(`set local role ${role}`);
      await tx.query("select set_config('request.jwt.claims', $1, true)", [
        JSON.stringify(claimsOf(caller)),
      ]);
      return fn(tx);
    });
  }
  return {
    pg,
    appliedMigrations,
    seeded,
    run,
    asAnon: (fn) => run({ role: "anon" }, fn),
    asUser: (userId, email, fn) => run({ role: "authenticated", userId, email }, fn),
    asService: (fn) => run({ role: "service_role" }, fn),
    close: async () => {
      try {
        await pg.close();
      } finally {
        await lock?.release();
      }
    },
  };
}
