import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { clientKey, MAIL_UNAVAILABLE_MESSAGE, mailThrottledMessage, requestActivation, requireAnonymous } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { readForm } from "~/.server/form";
import { AuthCard, MailRefusal } from "~/components/auth-card";
import { fieldErrors, Notice, PrimaryButton, TextField } from "~/components/form";
import { LINK_VALIDITY_TEXT } from "~/utils/auth-links";
import { emailField } from "~/utils/email-schema";

export const meta: MetaFunction = () => [{ title: "J'active mon compte — Le Portail des Factures" }];

const ActivationSchema = z.object({ email: emailField });

export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await requireAnonymous(request);
  const { data: dataPort } = await getBackend();
  const info = await dataPort.portalPublicInfo();
  return data({ portalName: info.portalName }, { headers: accounts.headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await requireAnonymous(request);
  const form = Object.fromEntries(await readForm(request));
  const parsed = ActivationSchema.safeParse(form);
  const email = typeof form.email === "string" ? form.email.slice(0, 254) : "";
  if (!parsed.success) {
    return data(
      { outcome: null, message: null, errors: fieldErrors(parsed.error.issues, ["email"] as const), email },
      { status: 400, headers: accounts.headers },
    );
  }
  // The limit on account e-mails (per address and per client) comes before the three answers.
  const result = await requestActivation(accounts, parsed.data.email, clientKey(request));
  const reply = { outcome: result.status, errors: {}, email: parsed.data.email };
  if (result.status === "throttled") {
    return data({ ...reply, message: mailThrottledMessage(result.retryAt) }, { status: 429, headers: accounts.headers });
  }
  if (result.status === "mail_unavailable") {
    return data({ ...reply, message: MAIL_UNAVAILABLE_MESSAGE }, { status: 503, headers: accounts.headers });
  }
  return data({ ...reply, message: null }, { headers: accounts.headers });
}

export default function Activation() {
  const { portalName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: { email?: string } = result?.errors ?? {};
  return (
    <AuthCard portalName={portalName} subtitle="J'active mon compte">
      <p className="mt-4 text-sm text-stone-700">
        Saisissez l&apos;adresse mail que votre service de facturation connaît. Vous recevrez un lien pour choisir votre mot de passe.
      </p>
      {result?.outcome === "sent" ? (
        <Notice tone="success">
          <p className="font-semibold">Un message d&apos;activation du compte vous a été envoyé avec succès</p>
          <p className="mt-1">
            Ouvrez le message « Accès au portail des factures » envoyé à {result.email} et cliquez sur le lien. {LINK_VALIDITY_TEXT}
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
            <Link to="/mot-de-passe-oublie" className="font-semibold underline">
              mot de passe oublié
            </Link>
            .
          </p>
        </Notice>
      ) : null}
      {result?.message ? <MailRefusal message={result.message} offerContact={result.outcome === "mail_unavailable"} /> : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" noValidate>
        <TextField
          id="email"
          label="Adresse mail"
          type="email"
          autoComplete="email"
          inputMode="email"
          required
          defaultValue={result?.email}
          error={errors.email}
        />
        <PrimaryButton>Activation</PrimaryButton>
      </Form>
      <p className="mt-6 text-center">
        <Link to="/connexion" className="font-semibold text-brand-700 underline">
          Retour à la connexion
        </Link>
      </p>
    </AuthCard>
  );
}
