import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { getBackend } from "~/.server/backend";
import { cronRouteGet, requireCronSecret } from "~/.server/cron";
import { env } from "~/.server/env";
import { deliverDueEmails } from "~/.server/outbox";

/**
 * `POST /taches/envoi-courriels`: sends the due outbox e-mails now. For a scheduler (Supabase
 * pg_cron + pg_net, an edge cron, any cron with curl): `Authorization: Bearer $OUTBOX_CRON_SECRET`.
 * Without OUTBOX_CRON_SECRET the endpoint does not exist (404). Answers the run's counts as JSON.
 */
export async function loader(_args: LoaderFunctionArgs) {
  cronRouteGet(env().OUTBOX_CRON_SECRET);
}

export async function action({ request }: ActionFunctionArgs) {
  const refused = await requireCronSecret(request, env().OUTBOX_CRON_SECRET);
  if (refused) return refused;
  const summary = await deliverDueEmails(await getBackend(), { maxBatches: 20 });
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
}
