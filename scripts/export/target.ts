/**
 * Where an export reads: Supabase through PostgREST with the service-role key when SUPABASE_URL is
 * set, else the embedded database of DATA_DIR opened directly (the portal stopped: PGlite is
 * single-process, and the lock says who holds it). Either way an Rpc as the service role.
 */
import type { Rpc } from "../../app/.server/data/rpc";
import type { Env } from "../../app/.server/env";

export interface ExportTarget {
  rpc: Rpc;
  description: string;
  close(): Promise<void>;
}

export async function openExportTarget(config: Env): Promise<ExportTarget> {
  if (config.backend === "supabase") {
    const { supabaseSettings } = await import("../../app/.server/supabase/settings");
    const { createServiceRoleClient } = await import("../../app/.server/supabase/clients");
    const { createSupabaseRpc } = await import("../../app/.server/supabase/rpc");
    const settings = supabaseSettings(config);
    const client = await createServiceRoleClient(settings);
    return { rpc: createSupabaseRpc(async () => client), description: `Supabase (${settings.url})`, close: async () => {} };
  }
  const { openDatabase } = await import("../../app/.server/embedded/database");
  const { createEmbeddedRpc } = await import("../../app/.server/embedded/rpc");
  const db = await openDatabase({ dataDir: config.DATA_DIR, seed: true });
  return { rpc: createEmbeddedRpc(db, { role: "service_role" }), description: `base intégrée (${config.DATA_DIR})`, close: () => db.close() };
}
