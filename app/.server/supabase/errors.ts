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
