/** Opens the import's target from the environment: Supabase when SUPABASE_URL is set, else DATA_DIR. */
import type { Env } from "../../app/.server/env";
import type { ImportTarget } from "../../app/.server/import/target";

export async function openImportTarget(config: Env): Promise<ImportTarget> {
  if (config.backend === "supabase") {
    const { createSupabaseImportTarget } = await import("../../app/.server/supabase/import-target");
    return createSupabaseImportTarget(config);
  }
  const { openDatabase } = await import("../../app/.server/embedded/database");
  const { createEmbeddedImportTarget } = await import("../../app/.server/embedded/import-target");
  const db = await openDatabase({ dataDir: config.DATA_DIR, seed: true });
  return createEmbeddedImportTarget(db, config.DATA_DIR, { closeDatabase: true });
}
