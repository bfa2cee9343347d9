/**
 * `npm run payments:reconcile`: asks PayFiP about every payment attempt still pending, applies the
 * results and expires the attempts past their window (docs/payment.md), then exits. Safe to run
 * beside the server with Supabase (every change goes through the idempotent SQL functions).
 * Embedded default: the running server already reconciles (in-process timer) and PGlite is
 * single-process: do not run this beside it on the same DATA_DIR.
 */
import { getBackend } from "../app/.server/backend";
import { runReconciliation } from "../app/.server/payment/reconcile";

// Opening the backend starts no timer (the servers start the jobs: app/.server/jobs.ts).
const summary = await getBackend().then(runReconciliation, (error: unknown) => {
  console.error("payments: cannot open the backend", error);
  return undefined;
});
if (!summary) {
  console.error("payments: reconciliation failed (see above)");
  process.exit(1);
}
console.log(
  `payments: ${summary.checked} pending checked, ${summary.settled} settled, ${summary.expired} expired, ${summary.waiting} still waiting, ${summary.errors} errors`,
);
process.exit(0);
