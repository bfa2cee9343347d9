import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { getBackend } from "~/.server/backend";
import { cronRouteGet, requireCronSecret } from "~/.server/cron";
import { env } from "~/.server/env";
import { runPurge } from "~/.server/retention";

/**
 * `POST /taches/purge`: applies the retention periods now (deletes what is past its period, in
 * bounded batches). For Supabase pg_cron + pg_net, an edge cron, any cron with curl:
 * `Authorization: Bearer $RETENTION_CRON_SECRET`. Without RETENTION_CRON_SECRET the endpoint
 * does not exist (404). Answers the run's counts as JSON (docs/staff-settings.md,
 * docs/decisions/0031-retention-purge.md).
 */
export async function loader(_args: LoaderFunctionArgs) {
  cronRouteGet(env().RETENTION_CRON_SECRET);
}

export async function action({ request }: ActionFunctionArgs) {
  const refused = await requireCronSecret(request, env().RETENTION_CRON_SECRET);
  if (refused) return refused;
  const summary = await runPurge(await getBackend(), { maxBatches: 20 });
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
}
