/**
 * `npm run db:types`: writes app/.server/database.types.ts, the types `supabase gen types
 * typescript --local --schema public` would print, without Docker: a fresh in-memory embedded
 * database (the same bootstrap + migrations as the portal's), its catalog read and rendered by
 * scripts/lib/database-types.ts. Run it after adding or changing a migration; the test
 * tests/db/database-types.test.ts fails until the file is regenerated (docs/database-types.md).
 *
 *   npm run db:types                              writes the file
 *   npm run db:types -- --check                   exits 1 when the file is not up to date
 *   npm run db:types -- --postgrest-version 14.1  adds __InternalSupabase (as `--linked` does)
 */
import { readFile, writeFile } from "node:fs/promises";
import { openDatabase } from "../app/.server/embedded/database";
import { generateDatabaseTypes } from "./lib/database-types";

const DATABASE_TYPES_FILE = "app/.server/database.types.ts";

const args = process.argv.slice(2).filter((a) => a !== "--");
const check = args.includes("--check");
const versionAt = args.indexOf("--postgrest-version");
const postgrestVersion = versionAt >= 0 ? args[versionAt + 1] : undefined;
if (versionAt >= 0 && !postgrestVersion) {
  console.error("usage: npm run db:types -- [--check] [--postgrest-version <version>]");
  process.exit(2);
}

const db = await openDatabase({ dataDir: "memory://" });
let types: string;
try {
  types = await generateDatabaseTypes(db.pg, { schemas: ["public"], ...(postgrestVersion ? { postgrestVersion } : {}) });
} finally {
  await db.close();
}

const current = await readFile(DATABASE_TYPES_FILE, "utf8").catch(() => null);
if (check) {
  if (current !== types) {
    console.error(`${DATABASE_TYPES_FILE} is not what the migrations produce: run \`npm run db:types\``);
    process.exit(1);
  }
  console.log(`${DATABASE_TYPES_FILE} is up to date`);
} else if (current === types) {
  console.log(`${DATABASE_TYPES_FILE} unchanged`);
} else {
  await writeFile(DATABASE_TYPES_FILE, types);
  console.log(`${DATABASE_TYPES_FILE} written (${types.split("\n").length} lines)`);
}
