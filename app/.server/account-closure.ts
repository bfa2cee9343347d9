import { z } from "zod";
import { retryFrom, type ClosureOutcome } from "./accounts";
import { declareForm } from "./form";
import { typedPasswordIsClean } from "../utils/password-policy";

/**
 * « Fermer mon compte » (/mes-informations/fermer-mon-compte): its form and its words, kept on
 * the server so the page's JavaScript does not carry them (the page gets them as loader data).
 * The use case is closeAccount in ./accounts.ts; why it works so: docs/decisions/0032-account-closure.md.
 */

const NOT_CONFIRMED = "Cochez la case pour confirmer que vous voulez fermer définitivement votre compte.";

/** The current password (never echoed) and an explicit confirmation (a ticked checkbox sends "on"). */
export const ClosureForm = declareForm(
  z.object({
    currentPassword: z
      .string({ error: "Saisissez votre mot de passe actuel." })
      .min(1, "Saisissez votre mot de passe actuel.")
      .max(200, "Ce n'est pas votre mot de passe actuel : il est trop long. Vérifiez votre saisie.")
      .refine(typedPasswordIsClean, "Ce mot de passe contient un caractère invisible non autorisé : retapez-le."),
    confirm: z.literal("on", { error: NOT_CONFIRMED }),
  }),
  { secret: ["currentPassword"] },
);

/** What the page explains before the form: what closing does and does not do. */
export function closureExplanation(email: string): { intro: string; points: string[]; paymentNote: string } {
  return {
    intro: "Vous pouvez fermer votre compte du portail des factures. Voici ce qui se passe si vous confirmez :",
    points: [
      "Votre compte du portail est supprimé : vous ne pourrez plus vous connecter, et toutes vos sessions ouvertes, sur cet appareil comme sur les autres, sont fermées.",
      "Vos abonnements et vos factures restent chez votre service : il continue à vous envoyer vos factures, au format papier ou non, comme vous l'avez choisi.",
      "Les paiements en ligne déjà faits restent enregistrés : la comptabilité publique les conserve.",
      `Un message de confirmation est envoyé à votre adresse mail (${email}).`,
      "Plus tard, vous pourrez activer à nouveau un compte avec la même adresse mail, avec « J'active mon compte » sur la page de connexion : vous retrouverez alors vos factures.",
    ],
    paymentNote: "Si un paiement en ligne est en cours, attendez son résultat avant de fermer votre compte.",
  };
}

export const WRONG_PASSWORD =
  "Ce n'est pas votre mot de passe actuel. Vérifiez votre saisie ; en cas d'oubli, déconnectez-vous et utilisez « Oublié ? ».";

export const PAYMENT_PENDING =
  "Votre compte n'a pas été fermé : un paiement en ligne est en cours pour votre compte. Attendez son résultat (au plus une demi-heure), puis recommencez.";

/** The French refusal of a closure that did not happen, the field it belongs to (if any) and the HTTP status. */
export function closureRefusal(outcome: Exclude<ClosureOutcome, { status: "closed" }>, now = new Date()): { field?: "currentPassword"; message: string; status: number } {
  if (outcome.status === "payment_pending") return { message: PAYMENT_PENDING, status: 409 };
  if (outcome.status === "throttled") {
    return {
      field: "currentPassword",
      message: `Trop de tentatives avec un mot de passe incorrect. Par sécurité, réessayez ${retryFrom(outcome.retryAt, now)}. Votre compte n'a pas été fermé.`,
      status: 429,
    };
  }
  return { field: "currentPassword", message: WRONG_PASSWORD, status: 400 };
}

/** What /connexion says after a closure (/connexion?compte=ferme). */
export const ACCOUNT_CLOSED_NOTICE =
  "Votre compte a été fermé. Un message de confirmation a été envoyé à votre adresse mail. Vos factures restent gérées par votre service ; vous pourrez activer à nouveau un compte avec la même adresse grâce à « J'active mon compte ».";
