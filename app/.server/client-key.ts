/**
 * The client key for throttling: the address the HTTP server recorded (x-client-ip, set by
 * server/*.js). A module of its own, without dependencies, so that the adapters
 * (supabase/server-client.ts) can use it without importing accounts.ts, which imports the backend.
 */
export function clientKey(request: Request): string {
  return request.headers.get("x-client-ip")?.trim() || "unknown";
}
