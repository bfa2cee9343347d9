import type { Env } from "../env";

/** The part of the environment the Supabase adapter needs, checked present. */
export interface SupabaseSettings {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  /**
   * The portal's public origin (SITE_URL, required with Supabase), without a trailing slash.
   * E-mail links are built from it (never from the request's Host), and an https origin makes
   * session cookies `Secure`.
   */
  siteUrl: string;
}

export function supabaseSettings(config: Env): SupabaseSettings {
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anonKey, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey } = config;
  if (!url || !anonKey || !serviceRoleKey) {
    // env.ts already refuses a partial set; this only guards a wrong call with the embedded config.
    throw new Error("Supabase adapter: SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY are required.");
  }
  if (!config.SITE_URL) {
    // env.ts refuses SUPABASE_URL without SITE_URL; same guard as above.
    throw new Error("Supabase adapter: SITE_URL (the portal's public origin) is required.");
  }
  return { url, anonKey, serviceRoleKey, siteUrl: config.siteOrigin };
}
