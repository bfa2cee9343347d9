import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { EmailForm, mailRequestReply } from "~/.server/account-mail-form";
import { clientKey, requestPasswordHelp, requireAnonymous } from "~/.server/accounts";
import { parseSubmission } from "~/.server/form";
import { anonymousPage } from "~/.server/public-page";
import { withSession } from "~/.server/session-response";
import { AuthCard, MailRefusal } from "~/components/auth-card";
import { Notice, TextField, useForm } from "~/components/form";
import { ButtonLink, PrimaryButton } from "~/components/ui";
import { LINK_VALIDITY_TEXT } from "~/utils/auth-links";

export const meta: MetaFunction = () => [{ title: "Mot de passe oublié — Le Portail des Factures" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return anonymousPage(request, { constraints: EmailForm.constraints });
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await requireAnonymous(request);
  const submission = await parseSubmission(request, EmailForm);
  if (!submission.success) {
    return data({ ...submission.reply(), outcome: null, sent: false, message: null }, withSession(accounts, 400));
  }
  // Same answers for every address: the limit counts unknown addresses too, and "unavailable"
  // follows a real sending attempt only (docs/decisions/0011-auth-throttling.md).
  const outcome = await requestPasswordHelp(accounts, submission.value.email, clientKey(request));
  const { reply, status } = mailRequestReply(submission, outcome);
  return data({ ...reply, sent: outcome.status === "answered" }, withSession(accounts, status));
}

export default function MotDePasseOublie() {
  const { portalName, constraints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { form, field } = useForm(constraints, result);
  return (
    <AuthCard portalName={portalName} subtitle="Mot de passe oublié">
      {result?.sent ? (
        <Notice tone="success">
          <p>
            Si l&apos;adresse {result.values.email} correspond à un compte du portail, un message vient de lui être envoyé avec un lien pour
            choisir un nouveau mot de passe. {LINK_VALIDITY_TEXT}
          </p>
          <p className="mt-1">Pensez à regarder dans vos courriers indésirables.</p>
        </Notice>
      ) : (
        <p className="mt-4 text-sm text-stone-700">Saisissez l&apos;adresse mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe.</p>
      )}
      {result?.message ? <MailRefusal message={result.message} offerContact={result.outcome === "mail_unavailable"} /> : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" {...form}>
        {/* « Mail : » is the product's exact label; the field is named « Adresse mail » as on every other page (RGAA 11.3, e2e/form-labels.spec.ts). */}
        <TextField {...field("email")} label="Mail :" aria-label="Adresse mail (obligatoire)" type="email" autoComplete="email" inputMode="email" />
        <div className="flex gap-3">
          <PrimaryButton>Valider</PrimaryButton>
          <ButtonLink to="/connexion">Annuler</ButtonLink>
        </div>
      </Form>
    </AuthCard>
  );
}
