// @ts-check
/**
 * What the security wrapper (server/security.js) must let through for online payment, for both
 * servers (docs/decisions/0003, section "Payment callbacks"; docs/payment.md):
 * - crossOriginPostPaths: the exact endpoints DGFiP (or its page, in the resident's browser)
 *   posts to without our Origin — PayFiP's urlnotif and urlredirect, classic TIPI's urlcl — and
 *   the local simulator's SOAP endpoint, which the portal itself calls server to server (it
 *   answers 404 outside the embedded default). Each authenticates what it receives: the result
 *   is fetched from PayFiP, or must carry the attempt's secret token and match it (SQL). Also the
 *   cron endpoints (CRON_PATHS), which a scheduler calls with a bearer secret and no Origin.
 *   Exact paths (urlcl: the shape of its 256-bit token), never prefixes; each is a resource
 *   route, since Remix aborts a cross-origin POST to a page with a blank 500.
 * - formActionOrigins: the provider's origins, where the TIPI form posts and the PayFiP redirect
 *   that follows our confirmation form goes (CSP form-action also governs that redirect).
 * The paths are those of app/.server/payment/config.ts CALLBACK_PATHS.
 */
export const PAYMENT_CALLBACK_PATHS = [
  "/paiement/notification",
  "/paiement/retour-payfip",
  /^\/paiement\/resultat-tipi\/[0-9a-f]{64}$/,
  "/simulateur-dgfip/tpa/services/securite",
];

/**
 * The cron endpoints (POST with `Authorization: Bearer <secret>`, no cookie: nothing for a forged
 * cross-site form to ride on). Schedulers — Supabase pg_net, curl, an edge cron — send no Origin,
 * so the Origin check would answer them 403.
 */
export const CRON_PATHS = ["/taches/envoi-courriels", "/taches/rapprochement-paiements", "/taches/rappels", "/taches/purge"];

/**
 * RFC 8058 one-click unsubscribe: mail providers POST `List-Unsubscribe=One-Click` to the link of
 * the List-Unsubscribe header from their servers, without Origin or cookies. Only an Origin-less
 * POST is let through (a foreign Origin still gets the 403); the signed token authenticates it.
 */
export const ORIGINLESS_POST_PATHS = ["/desabonnement"];

const DGFIP_ORIGIN = "https://www.payfip.gouv.fr";

/**
 * @param {{ PAYFIP_PAYMENT_URL?: string, TIPI_PAYMENT_URL?: string }} env
 * @returns {{ crossOriginPostPaths: (string | RegExp)[], formActionOrigins: string[], originlessPostPaths: string[] }}
 */
export function paymentSecurityOptions(env) {
  const origins = new Set([DGFIP_ORIGIN]);
  for (const value of [env.PAYFIP_PAYMENT_URL, env.TIPI_PAYMENT_URL]) {
    if (!value) continue;
    try {
      origins.add(new URL(value).origin);
    } catch {
      // an invalid URL is reported by the app's env validation at the first request
    }
  }
  return {
    crossOriginPostPaths: [...PAYMENT_CALLBACK_PATHS, ...CRON_PATHS],
    formActionOrigins: [...origins],
    originlessPostPaths: ORIGINLESS_POST_PATHS,
  };
}
