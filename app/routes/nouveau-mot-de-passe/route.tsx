import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { accountsFor, passwordLinkSession } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { env } from "~/.server/env";
import { readForm } from "~/.server/form";
import { AuthCard } from "~/components/auth-card";
import { fieldErrors, Notice, PrimaryButton, TextField } from "~/components/form";
import { newPasswordSchema, passwordRuleText } from "~/utils/password-policy";

export const meta: MetaFunction = () => [{ title: "Nouveau mot de passe — Le Portail des Factures" }];

/** Where a session that may not set a password without the current one goes instead. */
const CHANGE_PASSWORD = "/mes-informations/mot-de-passe?lien=expire";
const SAVED = "/nouveau-mot-de-passe?enregistre=1";

/**
 * Reached from an activation or recovery link (the link opened a session). Sets the password
 * without asking for the current one — only for such a session, within minutes of the link and
 * once (app/.server/accounts.ts passwordLinkSession); any other session is sent to "Changer le mot
 * de passe", which asks for the current password. The account is then active.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await accountsFor(request);
  const user = await accounts.getUser();
  if (!user) throw redirect("/mot-de-passe-oublie", { headers: accounts.headers });
  const saved = new URL(request.url).searchParams.get("enregistre") === "1";
  if (!saved && !(await passwordLinkSession(accounts))) throw redirect(CHANGE_PASSWORD, { headers: accounts.headers });
  const { data: dataPort } = await getBackend();
  const info = await dataPort.portalPublicInfo();
  return data(
    { portalName: info.portalName, email: user.email, rule: passwordRuleText(env().PASSWORD_MIN_LENGTH), saved },
    { headers: accounts.headers },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await accountsFor(request);
  const user = await accounts.getUser();
  if (!user) throw redirect("/mot-de-passe-oublie", { headers: accounts.headers });
  if (!(await passwordLinkSession(accounts))) throw redirect(CHANGE_PASSWORD, { headers: accounts.headers });
  const schema = z.object({ password: newPasswordSchema(env().PASSWORD_MIN_LENGTH) });
  const parsed = schema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) {
    return data({ errors: fieldErrors(parsed.error.issues, ["password"] as const) }, { status: 400, headers: accounts.headers });
  }
  await accounts.setPassword(parsed.data.password);
  // A redirect, not the page itself: the link's privilege is spent, so the page's loader would
  // now send this session elsewhere; the "saved" view needs no privilege.
  throw redirect(SAVED, { headers: accounts.headers });
}

export default function NouveauMotDePasse() {
  const { portalName, email, rule, saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: { password?: string } = result?.errors ?? {};
  if (saved) {
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
