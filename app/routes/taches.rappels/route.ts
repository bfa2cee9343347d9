import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { getBackend } from "~/.server/backend";
import { cronRouteGet, requireCronSecret } from "~/.server/cron";
import { env } from "~/.server/env";
import { runDueReminders } from "~/.server/reminders";

/**
 * `POST /taches/rappels`: writes the « bientôt à régler » reminder e-mails now (each invoice once
 * ever, in bounded batches, at most 20 calls), then kicks the outbox sender. For Supabase pg_cron +
 * pg_net or any cron with curl: `Authorization: Bearer $REMINDERS_CRON_SECRET`, its own secret.
 * Without it the endpoint does not exist (404). Answers the run's counts as JSON (docs/mail.md,
 * docs/decisions/0039-email-reminders.md).
 */
const secret = () => env().REMINDERS_CRON_SECRET;

export const loader = async (_args: LoaderFunctionArgs) => cronRouteGet(secret());

export async function action({ request }: ActionFunctionArgs) {
  return (
    (await requireCronSecret(request, secret())) ??
    Response.json(await runDueReminders(await getBackend(), { maxCalls: 20 }), { headers: { "Cache-Control": "no-store" } })
  );
}
