/**
 * Do two sets of migrations build the same database? Applies the migrations of a git revision
 * (default `main`) and those of the working tree to two fresh in-memory PGlite databases, the way
 * the embedded adapter does (app/.server/embedded/database.ts: the bootstrap, then each migration
 * in version order in its own transaction), and compares their normalized catalogs
 * (scripts/lib/schema-catalog.ts) and the rows the migrations insert; then applies the seed to
 * both and compares again. Prints the differences; exits 1 when there is any.
 * Decision: docs/decisions/0020-one-migration-per-domain-append-only.md.
 *
 *   npm run db:compare                       working tree against main
 *   npm run db:compare -- --base <rev>       … against another revision
 *   npm run db:compare -- --append-only      checks only that the migrations
 *       of <rev> are unchanged and that new ones sort after them (no database is built)
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { catalogEntries, dumpData } from "./lib/schema-catalog";

/** Where the embedded adapter reads its SQL (app/.server/embedded/database.ts). */
const PATHS = { migrations: "supabase/migrations", bootstrap: "app/.server/embedded/bootstrap.sql", seed: "supabase/seed.sql" };

type MigrationFile = { file: string; sql: string };

const args = process.argv.slice(2).filter((a) => a !== "--");
const baseAt = args.indexOf("--base");
const base = baseAt >= 0 ? args[baseAt + 1] : "main";
if (!base || args.some((a, i) => a.startsWith("--") && !["--base", "--append-only"].includes(a) && i !== baseAt + 1)) {
  console.error("usage: npm run db:compare -- [--base <rev>] [--append-only]");
  process.exit(2);
}

function git(...gitArgs: string[]): string {
  return execFileSync("git", gitArgs, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

function migrationsAt(rev: string): MigrationFile[] {
  return git("ls-tree", "--name-only", `${rev}:${PATHS.migrations}`)
    .split("\n")
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => ({ file, sql: git("show", `${rev}:${PATHS.migrations}/${file}`) }));
}

function migrationsInWorkingTree(): MigrationFile[] {
  return readdirSync(PATHS.migrations)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => ({ file, sql: readFileSync(`${PATHS.migrations}/${file}`, "utf8") }));
}

/** Migrations of `before` that `after` changed or removed, and new ones that do not sort last. */
function appendOnlyViolations(before: MigrationFile[], after: MigrationFile[]): string[] {
  const now = new Map(after.map((m) => [m.file, m.sql]));
  const problems: string[] = [];
  for (const m of before) {
    if (!now.has(m.file)) problems.push(`removed: ${m.file}`);
    else if (now.get(m.file) !== m.sql) problems.push(`changed: ${m.file}`);
  }
  const last = before.map((m) => m.file).sort().at(-1) ?? "";
  const known = new Set(before.map((m) => m.file));
  for (const m of after) {
    if (!known.has(m.file) && m.file < last) problems.push(`added before ${last}: ${m.file}`);
  }
  return problems;
}

/** A fresh database built as the embedded adapter builds one; its dumps before and after the seed. */
async function build(migrations: MigrationFile[]): Promise<{ catalog: string[]; data: string[]; seeded: string[] }> {
  const pg = await PGlite.create("memory://", { extensions: { pgcrypto } });
  try {
    await pg.exec(readFileSync(PATHS.bootstrap, "utf8"));
    for (const m of migrations) {
      await pg
        .transaction(async (tx) => {
          await tx.exec(m.sql);
        })
        .catch((error: Error & { position?: string }) => {
          const at = Number(error.position ?? 0);
          const line = m.sql.slice(0, at).split("\n").length;
          throw new Error(`${m.file}, line ${line}: ${error.message}`);
        });
    }
    const catalog = (await catalogEntries(pg)).flatMap((s) => s.entries.map((e) => `${s.title}: ${e}`));
    const data = (await dumpData(pg, ["portal", "public", "storage"])).split("\n");
    await pg.transaction(async (tx) => {
      await tx.exec(readFileSync(PATHS.seed, "utf8"));
    });
    const seeded = (await dumpData(pg, ["portal", "public", "storage"])).split("\n");
    return { catalog, data, seeded };
  } finally {
    await pg.close();
  }
}

/** Entries only in `a` (-) and only in `b` (+), compared as multisets. */
function difference(label: string, a: string[], b: string[]): string[] {
  const count = new Map<string, number>();
  for (const block of a) count.set(block, (count.get(block) ?? 0) + 1);
  const added: string[] = [];
  for (const block of b) {
    const n = count.get(block) ?? 0;
    if (n > 0) count.set(block, n - 1);
    else added.push(`+ ${block}`);
  }
  const removed = [...count].flatMap(([block, n]) => Array<string>(n).fill(`- ${block}`));
  return removed.length + added.length === 0 ? [] : [`${label}:`, ...removed, ...added];
}

const before = migrationsAt(base);
const after = migrationsInWorkingTree();

if (args.includes("--append-only")) {
  const problems = appendOnlyViolations(before, after);
  console.log(`${before.length} migrations in ${base}, ${after.length} in the working tree`);
  for (const p of problems) console.log(p);
  console.log(problems.length === 0 ? "append-only: yes" : "append-only: NO");
  process.exit(problems.length === 0 ? 0 : 1);
}

console.log(`${base}: ${before.length} migrations; working tree: ${after.length} migrations`);
const [old, next] = [await build(before), await build(after)];
const differences = [
  ...difference("catalog", old.catalog, next.catalog),
  ...difference("rows inserted by the migrations", old.data, next.data),
  ...difference("rows after the seed", old.seeded, next.seeded),
];
console.log(`compared: ${old.catalog.length} catalog entries, ${old.data.length} + ${old.seeded.length} lines of rows`);
if (differences.length === 0) {
  console.log("identical: no difference");
} else {
  console.log(differences.join("\n"));
  process.exit(1);
}
