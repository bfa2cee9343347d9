import type { Provider } from "./payment";

/**
 * « Mes paiements »: the French name of every status of portal.payment_status
 * (supabase/migrations/20261126000300_payments.sql). tests/payments-history/sql.test.ts compares
 * these keys with the schema's enum, so a new status fails there until it is named here.
 */
export type PaymentHistoryStatus = "pending" | "paid" | "refused" | "abandoned" | "expired" | "error" | "reported" | "rejected";

export const PAYMENT_STATUS_LABELS: Record<PaymentHistoryStatus, string> = {
  paid: "réglé",
  refused: "refusé",
  // Staff found no such payment on DGFiP's statement.
  rejected: "refusé",
  abandoned: "abandonné",
  // Never finished at the provider within its window.
  expired: "abandonné",
  // The provider could not open the payment: nothing was taken.
  error: "abandonné",
  pending: "en cours",
  reported: "en attente de confirmation",
};

const PROVIDER_LABELS: Record<Provider, string> = { payfip_ws: "PayFiP", tipi: "TIPI" };

export function providerLabel(provider: Provider): string {
  return PROVIDER_LABELS[provider];
}

const parisDateTime = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** A moment (ISO timestamp) → its day and time in France: { date: "20/11/2026", time: "14:45" }. */
export function parisDateAndTime(isoTimestamp: string): { date: string; time: string } {
  const parts = Object.fromEntries(parisDateTime.formatToParts(new Date(isoTimestamp)).map((p) => [p.type, p.value]));
  return { date: `${parts.day}/${parts.month}/${parts.year}`, time: `${parts.hour}:${parts.minute}` };
}
