import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { contactAction, ResidentContactForm } from "~/.server/contact-form";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { ContactForm } from "~/components/contact-form";
import { Notice } from "~/components/form";
import { GeneralInfo } from "~/components/general-info";

export const meta: MetaFunction = () => [{ title: "Contacter le service — Le Portail des Factures" }];

/**
 * `/contact`: "Contacter le service". The message is stored with the resident's identity and
 * customer numbers and its e-mail to the service (Reply-To: the resident) is written in the same
 * transaction (SQL send_contact_message), then sent by the outbox. The form and its action are
 * shared with /nous-contacter (app/components/contact-form.tsx, app/.server/contact-form.ts).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, contact } = await requireResident(request, { contact: true });
  const { frame, services } = await contact.contactPage();
  return data({ frame, email: user.email, services, constraints: ResidentContactForm.constraints }, withSession(accounts));
}

export async function action({ request }: ActionFunctionArgs) {
  const { accounts, contact } = await requireResident(request, { contact: true });
  return contactAction(request, accounts, {
    form: ResidentContactForm,
    path: "/contact",
    services: async () => (await contact.contactPage()).services.filter((s) => s.acceptsMessages),
    noService: "Ce service ne reçoit pas de messages par le portail : utilisez les moyens de contact indiqués dans « Informations générales ».",
    send: async (value) => {
      await contact.sendContactMessage(value);
      return null;
    },
    unavailable:
      "Votre message n'a pas pu être envoyé. Réessayez dans quelques minutes ; si le problème continue, utilisez les moyens de contact indiqués dans « Informations générales ».",
  });
}

export default function Contact() {
  const { email, services, constraints } = useLoaderData<typeof loader>();
  // The form offers the services that receive messages; the others' general information stays.
  const writable = services.filter((s) => s.acceptsMessages);
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
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
          <ContactForm services={writable} constraints={constraints} reply={result} />
        )}
      </section>
      <aside>
        <GeneralInfo services={services} />
      </aside>
    </div>
  );
}
