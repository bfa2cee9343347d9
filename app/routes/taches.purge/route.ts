import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { getBackend } from "~/.server/backend";
import { cronRouteGet, requireCronSecret } from "~/.server/cron";
import { env } from "~/.server/env";
import { runPurge } from "~/.server/retention";

/**
 * `POST /taches/purge`: applies the retention periods now (deletes what is past its period, in
 * bounded batches, at most 20 calls). For Supabase pg_cron + pg_net, an edge cron, any cron with
 * curl: `Authorization: Bearer $RETENTION_CRON_SECRET`, its own secret. Without it the endpoint
 * does not exist (404). Answers the run's counts as JSON (docs/staff-settings.md,
 * docs/decisions/0031-retention-purge.md).
 */
const secret = () => env().RETENTION_CRON_SECRET;

export const loader = async (_args: LoaderFunctionArgs) => cronRouteGet(secret());

export async function action({ request }: ActionFunctionArgs) {
  return (
    (await requireCronSecret(request, secret())) ??
    Response.json(await runPurge(await getBackend(), { maxBatches: 20 }), { headers: { "Cache-Control": "no-store" } })
  );
}
