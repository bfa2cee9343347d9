import { env } from "../env";
import type { Backend } from "../ports/backend";
import { paymentUrls, portalOrigin } from "./config";
import { payfipClientFor, reconcilePayments, type ReconcileSummary } from "./service";

/**
 * The reconciliation job's runs: `npm run payments:reconcile` (scripts/payments-reconcile.ts),
 * POST /taches/rapprochement-paiements (a cron's call), and the in-process timer (../jobs.ts).
 * One run at a time per process; never rejects (errors are logged, the next run tries again).
 */
let running: Promise<ReconcileSummary | undefined> | undefined;

export function runReconciliation(backend: Pick<Backend, "paymentResults">): Promise<ReconcileSummary | undefined> {
  running ??= (async () => {
    const config = env();
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
