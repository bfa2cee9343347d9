import { z } from "zod";
import { emailField } from "./email-schema";

/** Bounds shared with SQL (portal.contact_messages checks). */
export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 5000;
export const MESSAGE_RULE = "5 000 caractères au maximum.";

const subject = z
  .string()
  .trim()
  .max(SUBJECT_MAX, `L'objet ne peut pas dépasser ${SUBJECT_MAX} caractères : raccourcissez-le.`)
  .default("");

const body = z
  .string({ error: "Écrivez votre message avant de l'envoyer." })
  .trim()
  .min(1, "Écrivez votre message avant de l'envoyer.")
  .max(MESSAGE_MAX, "Votre message dépasse 5 000 caractères : raccourcissez-le ou envoyez-le en plusieurs fois.");

const serviceId = z.guid({ error: "Choisissez le service auquel vous écrivez." });

/** "Contacter le service", signed in. */
export const ContactSchema = z.object({ serviceId, subject, body });

/** The public contact page (visitors who cannot log in). */
export const PublicContactSchema = z.object({
  serviceId,
  email: emailField,
  name: z.string().trim().max(200, "Votre nom ne peut pas dépasser 200 caractères.").default(""),
  customerNumber: z.string().trim().max(50, "Le numéro d'abonné ne peut pas dépasser 50 caractères.").default(""),
  subject,
  body,
});
