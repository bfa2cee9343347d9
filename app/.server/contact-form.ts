import { data, redirect } from "@remix-run/server-runtime";
import { z } from "zod";
import { CUSTOMER_NUMBER_MAX, MESSAGE_MAX, NAME_MAX, SUBJECT_MAX } from "~/utils/contact-limits";
import { emailField } from "~/utils/email-schema";
import type { FormReply } from "~/utils/form";
import { HONEYPOT } from "~/utils/honeypot";
import { isCleanText } from "~/utils/text-schema";
import { getBackend } from "./backend";
import { declareForm, readSubmission, type FormDeclaration } from "./form";
import { kickOutbox } from "./outbox";
import { withSession } from "./session-response";

/**
 * The contact forms (`/contact` signed in, `/nous-contacter` for visitors), server-only: zod stays
 * out of the browser bundle, the pages get their constraint attributes from the loader
 * (docs/decisions/0021-forms.md) and share app/components/contact-form.tsx.
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

const CHOOSE_SERVICE = "Choisissez le service auquel vous écrivez.";
const serviceId = z.guid({ error: CHOOSE_SERVICE });

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

/** "Contacter le service", signed in. */
export const ResidentContactForm = declareForm(ContactSchema, { freeText: ["subject", "body"] });

/** The public contact page. */
export const PublicContactForm = declareForm(PublicContactSchema, { freeText: ["name", "customerNumber", "subject", "body"] });

type Field<S extends z.ZodObject> = Extract<keyof z.input<S>, string>;
type Fields<S extends z.ZodObject> = Partial<Record<Field<S>, string>>;

/** What differs between the two contact pages' actions. */
export interface ContactAction<S extends typeof ContactSchema | typeof PublicContactSchema> {
  form: FormDeclaration<S>;
  /** The page: "Effacer" comes back to it, a sent message to it with `?envoye=1`. */
  path: "/contact" | "/nous-contacter";
  /** The services one may write to here. */
  services: () => Promise<readonly { serviceId: string }[]>;
  /** The form error when there is none (else the form's usual service error). */
  noService?: string;
  /** The form has the honeypot field (app/utils/honeypot.ts). */
  honeypot?: boolean;
  /** Stores the message and its e-mail; says when the sender may retry if throttled. */
  send: (value: z.output<S>) => Promise<{ throttledUntil: Date } | null>;
  /** The form error when throttled. */
  throttled?: (retryAt: Date) => string;
  /** The form error when the message could not be stored. */
  unavailable: string;
}

/**
 * The action of both contact pages: "Effacer" gives an empty form (a redirect, so it works
 * without JavaScript), a bot's post looks sent, the only service is the one written to, the
 * chosen service must be one of the page's, then the message is stored with its e-mail in one
 * SQL call and the outbox is woken. Invalid input: 400 with the reply; throttled: 429; not
 * stored: 503.
 */
export async function contactAction<S extends typeof ContactSchema | typeof PublicContactSchema>(
  request: Request,
  accounts: { readonly headers: Headers },
  page: ContactAction<S>,
) {
  const submitted = await readSubmission(request, page.form);
  if (submitted.fields.intent === "effacer") throw redirect(page.path, withSession(accounts));
  const services = await page.services();
  if (services.length === 0 && page.noService) {
    const values = Object.fromEntries(page.form.fields.map((field) => [field, ""])) as Record<Field<S>, string>;
    const reply: FormReply<Field<S>> = { errors: {}, formError: page.noService, values };
    return data(reply, withSession(accounts, 400));
  }
  const sent = `${page.path}?envoye=1`;
  // A bot filled the hidden field: same answer as a success, nothing stored or sent.
  if (page.honeypot && (submitted.fields[HONEYPOT] ?? "").trim() !== "") throw redirect(sent, withSession(accounts));
  // One service: it is the one (the form shows no choice).
  const submission = submitted.parse((services.length === 1 ? { serviceId: services[0]!.serviceId } : {}) as Fields<S>);
  if (!submission.success) return data(submission.reply(), withSession(accounts, 400));
  if (!services.some((s) => s.serviceId === submission.value.serviceId)) {
    return data(submission.reply({ errors: { serviceId: CHOOSE_SERVICE } as Fields<S> }), withSession(accounts, 400));
  }
  let outcome;
  try {
    outcome = await page.send(submission.value);
  } catch (error) {
    console.error(`contact message to ${page.path} failed`, error);
    return data(submission.reply({ formError: page.unavailable }), withSession(accounts, 503));
  }
  if (outcome && page.throttled) return data(submission.reply({ formError: page.throttled(outcome.throttledUntil) }), withSession(accounts, 429));
  void kickOutbox(getBackend());
  throw redirect(sent, withSession(accounts));
}
