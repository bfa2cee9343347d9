import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { ContactSchema } from "~/.server/contact-form";
import { readForm } from "~/.server/form";
import { getBackend } from "~/.server/backend";
import { kickOutbox } from "~/.server/outbox";
import { requireResident } from "~/.server/resident";
import { fieldErrors, Notice, PrimaryButton, SecondaryButton, TextAreaField, TextField } from "~/components/form";
import { GeneralInfo } from "~/components/general-info";
import { MESSAGE_MAX, MESSAGE_RULE, SUBJECT_MAX } from "~/utils/contact-limits";

export const meta: MetaFunction = () => [{ title: "Contacter le service — Le Portail des Factures" }];

/**
 * `/contact`: "Contacter le service". The message is stored with the resident's identity and
 * customer numbers and its e-mail to the service (Reply-To: the resident) is written in the same
 * transaction (SQL send_contact_message), then sent by the outbox. "Effacer" is a submit button
 * the action answers with an empty form: it works without JavaScript.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, contact } = await requireResident(request, { contact: true });
  const { frame, services } = await contact.contactPage();
  return data({ frame, email: user.email, services }, { headers: accounts.headers });
}

const FIELDS = ["serviceId", "subject", "body"] as const;
const NOT_ACCEPTED = "Ce service ne reçoit pas de messages par le portail : utilisez les moyens de contact indiqués dans « Informations générales ».";

export async function action({ request }: ActionFunctionArgs) {
  const { accounts, contact } = await requireResident(request, { contact: true });
  const form = Object.fromEntries(await readForm(request, { freeText: ["subject", "body"] }));
  if (form.intent === "effacer") throw redirect("/contact", { headers: accounts.headers });

  const services = (await contact.contactPage()).services.filter((s) => s.acceptsMessages);
  if (services.length === 0) {
    return data({ errors: {}, formError: NOT_ACCEPTED, values: { serviceId: "", subject: "", body: "" } }, { status: 400, headers: accounts.headers });
  }
  // One service: it is the one (the form shows no choice).
  const input = {
    ...form,
    serviceId: services.length === 1 ? services[0]!.serviceId : form.serviceId,
  };
  const values = {
    serviceId: typeof input.serviceId === "string" ? input.serviceId : "",
    subject: typeof form.subject === "string" ? form.subject.slice(0, SUBJECT_MAX * 2) : "",
    body: typeof form.body === "string" ? form.body.slice(0, MESSAGE_MAX * 2) : "",
  };
  const parsed = ContactSchema.safeParse(input);
  if (!parsed.success) {
    return data(
      {
        errors: fieldErrors(parsed.error.issues, FIELDS),
        formError: null,
        values,
      },
      { status: 400, headers: accounts.headers },
    );
  }
  if (!services.some((s) => s.serviceId === parsed.data.serviceId)) {
    return data(
      {
        errors: { serviceId: "Choisissez le service auquel vous écrivez." },
        formError: null,
        values,
      },
      { status: 400, headers: accounts.headers },
    );
  }
  try {
    await contact.sendContactMessage(parsed.data);
  } catch (error) {
    console.error("contact message failed", error);
    return data(
      {
        errors: {},
        formError:
          "Votre message n'a pas pu être envoyé. Réessayez dans quelques minutes ; si le problème continue, utilisez les moyens de contact indiqués dans « Informations générales ».",
        values,
      },
      { status: 503, headers: accounts.headers },
    );
  }
  void kickOutbox(getBackend());
  throw redirect("/contact?envoye=1", { headers: accounts.headers });
}

export default function Contact() {
  const { email, services } = useLoaderData<typeof loader>();
  // The form offers the services that receive messages; the others' general information stays.
  const writable = services.filter((s) => s.acceptsMessages);
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const location = useLocation();
  const errors: { serviceId?: string; subject?: string; body?: string } = result?.errors ?? {};
  const values = result?.values;
  return (
    <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
      <section aria-labelledby="titre">
        <h1 id="titre" className="text-2xl font-bold">
          Contacter le service
        </h1>
        {params.get("envoye") && !result ? (
          <Notice tone="success">Votre message a bien été envoyé au service. Il vous répondra à votre adresse mail ({email}).</Notice>
        ) : null}
        {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
        {writable.length === 0 ? (
          <Notice tone="info">
            Vos services ne reçoivent pas de messages par le portail : utilisez les moyens de contact indiqués dans « Informations générales ».
          </Notice>
        ) : (
          <>
            {/* Keyed by navigation: "Effacer" (and a new visit) gives fresh, empty fields, with or without JavaScript. */}
            <Form method="post" className="mt-6 flex flex-col gap-4" noValidate key={location.key}>
              {writable.length > 1 ? (
                <div className="flex flex-col gap-1">
                  <label htmlFor="serviceId" className="font-medium">
                    Service
                  </label>
                  <select
                    id="serviceId"
                    name="serviceId"
                    defaultValue={values?.serviceId ?? ""}
                    aria-invalid={errors.serviceId ? true : undefined}
                    aria-describedby={errors.serviceId ? "serviceId-error" : undefined}
                    className="rounded border border-stone-500 px-3 py-2"
                  >
                    <option value="">Choisissez le service</option>
                    {writable.map((s) => (
                      <option key={s.serviceId} value={s.serviceId}>
                        {s.serviceName}
                      </option>
                    ))}
                  </select>
                  {errors.serviceId ? (
                    <p id="serviceId-error" className="text-sm font-medium text-brand-700">
                      {errors.serviceId}
                    </p>
                  ) : null}
                </div>
              ) : null}
              <TextField id="subject" label="Objet (facultatif)" maxLength={SUBJECT_MAX} defaultValue={values?.subject} error={errors.subject} />
              <TextAreaField id="body" label="Message" required hint={MESSAGE_RULE} maxLength={MESSAGE_MAX} defaultValue={values?.body} error={errors.body} />
              <div className="flex flex-wrap gap-3">
                <PrimaryButton name="intent" value="envoyer">
                  Envoyer
                </PrimaryButton>
                <SecondaryButton name="intent" value="effacer" formNoValidate>
                  Effacer
                </SecondaryButton>
              </div>
            </Form>
          </>
        )}
      </section>
      <aside>
        <GeneralInfo services={services} />
      </aside>
    </div>
  );
}
