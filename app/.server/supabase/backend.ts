import type { Env } from "../env";
import type { Backend } from "../ports";
import { createAnonClient, createServiceRoleClient } from "./clients";
import { createSupabaseDataPort } from "./data";
import { supabaseSettings } from "./settings";

/**
 * The production adapters (Supabase). Loaded lazily by app/.server/backend.ts when SUPABASE_URL
 * is set. Tested against MSW handlers that reproduce Supabase's HTTP API (tests/supabase/).
 */
export async function createSupabaseBackend(config: Env): Promise<Backend> {
  const settings = supabaseSettings(config);
  const [anon, serviceRole] = await Promise.all([createAnonClient(settings), createServiceRoleClient(settings)]);
  return {
    kind: "supabase",
    data: createSupabaseDataPort({ anon, serviceRole }),
  };
}
