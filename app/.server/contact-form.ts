import { z } from "zod";
import { CUSTOMER_NUMBER_MAX, MESSAGE_MAX, NAME_MAX, SUBJECT_MAX } from "~/utils/contact-limits";
import { emailField } from "~/utils/email-schema";
import { isCleanText } from "~/utils/text-schema";

/**
 * The contact forms' schemas, server-only: the pages' components use the plain bounds of
 * app/utils/contact-limits.ts for their HTML constraints, so zod stays out of the browser bundle.
 *
 * Control characters (app/utils/text-schema.ts): none in one-line fields, only tab and line
 * breaks in the message. app/.server/form.ts leaves these free-text fields to this schema, so the
 * refusal shows beside the field with the text kept.
 */
const subject = z
  .string({ error: "L'objet doit être du texte : retapez-le." })
  .trim()
  .max(SUBJECT_MAX, `L'objet ne peut pas dépasser ${SUBJECT_MAX} caractères : raccourcissez-le.`)
  .refine((value) => isCleanText(value, { multiline: false }), {
    error: "L'objet contient un caractère invisible non autorisé (tabulation ou caractère de contrôle) : retapez-le.",
  })
  .default("");

const body = z
  .string({ error: "Écrivez votre message avant de l'envoyer." })
  .trim()
  .min(1, "Écrivez votre message avant de l'envoyer.")
  .max(MESSAGE_MAX, "Votre message dépasse 5 000 caractères : raccourcissez-le ou envoyez-le en plusieurs fois.")
  .refine((value) => isCleanText(value, { multiline: true }), {
    error: "Votre message contient un caractère invisible non autorisé (caractère de contrôle) : retapez le passage copié-collé.",
  });

const serviceId = z.guid({ error: "Choisissez le service auquel vous écrivez." });

/** "Contacter le service", signed in. */
export const ContactSchema = z.object({ serviceId, subject, body });

/** The public contact page (visitors who cannot log in). */
export const PublicContactSchema = z.object({
  serviceId,
  email: emailField,
  name: z
    .string({ error: "Votre nom doit être du texte : retapez-le." })
    .trim()
    .max(NAME_MAX, `Votre nom ne peut pas dépasser ${NAME_MAX} caractères.`)
    .refine((value) => isCleanText(value, { multiline: false }), { error: "Votre nom contient un caractère invisible non autorisé : retapez-le." })
    .default(""),
  customerNumber: z
    .string({ error: "Le numéro d'abonné doit être du texte : retapez-le." })
    .trim()
    .max(CUSTOMER_NUMBER_MAX, `Le numéro d'abonné ne peut pas dépasser ${CUSTOMER_NUMBER_MAX} caractères.`)
    .refine((value) => isCleanText(value, { multiline: false }), {
      error: "Le numéro d'abonné contient un caractère invisible non autorisé : retapez-le.",
    })
    .default(""),
  subject,
  body,
});
