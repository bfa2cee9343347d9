import type { SupabaseClientOptions } from "@supabase/supabase-js";

type Transport = NonNullable<NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"]>;

/**
 * supabase-js builds its Realtime client in the constructor, and that throws when the runtime has
 * no WebSocket (Node 20). The portal never uses Realtime, but needs a constructor that works:
 * - Deno, Node >= 22, workers: the global WebSocket;
 * - Node 20: `ws`, imported lazily so the web-worker build never pulls it in (it stays external,
 *   see vite.config.ts) and Deno never loads it;
 * - otherwise (e.g. `ws` resolved to its browser stub under the dev server's "browser"
 *   condition): a stand-in that fails only if something actually opens a Realtime channel.
 */
let transport: Promise<Transport> | undefined;

export function realtimeTransport(): Promise<Transport> {
  transport ??= resolveTransport();
  return transport;
}

async function resolveTransport(): Promise<Transport> {
  const native = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof native === "function") return native as Transport;
  try {
    const ws: { WebSocket?: unknown } = await import("ws");
    if (typeof ws.WebSocket === "function") return ws.WebSocket as Transport;
  } catch {
    // fall through to the stand-in
  }
  return RealtimeUnavailable as unknown as Transport;
}

class RealtimeUnavailable {
  constructor() {
    throw new Error("Supabase Realtime is not available in this runtime (no WebSocket); the portal does not use it.");
  }
}
