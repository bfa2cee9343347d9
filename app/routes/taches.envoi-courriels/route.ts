import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { getBackend } from "~/.server/backend";
import { env } from "~/.server/env";
import { deliverDueEmails } from "~/.server/outbox";

/**
 * `POST /taches/envoi-courriels`: sends the due outbox e-mails now. For a scheduler (Supabase
 * pg_cron + pg_net, an edge cron, any cron with curl): `Authorization: Bearer $OUTBOX_CRON_SECRET`.
 * Without OUTBOX_CRON_SECRET the endpoint does not exist (404). Answers the run's counts as JSON.
 */
async function secretMatches(given: string, expected: string): Promise<boolean> {
  // Compare digests so the time taken says nothing about the secret.
  const digest = async (v: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(v)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export async function loader(_args: LoaderFunctionArgs) {
  throw new Response("Page introuvable", { status: env().OUTBOX_CRON_SECRET ? 405 : 404, headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const secret = env().OUTBOX_CRON_SECRET;
  if (!secret) throw new Response("Page introuvable", { status: 404 });
  const header = request.headers.get("authorization") ?? "";
  const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? "";
  if (!given || !(await secretMatches(given, secret))) {
    return Response.json({ error: "unauthorized" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  }
  const summary = await deliverDueEmails(await getBackend(), { maxBatches: 20 });
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
}
