import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { EmailForm, mailRequestReply } from "~/.server/account-mail-form";
import { clientKey, requestActivation, requireAnonymous } from "~/.server/accounts";
import { parseSubmission } from "~/.server/form";
import { anonymousPage } from "~/.server/public-page";
import { withSession } from "~/.server/session-response";
import { AuthCard, MailRefusal } from "~/components/auth-card";
import { Notice, TextField, useForm } from "~/components/form";
import { PrimaryButton, TextLink } from "~/components/ui";
import { LINK_VALIDITY_TEXT } from "~/utils/auth-links";

export const meta: MetaFunction = () => [{ title: "J'active mon compte — Le Portail des Factures" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return anonymousPage(request, { constraints: EmailForm.constraints });
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await requireAnonymous(request);
  const submission = await parseSubmission(request, EmailForm);
  if (!submission.success) {
    return data({ ...submission.reply(), outcome: null, message: null }, withSession(accounts, 400));
  }
  // The limit on account e-mails (per address and per client) comes before the three answers.
  const outcome = await requestActivation(accounts, submission.value.email, clientKey(request));
  const { reply, status } = mailRequestReply(submission, outcome);
  return data(reply, withSession(accounts, status));
}

export default function Activation() {
  const { portalName, constraints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { form, field } = useForm(constraints, result);
  return (
    <AuthCard portalName={portalName} subtitle="J'active mon compte">
      <p className="mt-4 text-sm text-stone-700">
        Saisissez l&apos;adresse mail que votre service de facturation connaît. Vous recevrez un lien pour choisir votre mot de passe.
      </p>
      {result?.outcome === "sent" ? (
        <Notice tone="success">
          <p className="font-semibold">Un message d&apos;activation du compte vous a été envoyé avec succès</p>
          <p className="mt-1">
            Ouvrez le message « Accès au portail des factures » envoyé à {result.values.email} et cliquez sur le lien. {LINK_VALIDITY_TEXT}
          </p>
        </Notice>
      ) : null}
      {result?.outcome === "unknown_email" ? (
        <Notice tone="error">
          <p className="font-semibold">Activation impossible, adresse inconnue</p>
          <p className="mt-1">Contactez le service qui vous envoie vos factures et transmettez-lui votre adresse mail, puis recommencez.</p>
        </Notice>
      ) : null}
      {result?.outcome === "already_active" ? (
        <Notice tone="error">
          <p className="font-semibold">Activation impossible, il existe déjà un compte actif avec cette adresse mail</p>
          <p className="mt-1">
            Connectez-vous, ou utilisez la procédure de{" "}
            <TextLink to="/mot-de-passe-oublie" inNotice>
              mot de passe oublié
            </TextLink>
            .
          </p>
        </Notice>
      ) : null}
      {result?.message ? <MailRefusal message={result.message} offerContact={result.outcome === "mail_unavailable"} /> : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" {...form}>
        <TextField {...field("email")} label="Adresse mail" type="email" autoComplete="email" inputMode="email" />
        <PrimaryButton>Activation</PrimaryButton>
      </Form>
      <p className="mt-6 text-center">
        <TextLink to="/connexion">Retour à la connexion</TextLink>
      </p>
    </AuthCard>
  );
}
