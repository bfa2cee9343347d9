import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/.server/accounts";
import { EmailForm } from "~/.server/account-mail-form";
import { parseSubmission } from "~/.server/form";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import type { EmailChangeResult } from "~/.server/ports/accounts";
import { SubmitOrCancel } from "~/components/espace-links";
import { Notice, TextField, useForm } from "~/components/form";
import { LINK_VALIDITY_TEXT } from "~/utils/auth-links";

export const meta: MetaFunction = () => [{ title: "Changer l'adresse mail — Le Portail des Factures" }];

/** Why the link was not sent, beside the field. */
const REFUSALS: Partial<Record<EmailChangeResult, string>> = {
  email_taken: "Cette adresse mail est déjà celle d'un autre compte du portail. Choisissez une autre adresse.",
  same_email: "C'est déjà votre adresse mail de connexion. Saisissez la nouvelle adresse.",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, info } = await requireResident(request, { info: true });
  const { frame } = await info.framePage();
  return data({ frame, currentEmail: user.email, constraints: EmailForm.constraints }, withSession(accounts));
}

export async function action({ request }: ActionFunctionArgs) {
  const { accounts } = await requireUser(request);
  const submission = await parseSubmission(request, EmailForm);
  if (!submission.success) return data({ ...submission.reply(), outcome: null }, withSession(accounts, 400));
  const outcome = await accounts.requestEmailChange(submission.value.email);
  const refusal = REFUSALS[outcome];
  // The address as understood (trimmed, lower-cased), in the notice and the field.
  const reply = submission.reply({ errors: refusal ? { email: refusal } : {}, values: { email: submission.value.email } });
  return data({ ...reply, outcome }, withSession(accounts, outcome === "sent" ? 200 : 400));
}

export default function ChangerAdresseMail() {
  const { currentEmail, constraints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { form, field } = useForm(constraints, result);
  return (
    <section aria-labelledby="titre" className="max-w-lg">
      <h1 id="titre" className="text-2xl font-bold">
        Changer l&apos;adresse mail
      </h1>
      <p className="mt-2">
        Adresse actuelle : <strong>{currentEmail}</strong>
      </p>
      {result?.outcome === "sent" ? (
        <Notice tone="success">
          Un message de confirmation a été envoyé à {result.values.email}. Cliquez sur le lien qu&apos;il contient : votre adresse ne
          changera qu&apos;à ce moment-là. {LINK_VALIDITY_TEXT}
        </Notice>
      ) : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" {...form}>
        <TextField {...field("email")} label="Nouvelle adresse mail" type="email" autoComplete="email" inputMode="email" />
        <div className="flex flex-wrap gap-3">
          <SubmitOrCancel>Envoyer le lien de confirmation</SubmitOrCancel>
        </div>
      </Form>
    </section>
  );
}
