import { z } from "zod";
import { declareForm, parseFields } from "../form";
import type { PayableInvoice } from "../ports/payment";

/**
 * The selection as the screens see it: which of the resident's invoices were chosen, and the
 * message to show when the choice cannot be paid. A preview only, for the French sentence on
 * screen: public.start_payment checks everything again, atomically, and alone decides.
 */
export type SelectionCheck =
  | { ok: true; invoices: PayableInvoice[]; amountCents: number }
  | { ok: false; error: "empty" | "not_found" | "blocked" | "several_services" | "multiple_not_allowed" };

/**
 * The payment forms (the selection's GET form, the confirmation's post to /paiement/demarrer):
 * the `facture` fields, each an invoice id. Ids are trimmed and lower-cased; anything that is not
 * exactly a UUID is left out (shaped like one, it would make the SQL cast fail: a 500), and so are
 * repeats and any past the 50th. What is left is for SQL to judge.
 */
export const SelectionForm = declareForm(
  z.object({
    facture: z
      .array(z.string().transform((id) => id.trim().toLowerCase()))
      .transform((ids) => [...new Set(ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)))].slice(0, 50)),
  }),
);

/** The invoice ids of a payment form (a field may repeat, so read with getAll, then parsed by SelectionForm). */
export function selectedIds(params: URLSearchParams | FormData): string[] {
  return parseFields(SelectionForm, { facture: params.getAll("facture").map(String) }).value?.facture ?? [];
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
