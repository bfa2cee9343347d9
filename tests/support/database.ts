/**
 * Real PGlite databases for the SQL tests (never mocks). Creating a database and applying the
 * migrations takes ~5 s, so the first test file to need one builds a migrated + seeded snapshot
 * (`.tmp/db-snapshot-<hash>.tar`, uncompressed: it loads faster, the hash covers bootstrap, migrations and seed, so any SQL
 * change rebuilds it) and every file then loads it in ~1 s.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import {
  bootstrap,
  migrations,
  openDatabase,
  seed,
  type Database,
  type Tx,
} from "~/.server/embedded/database";

const SNAPSHOT_DIR = new URL("../../.tmp/", import.meta.url).pathname;

function snapshotHash(): string {
  const hash = createHash("sha256");
  hash.update(bootstrap);
  for (const m of migrations) hash.update(`${m.version}_${m.name}\n${m.sql}`);
  hash.update(seed);
  return hash.digest("hex").slice(0, 16);
}

async function snapshot(): Promise<Blob> {
  const file = `${SNAPSHOT_DIR}db-snapshot-${snapshotHash()}.tar`;
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const db = await openDatabase({ dataDir: "memory://", seed: true });
    const dump = await db.pg.dumpDataDir("none");
    await db.close();
    await mkdir(SNAPSHOT_DIR, { recursive: true });
    // Written then renamed: parallel workers never read a half-written snapshot.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, new Uint8Array(await dump.arrayBuffer()));
    await rename(tmp, file);
    return dump;
  }
}

/** A migrated and seeded in-memory database of its own. */
export async function testDatabase(): Promise<Database> {
  return openDatabase({ dataDir: "memory://", seed: true, loadDataDir: await snapshot() });
}

// Seed facts (supabase/seed.sql) -----------------------------------------------------------------
export const SEED = {
  serviceId: "5e000000-0000-4000-8000-000000004200",
  demoUserId: "d0000000-0000-4000-8000-000000000001",
  demoEmail: "demo@demo.fr",
  demoCustomerId: "c0000000-0000-4000-8000-000000000001",
  nouveauCustomerId: "c0000000-0000-4000-8000-000000000002",
  invoice2059Id: "1a000000-0000-4000-8000-000000000001",
  /** The demo account's « Mes paiements » (2017, on invoices paid today), newest first. */
  demoPaymentAttempts: [
    { id: "a0000000-0000-4000-8000-000000000003", status: "paid", invoiceId: "1a000000-0000-4000-8000-000000000003", idop: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d03" },
    { id: "a0000000-0000-4000-8000-000000000002", status: "refused", invoiceId: "1a000000-0000-4000-8000-000000000003", idop: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d02" },
    { id: "a0000000-0000-4000-8000-000000000001", status: "abandoned", invoiceId: "1a000000-0000-4000-8000-000000000004", idop: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d01" },
  ],
} as const;

/** Creates an auth user the way GoTrue does (as the database owner, not through an API role). */
export async function createAuthUser(db: Database, email: string, password = "mot-de-passe-test"): Promise<string> {
  const { rows } = await db.pg.query<{ id: string }>(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
       confirmation_token, recovery_token, email_change_token_new, email_change,
       raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
       $1, extensions.crypt($2, extensions.gen_salt('bf')), now(), '', '', '', '',
       '{"provider":"email","providers":["email"]}', '{}', now(), now())
     returning id`,
    [email, password],
  );
  return rows[0]!.id;
}

/** Opens a live Auth session for `userId` (an auth.sessions row, as GoTrue writes it); its id. */
export async function openAuthSession(db: Database, userId: string, notAfter: Date | null = null): Promise<string> {
  const { rows } = await db.pg.query<{ id: string }>(
    "insert into auth.sessions (id, user_id, created_at, updated_at, not_after) values (gen_random_uuid(), $1, now(), now(), $2) returning id",
    [userId, notAfter],
  );
  return rows[0]!.id;
}

const liveSessions = new WeakMap<Database, Map<string, string>>();

/**
 * Runs fn as the resident, the way the app does: their claims with the session_id of a live Auth
 * session (opened once per database and user). The page functions and the writes check it
 * (supabase/migrations/20261126000600_pages.sql); db.asUser carries no session id.
 */
export async function asLiveUser<T>(db: Database, userId: string, email: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let byUser = liveSessions.get(db);
  if (!byUser) liveSessions.set(db, (byUser = new Map()));
  let sessionId = byUser.get(userId);
  if (!sessionId) byUser.set(userId, (sessionId = await openAuthSession(db, userId)));
  return db.run({ role: "authenticated", userId, email, sessionId }, fn);
}
