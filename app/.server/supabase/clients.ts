import { createClient } from "@supabase/supabase-js";
import type { Database, PortalClient } from "../data/db-types";
import { realtimeTransport } from "./realtime-transport";
import type { SupabaseSettings } from "./settings";

/**
 * Clients without a user session: the anon key (what any visitor may do) and the service role
 * (bypasses RLS: only for the few server paths that need it). Neither stores, refreshes or reads
 * a session; the per-request client with the resident's session is in server-client.ts.
 */
const noSession = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } as const;

/** Looks up the global fetch at call time (so a test's MSW interception always applies). */
const lateFetch: typeof fetch = (input, init) => fetch(input, init);

/**
 * `headers`: extra headers for every call, e.g. the resident's address (`Sb-Forwarded-For`) when
 * the client serves one resident's request (recovery e-mail, current-password check).
 */
export async function createAnonClient(settings: SupabaseSettings, headers: Record<string, string> = {}): Promise<PortalClient> {
  return createClient<Database>(settings.url, settings.anonKey, {
    auth: noSession,
    realtime: { transport: await realtimeTransport() },
    global: { fetch: lateFetch, headers },
  });
}

export async function createServiceRoleClient(settings: SupabaseSettings): Promise<PortalClient> {
  return createClient<Database>(settings.url, settings.serviceRoleKey, {
    auth: noSession,
    realtime: { transport: await realtimeTransport() },
    global: { fetch: lateFetch },
  });
}
