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
 * The portal's public origin, from configuration only (SITE_URL, else http://localhost:$PORT in
 * the embedded default): the provider's return URLs and, in the embedded default, the simulator's
 * SOAP endpoint the server calls are built on it. Never the request's Host: a forged Host would
 * otherwise choose where the server sends its SOAP requests.
 */
export function portalOrigin(config: Env): string {
  return config.siteOrigin;
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
  return: "/paiement/retour-payfip",
  tipiResult: "/paiement/resultat-tipi/",
} as const;
