/**
 * French wording of the payment screens (docs/payment.md), shared by the selection, confirmation and
 * return pages. Codes come from SQL (start_payment's reasons, invoice_payment_block).
 */
export type Provider = "payfip_ws" | "tipi";

export const PROVIDER_NAME: Record<Provider, string> = { payfip_ws: "PayFiP", tipi: "TIPI" };

/** Why an invoice cannot be paid online, next to it on the selection screen. */
export const BLOCK_MESSAGES: Record<string, string> = {
  paid: "Cette facture est déjà réglée.",
  treasury: "Transmise en trésorerie : elle ne peut plus être payée sur le portail. Un avis de somme à payer vous sera envoyé par courrier.",
  reported:
    "Paiement signalé, en attente de confirmation par le service : elle ne peut pas être payée à nouveau tant que le service ne l'a pas vérifié.",
  suspended: "Le paiement a été temporairement suspendu.",
  pending:
    "Un paiement de cette facture est en cours. Si vous l'avez abandonné, elle sera de nouveau payable d'ici une demi-heure au plus.",
  amount_too_low: "Le montant est inférieur au minimum du paiement en ligne (1 €) : réglez-la par un autre moyen indiqué sur la facture.",
  amount_too_high: "Le montant dépasse le maximum du paiement en ligne : réglez-la par un autre moyen indiqué sur la facture.",
};

/** Why a payment could not start, shown at the top of the selection screen (?erreur=…). */
export const ERROR_MESSAGES: Record<string, string> = {
  empty: "Sélectionnez au moins une facture à régler, puis cliquez sur « Payer la facture ».",
  too_many: "Vous avez sélectionné trop de factures : réglez-les en plusieurs fois.",
  not_found: "Une des factures sélectionnées n'est pas rattachée à votre compte. Sélectionnez vos factures dans la liste.",
  not_unpaid: "Une des factures sélectionnées n'est plus à régler. Vérifiez la liste ci-dessous.",
  several_services: "Vous ne pouvez régler en une fois que des factures d'un même service. Sélectionnez les factures d'un seul service.",
  suspended: "Le paiement a été temporairement suspendu. Réessayez plus tard.",
  multiple_not_allowed: "Votre service ne permet de régler qu'une facture à la fois. Sélectionnez une seule facture.",
  pending: "Un paiement est déjà en cours pour une des factures sélectionnées. Attendez sa confirmation avant de recommencer.",
  amount_out_of_limits: "Le montant à régler est en dehors des limites du paiement en ligne. Réglez par un autre moyen indiqué sur la facture.",
  invalid_email: "Votre adresse électronique ne peut pas être transmise au service de paiement. Modifiez-la depuis « Mes informations ».",
  blocked: "Une des factures sélectionnées ne peut pas être payée en ligne. Vérifiez la liste ci-dessous.",
  unavailable:
    "Le service de paiement de la DGFiP ne répond pas pour le moment. Aucune somme n'a été prélevée. Réessayez dans quelques minutes.",
};

/** /paiement?facture=…&facture=… */
export function selectionHref(ids: readonly string[], error?: string): string {
  const params = new URLSearchParams();
  for (const id of ids) params.append("facture", id);
  if (error) params.set("erreur", error);
  const query = params.toString();
  return query ? `/paiement?${query}` : "/paiement";
}
