/**
 * Errors of the Supabase adapter. Their messages are for maintainers' logs (English, with the
 * PostgREST code and HTTP status); routes never show them: they show a French sentence instead.
 */
export class SupabaseAdapterError extends Error {
  override name = "SupabaseAdapterError";
  constructor(
    message: string,
    readonly details: { operation: string; code?: string; status?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The error object supabase-js returns from `.rpc()` (PostgrestError or a network failure). */
interface PostgrestLikeError {
  message: string;
  code?: string;
  details?: string | null;
  hint?: string | null;
}

export function rpcError(operation: string, error: PostgrestLikeError, status: number): SupabaseAdapterError {
  const code = error.code || undefined;
  const where = status === 0 ? "network error" : `HTTP ${status}${code ? ` ${code}` : ""}`;
  return new SupabaseAdapterError(`Supabase ${operation} failed (${where}): ${error.message}`, { operation, code, status }, { cause: error });
}

/**
 * The marker of the "portal busy" answer (HTTP 503): Supabase Auth refused a call needed to
 * show the page because of a rate limit. The root error boundary (app/components/error-page.tsx,
 * which repeats this value: client code cannot import server modules) then tells the resident to
 * try again in a moment, still signed in. Tested together in tests/supabase/auth-limits.test.ts.
 */
export const PORTAL_BUSY = "portal_busy";

/** Seconds the resident (and any client honouring Retry-After) should wait. */
export const PORTAL_BUSY_RETRY_SECONDS = 10;

/** The data the 503 carries, as the error boundary receives it. */
export interface PortalBusyData {
  reason: typeof PORTAL_BUSY;
  retryAfterSeconds: number;
}
