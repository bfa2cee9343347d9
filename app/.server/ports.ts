/**
 * Ports: what the routes may ask of the outside world. Routes import these types and
 * `getBackend()` only — never supabase-js, PGlite or postmark (ARCHITECTURE.md).
 *
 * Each port has two adapters: `supabase/` (production) and `embedded/` (PGlite, default).
 * Both call the same SQL functions of `supabase/migrations/`: the rules live there.
 */

/** Who is asking, as PostgREST would see it. */
export type Caller =
  | { role: "anon" }
  | { role: "authenticated"; userId: string; email: string }
  | { role: "service_role" };

export interface PortalPublicInfo {
  portalName: string;
}

export interface DataPort {
  /** Asks the database something trivial; throws when it does not answer. */
  ping(): Promise<void>;
  /** What the login page may show to anyone (SQL: public.portal_public_info()). */
  portalPublicInfo(): Promise<PortalPublicInfo>;
}

export interface Backend {
  kind: "embedded" | "supabase";
  data: DataPort;
}
