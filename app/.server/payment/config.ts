import type { Env } from "../env";
import { LOOPBACK_SOURCES, parseSourceList, type AddressRange } from "./trust";

/**
 * Where the payment provider lives. Production defaults are DGFiP's (docs/payment.md, Environment); the
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

/**
 * Where classic TIPI results are believed from (app/.server/payment/trust.ts): TIPI_TRUSTED_SOURCES
 * (validated at start-up by app/.server/env.ts; `none`: nobody), else the loopback in the embedded
 * default, whose simulator posts urlcl from the server itself, and nobody with Supabase: set
 * DGFiP's addresses there (docs/payment.md).
 */
export function tipiTrustedSources(config: Env): AddressRange[] {
  const configured = config.TIPI_TRUSTED_SOURCES;
  if (configured?.toLowerCase() === "none") return [];
  return parseSourceList(configured ?? (config.backend === "embedded" ? LOOPBACK_SOURCES : "")).ranges;
}
