import type { Env } from "../env";

/**
 * Where the payment provider lives. Production defaults are DGFiP's (shared/PAYFIP.md); the
 * embedded default uses the local simulator at /simulateur-dgfip/… on the portal itself, so a
 * fresh checkout pays without network. Each URL can be set by environment (docs/payment.md).
 */
export const DGFIP_URLS = {
  payfipWs: "https://www.payfip.gouv.fr/tpa/services/securite",
  payfipPayment: "https://www.payfip.gouv.fr/tpa/paiementws.web",
  tipiPayment: "https://www.payfip.gouv.fr/tpa/paiement.web",
} as const;

export const SIMULATOR_PATHS = {
  payfipWs: "/simulateur-dgfip/tpa/services/securite",
  payfipPayment: "/simulateur-dgfip/tpa/paiementws.web",
  tipiPayment: "/simulateur-dgfip/tpa/paiement.web",
} as const;

export interface PaymentUrls {
  payfipWs: string;
  payfipPayment: string;
  tipiPayment: string;
  /** The portal's own public origin (urlnotif, urlredirect, urlcl are built on it). */
  portalOrigin: string;
}

/**
 * The portal's public origin: SITE_URL, else the request's, else (the reconciliation job's runs,
 * which have no request) the address the server listens on — the embedded default's simulator is
 * reached there, whatever PORT is.
 */
export function portalOrigin(config: Env, request?: Request): string {
  if (config.SITE_URL) return new URL(config.SITE_URL).origin;
  if (request) return new URL(request.url).origin;
  const host = !config.HOST || config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.PORT}`;
}

export function paymentUrls(config: Env, origin: string): PaymentUrls {
  const defaults =
    config.backend === "embedded"
      ? {
          payfipWs: origin + SIMULATOR_PATHS.payfipWs,
          payfipPayment: origin + SIMULATOR_PATHS.payfipPayment,
          tipiPayment: origin + SIMULATOR_PATHS.tipiPayment,
        }
      : DGFIP_URLS;
  return {
    payfipWs: config.PAYFIP_WS_URL ?? defaults.payfipWs,
    payfipPayment: config.PAYFIP_PAYMENT_URL ?? defaults.payfipPayment,
    tipiPayment: config.TIPI_PAYMENT_URL ?? defaults.tipiPayment,
    portalOrigin: origin,
  };
}

/** The portal endpoints the provider calls back (listed in server/*.js crossOriginPostPaths). */
export const CALLBACK_PATHS = {
  notification: "/paiement/notification",
  return: "/paiement/retour",
  tipiResult: "/paiement/resultat-tipi/",
} as const;
