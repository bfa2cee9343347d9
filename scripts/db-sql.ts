/**
 * Runs SQL on the embedded database as its owner (what staff do in Supabase's SQL editor), e.g.
 *   npx vite-node scripts/db-sql.ts "update portal.portal_settings set announcement = 'Maintenance samedi.' where id"
 * Stop the portal first: PGlite's data folder is opened by one process at a time.
 * Prints the rows of the last statement. DATA_DIR defaults to .data. Not for Supabase: there,
 * use the dashboard's SQL editor (docs/staff-settings.md).
 */
import { env } from "../app/.server/env";
import { openDatabase } from "../app/.server/embedded/database";

const sql = process.argv.slice(2).join(" ").trim();
if (!sql) {
  console.error('usage: npx vite-node scripts/db-sql.ts "<SQL>"');
  process.exit(2);
}

const db = await openDatabase({ dataDir: env().DATA_DIR, seed: true });
try {
  const results = await db.pg.exec(sql);
  const last = results[results.length - 1];
  if (last?.rows.length) console.table(last.rows);
  else console.log(`done${last?.affectedRows !== undefined ? ` (${last.affectedRows} row(s))` : ""}`);
} finally {
  await db.close();
}
