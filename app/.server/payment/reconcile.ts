import { getBackend } from "../backend";
import { env } from "../env";
import { paymentUrls, portalOrigin } from "./config";
import { payfipClientFor, reconcilePayments, type ReconcileSummary } from "./service";

/**
 * The reconciliation job's runs: `npm run payments:reconcile` (scripts/payments-reconcile.ts),
 * POST /taches/rapprochement-paiements (a cron's call), and the in-process timer. One run at a
 * time per process; never rejects (errors are logged, the next run tries again).
 */
let running: Promise<ReconcileSummary | undefined> | undefined;

export function runReconciliation(): Promise<ReconcileSummary | undefined> {
  running ??= (async () => {
    const config = env();
    const backend = await getBackend();
    const urls = paymentUrls(config, portalOrigin(config));
    return reconcilePayments(backend, payfipClientFor(urls));
  })()
    .catch((error: unknown) => {
      console.error("payments: reconciliation run failed; pending attempts wait for the next run", error);
      return undefined;
    })
    .finally(() => {
      running = undefined;
    });
  return running;
}

let timer: ReturnType<typeof setInterval> | undefined;

/** A run every `seconds` (0: off). Does not keep the process alive. */
export function startReconcileTimer(seconds: number): void {
  if (timer || seconds <= 0) return;
  timer = setInterval(() => void runReconciliation(), seconds * 1000);
  (timer as { unref?: () => void }).unref?.();
}
