import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { accountsFor, LINK_SESSION_SECONDS, passwordLinkSession } from "~/.server/accounts";
import { env } from "~/.server/env";
import { declareForm, parseSubmission } from "~/.server/form";
import { publicPage } from "~/.server/public-page";
import { withSession } from "~/.server/session-response";
import { AuthCard } from "~/components/auth-card";
import { Notice, TextField, useForm } from "~/components/form";
import { PrimaryButton, TextLink } from "~/components/ui";
import { newPasswordSchema, passwordRuleText } from "~/utils/password-policy";

export const meta: MetaFunction = () => [{ title: "Nouveau mot de passe — Le Portail des Factures" }];

/** Where a session that may not set a password without the current one goes instead. */
const CHANGE_PASSWORD = "/mes-informations/mot-de-passe?lien=expire";
const SAVED = "/nouveau-mot-de-passe?enregistre=1";

/** The new password, under the configured policy (PASSWORD_MIN_LENGTH). */
const passwordForm = () => declareForm(z.object({ password: newPasswordSchema(env().PASSWORD_MIN_LENGTH) }), { secret: ["password"] });

/**
 * Reached from an activation or recovery link (the link opened a session). Sets the password
 * without asking for the current one — only for such a session, within minutes of the link and
 * once (app/.server/accounts.ts passwordLinkSession); any other session is sent to "Changer le mot
 * de passe", which asks for the current password. The account is then active.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await accountsFor(request);
  const user = await accounts.getUser();
  if (!user) throw redirect("/mot-de-passe-oublie", withSession(accounts));
  const saved = new URL(request.url).searchParams.get("enregistre") === "1";
  if (!saved && !(await passwordLinkSession(accounts))) throw redirect(CHANGE_PASSWORD, withSession(accounts));
  // The time limit said before it applies (RGAA 13.1, a special case: docs/decisions/0034-rgaa-full-conformity.md).
  const timeLimit = `Pour protéger votre compte, vous disposez de ${LINK_SESSION_SECONDS / 60} minutes après l'ouverture du lien pour enregistrer votre mot de passe. Passé ce délai, demandez un nouveau lien :`;
  return publicPage(accounts, { email: user.email, rule: passwordRuleText(env().PASSWORD_MIN_LENGTH), saved, timeLimit, constraints: passwordForm().constraints });
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await accountsFor(request);
  const user = await accounts.getUser();
  if (!user) throw redirect("/mot-de-passe-oublie", withSession(accounts));
  if (!(await passwordLinkSession(accounts))) throw redirect(CHANGE_PASSWORD, withSession(accounts));
  const submission = await parseSubmission(request, passwordForm());
  if (!submission.success) return data(submission.reply(), withSession(accounts, 400));
  await accounts.setPassword(submission.value.password);
  // A redirect, not the page itself: the link's privilege is spent, so the page's loader would
  // now send this session elsewhere; the "saved" view needs no privilege.
  throw redirect(SAVED, withSession(accounts));
}

export default function NouveauMotDePasse() {
  const { portalName, email, rule, saved, timeLimit, constraints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { form, field } = useForm(constraints, result);
  if (saved) {
    return (
      <AuthCard portalName={portalName} subtitle="Saisissez votre nouveau mot de passe">
        <Notice tone="success">Le nouveau mot de passe a été enregistré avec succès.</Notice>
        <p className="mt-6 text-center">
          <TextLink to="/accueil">Accéder à mon espace</TextLink>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard portalName={portalName} subtitle="Saisissez votre nouveau mot de passe">
      <p className="mt-4 text-center font-medium" data-testid="account-email">
        {email}
      </p>
      <p className="mt-4 text-sm text-stone-700" data-testid="time-limit">
        {timeLimit} <TextLink to="/mot-de-passe-oublie">Mot de passe oublié</TextLink>.
      </p>
      <Form method="post" className="mt-6 flex flex-col gap-4" {...form}>
        <input type="hidden" name="username" value={email} autoComplete="username" />
        <TextField {...field("password")} label="Nouveau mot de passe" type="password" autoComplete="new-password" hint={rule} />
        <PrimaryButton>Enregistrer</PrimaryButton>
      </Form>
    </AuthCard>
  );
}
