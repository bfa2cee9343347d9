import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { accountsFor } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { env } from "~/.server/env";
import { AuthCard } from "~/components/auth-card";
import { fieldErrors, Notice, PrimaryButton, TextField } from "~/components/form";
import { newPasswordSchema, passwordRuleText } from "~/utils/password-policy";

export const meta: MetaFunction = () => [{ title: "Nouveau mot de passe — Le Portail des Factures" }];

/**
 * Reached from an activation or recovery link (the link opened a session). Sets the password;
 * the account is then active.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await accountsFor(request);
  const user = await accounts.getUser();
  if (!user) throw redirect("/mot-de-passe-oublie", { headers: accounts.headers });
  const { data: dataPort } = await getBackend();
  const info = await dataPort.portalPublicInfo();
  return data(
    { portalName: info.portalName, email: user.email, rule: passwordRuleText(env().PASSWORD_MIN_LENGTH) },
    { headers: accounts.headers },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await accountsFor(request);
  const user = await accounts.getUser();
  if (!user) throw redirect("/mot-de-passe-oublie", { headers: accounts.headers });
  const schema = z.object({ password: newPasswordSchema(env().PASSWORD_MIN_LENGTH) });
  const parsed = schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return data({ saved: false, errors: fieldErrors(parsed.error.issues, ["password"] as const) }, { status: 400, headers: accounts.headers });
  }
  await accounts.setPassword(parsed.data.password);
  return data({ saved: true, errors: {} }, { headers: accounts.headers });
}

export default function NouveauMotDePasse() {
  const { portalName, email, rule } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: { password?: string } = result?.errors ?? {};
  if (result?.saved) {
    return (
      <AuthCard portalName={portalName} subtitle="Saisissez votre nouveau mot de passe">
        <Notice tone="success">Le nouveau mot de passe a été enregistré avec succès.</Notice>
        <p className="mt-6 text-center">
          <Link to="/accueil" className="font-semibold text-brand-700 underline">
            Accéder à mon espace
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard portalName={portalName} subtitle="Saisissez votre nouveau mot de passe">
      <p className="mt-4 text-center font-medium" data-testid="account-email">
        {email}
      </p>
      <Form method="post" className="mt-6 flex flex-col gap-4" noValidate>
        <input type="hidden" name="username" value={email} autoComplete="username" />
        <TextField id="password" label="Nouveau mot de passe" type="password" autoComplete="new-password" required hint={rule} error={errors.password} />
        <PrimaryButton>Enregistrer</PrimaryButton>
      </Form>
    </AuthCard>
  );
}
