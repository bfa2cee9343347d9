import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import { env } from "~/.server/env";
import { runReconciliation } from "~/.server/payment/reconcile";

/**
 * `POST /taches/rapprochement-paiements`: runs the payment reconciliation job now (for Supabase
 * pg_cron + pg_net, an edge cron, any cron with curl): `Authorization: Bearer
 * $PAYMENTS_CRON_SECRET`. Without PAYMENTS_CRON_SECRET the endpoint does not exist (404).
 */
async function secretMatches(given: string, expected: string): Promise<boolean> {
  const digest = async (v: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(v)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export async function loader(_args: LoaderFunctionArgs) {
  throw new Response("Page introuvable", { status: env().PAYMENTS_CRON_SECRET ? 405 : 404, headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const secret = env().PAYMENTS_CRON_SECRET;
  if (!secret) throw new Response("Page introuvable", { status: 404 });
  const given = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim() ?? "";
  if (!given || !(await secretMatches(given, secret))) {
    return Response.json({ error: "unauthorized" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  }
  const summary = await runReconciliation();
  if (!summary) return Response.json({ error: "run failed" }, { status: 500 });
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
}
