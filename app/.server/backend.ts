import { env } from "./env";
import type { Backend } from "./ports";

/**
 * Chooses the adapters once per process: Supabase when SUPABASE_URL is set, otherwise the
 * embedded default (PGlite in DATA_DIR). Adapters are imported lazily so that the embedded
 * one (and its WASM) is never loaded in a Supabase deployment, and conversely.
 */
let backend: Promise<Backend> | undefined;

export function getBackend(): Promise<Backend> {
  if (!backend) {
    const config = env();
    backend =
      config.backend === "supabase"
        ? import("./supabase/backend").then((m) => m.createSupabaseBackend(config))
        : import("./embedded/backend").then((m) => m.createEmbeddedBackend(config));
    backend.then(
      () => {
        // The in-process schedule of the outbox sender (production also has a cron: docs/mail.md).
        const seconds = config.OUTBOX_POLL_SECONDS ?? (config.backend === "embedded" ? 30 : 0);
        void import("./outbox").then((m) => {
          m.startOutboxTimer(seconds);
          if (seconds > 0) void m.kickOutbox(); // what a previous process left behind
        });
        // The payment reconciliation job (production: a cron calls it, docs/payment.md).
        const reconcileSeconds = config.PAYMENTS_RECONCILE_SECONDS ?? (config.backend === "embedded" ? 60 : 0);
        void import("./payment/reconcile").then((m) => m.startReconcileTimer(reconcileSeconds));
      },
      () => {
        backend = undefined; // let the next request try again instead of caching a failure
      },
    );
  }
  return backend;
}

/**
 * Uses an already built backend for this process. For tests, which open their own embedded
 * database (from a snapshot) and then call loaders and actions exactly as the server would.
 */
export function useBackend(instance: Backend): void {
  backend = Promise.resolve(instance);
}
