import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { getBackend } from "~/.server/backend";
import { cronRouteGet, requireCronSecret } from "~/.server/cron";
import { env } from "~/.server/env";
import { runReconciliation } from "~/.server/payment/reconcile";

/**
 * `POST /taches/rapprochement-paiements`: runs the payment reconciliation job now (for Supabase
 * pg_cron + pg_net, an edge cron, any cron with curl): `Authorization: Bearer
 * $PAYMENTS_CRON_SECRET`. Without PAYMENTS_CRON_SECRET the endpoint does not exist (404).
 */
export async function loader(_args: LoaderFunctionArgs) {
  cronRouteGet(env().PAYMENTS_CRON_SECRET);
}

export async function action({ request }: ActionFunctionArgs) {
  const refused = await requireCronSecret(request, env().PAYMENTS_CRON_SECRET);
  if (refused) return refused;
  const summary = await runReconciliation(await getBackend());
  if (!summary) return Response.json({ error: "run failed" }, { status: 500 });
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
}
