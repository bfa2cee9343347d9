import { z } from "zod";
import { emailField } from "./email-schema";
import { isCleanText } from "./text-schema";

/** Bounds shared with SQL (portal.contact_messages checks). */
export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 5000;
export const MESSAGE_RULE = "5 000 caractères au maximum.";

/**
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
    .max(200, "Votre nom ne peut pas dépasser 200 caractères.")
    .refine((value) => isCleanText(value, { multiline: false }), { error: "Votre nom contient un caractère invisible non autorisé : retapez-le." })
    .default(""),
  customerNumber: z
    .string({ error: "Le numéro d'abonné doit être du texte : retapez-le." })
    .trim()
    .max(50, "Le numéro d'abonné ne peut pas dépasser 50 caractères.")
    .refine((value) => isCleanText(value, { multiline: false }), {
      error: "Le numéro d'abonné contient un caractère invisible non autorisé : retapez-le.",
    })
    .default(""),
  subject,
  body,
});
