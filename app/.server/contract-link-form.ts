import { z } from "zod";
import { CUSTOMER_NUMBER_MAX } from "~/utils/contact-limits";
import { isCleanText } from "~/utils/text-schema";
import { declareForm } from "./form";
import { eurosToCents } from "./payment/protocol";
import type { ContractLinkResult } from "./ports/contract-link";

/**
 * « Rattacher un contrat » (/mes-informations/rattacher-un-contrat), server-only: the form's zod
 * schema (docs/decisions/0021-forms.md) and the French answers to what SQL decided
 * (supabase/migrations/20261205090100_contract_links.sql, docs/decisions/0040-contract-links.md).
 */

/** Invoice numbers are at most 50 characters in the schema (portal.invoices.number). */
export const INVOICE_NUMBER_MAX = 50;

const oneLine = (what: string, max: number, missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .max(max, `${what} ne peut pas dépasser ${max} caractères : recopiez-le tel qu'il figure sur la facture.`)
    .refine((value) => isCleanText(value, { multiline: false }), { error: `${what} contient un caractère invisible non autorisé : retapez-le.` });

const AMOUNT_HELP = "Indiquez le montant de la facture en euros, tel qu'il y figure, par exemple 43,27.";

/** Euros with a comma or a dot and at most two decimals ("43,27", "43.27", "1 043,27 €", "43") → integer cents. */
export const amountInEuros = z
  .string({ error: AMOUNT_HELP })
  .trim()
  .min(1, AMOUNT_HELP)
  .max(20, AMOUNT_HELP)
  .transform((value, ctx) => {
    try {
      return eurosToCents(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `Ce montant est illisible. ${AMOUNT_HELP}` });
      return z.NEVER;
    }
  });

export const ContractLinkForm = declareForm(
  z.object({
    serviceId: z.guid({ error: "Choisissez dans la liste le service qui vous envoie les factures de ce contrat." }),
    customerNumber: oneLine("Le numéro client", CUSTOMER_NUMBER_MAX, "Indiquez le numéro client, tel qu'il figure sur la facture."),
    invoiceNumber: oneLine("Le numéro de la facture", INVOICE_NUMBER_MAX, "Indiquez le numéro d'une facture de ce contrat, tel qu'il figure sur la facture."),
    amount: amountInEuros,
  }),
);

const PARIS = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", dateStyle: "long", timeStyle: "short" });

export const REFUSED =
  "Ces informations ne correspondent à aucun contrat. Vérifiez le service, le numéro client, le numéro de la facture et son montant exact, tels qu'ils figurent sur une facture de ce contrat, puis recommencez.";

/** The page's message for an answer that links nothing, and its HTTP status. */
export function refusalOf(result: ContractLinkResult): { message: string; status: number } {
  switch (result.outcome) {
    case "linked":
    case "already_yours":
      return { message: `Le contrat n° ${result.customerNumber} (${result.serviceName}) est déjà rattaché à votre compte : ses factures sont dans « Mes factures ».`, status: 409 };
    case "linked_elsewhere":
      return {
        message:
          "Ce contrat est déjà rattaché à un autre compte du portail. Pour le rattacher au vôtre, contactez le service qui vous envoie ses factures (ses coordonnées figurent sur la facture).",
        status: 409,
      };
    case "throttled":
      return {
        message: `Trop d'essais sans succès : par sécurité, le rattachement est bloqué jusqu'au ${PARIS.format(new Date(result.retryAt))} (heure de Paris). Réessayez ensuite avec les informations d'une facture de ce contrat.`,
        status: 429,
      };
    default:
      return { message: REFUSED, status: 400 };
  }
}
