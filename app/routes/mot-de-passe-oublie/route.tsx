import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { clientKey, MAIL_UNAVAILABLE_MESSAGE, mailThrottledMessage, requestPasswordHelp, requireAnonymous } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { readForm } from "~/.server/form";
import { AuthCard, MailRefusal } from "~/components/auth-card";
import { fieldErrors, Notice, PrimaryButton, TextField } from "~/components/form";
import { LINK_VALIDITY_TEXT } from "~/utils/auth-links";
import { emailField } from "~/utils/email-schema";

export const meta: MetaFunction = () => [{ title: "Mot de passe oublié — Le Portail des Factures" }];

const ForgottenSchema = z.object({ email: emailField });

export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await requireAnonymous(request);
  const { data: dataPort } = await getBackend();
  const info = await dataPort.portalPublicInfo();
  return data({ portalName: info.portalName }, { headers: accounts.headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await requireAnonymous(request);
  const form = Object.fromEntries(await readForm(request));
  const parsed = ForgottenSchema.safeParse(form);
  if (!parsed.success) {
    const email = typeof form.email === "string" ? form.email.slice(0, 254) : "";
    return data(
      { outcome: null, sent: false, message: null, errors: fieldErrors(parsed.error.issues, ["email"] as const), email },
      { status: 400, headers: accounts.headers },
    );
  }
  // Same answers for every address: the limit counts unknown addresses too, and "unavailable"
  // follows a real sending attempt only (docs/decisions/0011-auth-throttling.md).
  const result = await requestPasswordHelp(accounts, parsed.data.email, clientKey(request));
  const reply = { outcome: result.status, errors: {}, email: parsed.data.email };
  if (result.status === "throttled") {
    return data({ ...reply, sent: false, message: mailThrottledMessage(result.retryAt) }, { status: 429, headers: accounts.headers });
  }
  if (result.status === "mail_unavailable") {
    return data({ ...reply, sent: false, message: MAIL_UNAVAILABLE_MESSAGE }, { status: 503, headers: accounts.headers });
  }
  return data({ ...reply, sent: true, message: null }, { headers: accounts.headers });
}

export default function MotDePasseOublie() {
  const { portalName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: { email?: string } = result?.errors ?? {};
  return (
    <AuthCard portalName={portalName} subtitle="Mot de passe oublié">
      {result?.sent ? (
        <Notice tone="success">
          <p>
            Si l&apos;adresse {result.email} correspond à un compte du portail, un message vient de lui être envoyé avec un lien pour
            choisir un nouveau mot de passe. {LINK_VALIDITY_TEXT}
          </p>
          <p className="mt-1">Pensez à regarder dans vos courriers indésirables.</p>
        </Notice>
      ) : (
        <p className="mt-4 text-sm text-stone-700">Saisissez l&apos;adresse mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe.</p>
      )}
      {result?.message ? <MailRefusal message={result.message} offerContact={result.outcome === "mail_unavailable"} /> : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" noValidate>
        <TextField id="email" label="Mail :" type="email" autoComplete="email" inputMode="email" required defaultValue={result?.email} error={errors.email} />
        <div className="flex gap-3">
          <PrimaryButton>Valider</PrimaryButton>
          <Link to="/connexion" className="rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
            Annuler
          </Link>
        </div>
      </Form>
    </AuthCard>
  );
}
