import type { PayableInvoice } from "../ports/payment";

/**
 * The selection as the screens see it: which of the resident's invoices were chosen, and the
 * message to show when the choice cannot be paid. A preview only, for the French sentence on
 * screen: public.start_payment checks everything again, atomically, and alone decides.
 */
export type SelectionCheck =
  | { ok: true; invoices: PayableInvoice[]; amountCents: number }
  | { ok: false; error: "empty" | "not_found" | "blocked" | "several_services" | "multiple_not_allowed" };

export function selectedIds(params: URLSearchParams | FormData): string[] {
  const ids = params.getAll("facture").map((v) => String(v).trim().toLowerCase());
  // Exactly a UUID: anything else shaped like one would make the SQL cast fail (a 500).
  return [...new Set(ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)))].slice(0, 50);
}

export function checkSelection(all: PayableInvoice[], ids: string[]): SelectionCheck {
  if (ids.length === 0) return { ok: false, error: "empty" };
  const byId = new Map(all.map((i) => [i.id, i]));
  const chosen = ids.map((id) => byId.get(id));
  if (chosen.some((i) => i === undefined)) return { ok: false, error: "not_found" };
  const invoices = chosen as PayableInvoice[];
  if (invoices.some((i) => i.block !== null)) return { ok: false, error: "blocked" };
  if (new Set(invoices.map((i) => i.serviceId)).size > 1) return { ok: false, error: "several_services" };
  if (invoices.length > 1 && !invoices[0]!.allowMultiple) return { ok: false, error: "multiple_not_allowed" };
  return { ok: true, invoices, amountCents: invoices.reduce((sum, i) => sum + i.amountCents, 0) };
}
