/**
 * Rebuilds the embedded database from scratch: deletes `${DATA_DIR}/pglite` and
 * `${DATA_DIR}/storage`, then applies bootstrap, migrations and seed (and copies the seed PDFs).
 * Run: npm run db:reset   (DATA_DIR defaults to .data)
 */
import { mkdir, rm } from "node:fs/promises";
import { env } from "../app/.server/env";
import { openDatabase } from "../app/.server/embedded/database";
import { acquireDataDirLock } from "../app/.server/embedded/lock";

const started = performance.now();
const dataDir = env().DATA_DIR;
// Refuses while the portal (or an import) has this DATA_DIR open; openDatabase below takes it over.
await mkdir(dataDir, { recursive: true });
await acquireDataDirLock(dataDir);

for (const dir of [`${dataDir}/pglite`, `${dataDir}/storage`]) {
  await rm(dir, { recursive: true, force: true });
  console.log(`deleted ${dir}`);
}

const db = await openDatabase({ dataDir, seed: true });
try {
  console.log(`bootstrap applied`);
  for (const name of db.appliedMigrations) console.log(`migration applied: ${name}`);
  console.log(db.seeded ? "seed applied (supabase/seed.sql), PDFs copied to " + `${dataDir}/storage/invoices` : "seed NOT applied");
  const { rows } = await db.asService((tx) =>
    tx.query<{ services: number; customers: number; invoices: number }>(
      `select (select count(*)::int from portal.services) as services,
              (select count(*)::int from portal.customers) as customers,
              (select count(*)::int from portal.invoices) as invoices`,
    ),
  );
  console.log(`data: ${JSON.stringify(rows[0])}`);
} finally {
  await db.close();
}
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
