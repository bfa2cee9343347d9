import { Form, useLocation } from "@remix-run/react";
import type { FormConstraints, FormReply } from "~/utils/form";
import { MESSAGE_RULE } from "~/utils/contact-limits";
import { HONEYPOT } from "~/utils/honeypot";
import { ErrorSummary } from "./error-summary";
import { SelectField, TextAreaField, TextField, useForm } from "./form";
import { PrimaryButton, SecondaryButton } from "./ui";

type ContactField = "serviceId" | "subject" | "body";
type VisitorField = ContactField | "email" | "name" | "customerNumber";

/**
 * The contact form of `/contact` (signed in) and `/nous-contacter` (visitors, who also give their
 * address, name and customer number, beside a honeypot). The server side is
 * app/.server/contact-form.ts. A choice of service only when there are several; "Effacer" is a
 * submit button the action answers with an empty form, so it works without JavaScript. Keyed by
 * navigation: "Effacer" (and a new visit) gives fresh, empty fields.
 */
export function ContactForm(
  props:
    | { visitor?: false; services: readonly ServiceChoice[]; constraints: FormConstraints<ContactField>; reply: FormReply<ContactField> | undefined }
    | { visitor: true; services: readonly ServiceChoice[]; constraints: FormConstraints<VisitorField>; reply: FormReply<VisitorField> | undefined },
) {
  const location = useLocation();
  const { form, field } = useForm<VisitorField>(props.constraints as FormConstraints<VisitorField>, props.reply as FormReply<VisitorField> | undefined);
  return (
    <Form method="post" className="mt-6 flex flex-col gap-4" {...form} key={location.key}>
      <ErrorSummary reply={props.reply as FormReply<VisitorField> | undefined} labels={props.visitor ? VISITOR_LABELS : LABELS} />
      {props.services.length > 1 ? (
        <SelectField {...field("serviceId")} label="Service">
          <option value="">Choisissez le service</option>
          {props.services.map((s) => (
            <option key={s.serviceId} value={s.serviceId}>
              {s.serviceName}
            </option>
          ))}
        </SelectField>
      ) : null}
      {props.visitor ? (
        <>
          <TextField {...field("email")} label="Adresse mail" type="email" autoComplete="email" inputMode="email" />
          <TextField {...field("name")} label="Nom et prénom (facultatif)" autoComplete="name" />
          <TextField {...field("customerNumber")} label="Numéro d'abonné (facultatif)" hint="Il figure sur vos factures." />
          {/* Honeypot: out of sight and out of the accessibility tree; people leave it empty. */}
          <div aria-hidden="true" className="absolute -left-[10000px] h-px w-px overflow-hidden">
            <label htmlFor={HONEYPOT}>Ne pas remplir ce champ</label>
            <input id={HONEYPOT} name={HONEYPOT} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
          </div>
        </>
      ) : null}
      <TextField {...field("subject")} label="Objet (facultatif)" />
      <TextAreaField {...field("body")} label="Message" hint={MESSAGE_RULE} />
      <div className="flex flex-wrap gap-3">
        <PrimaryButton name="intent" value="envoyer">
          Envoyer
        </PrimaryButton>
        <SecondaryButton name="intent" value="effacer" formNoValidate>
          Effacer
        </SecondaryButton>
      </div>
    </Form>
  );
}

/** The fields' names in the error summary, in the form's order (the same words as their labels). */
const LABELS: Partial<Record<VisitorField, string>> = { serviceId: "Service", subject: "Objet", body: "Message" };
const VISITOR_LABELS: Partial<Record<VisitorField, string>> = { serviceId: "Service", email: "Adresse mail", name: "Nom et prénom", customerNumber: "Numéro d'abonné", subject: "Objet", body: "Message" };

/** A service offered in the form's choice. */
export interface ServiceChoice {
  serviceId: string;
  serviceName: string;
}
