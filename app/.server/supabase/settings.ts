import type { Env } from "../env";

/** The part of the environment the Supabase adapter needs, checked present. */
export interface SupabaseSettings {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  /** Public origin of the portal (SITE_URL); decides whether cookies are `Secure`. */
  siteUrl: string | undefined;
}

export function supabaseSettings(config: Env): SupabaseSettings {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anonKey, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey } = config;
  if (!url || !anonKey || !serviceRoleKey) {
    // env.ts already refuses a partial set; this only guards a wrong call with the embedded config.
    throw new Error("Supabase adapter: SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY are required.");
  }
  return { url, anonKey, serviceRoleKey, siteUrl: config.SITE_URL };
}
