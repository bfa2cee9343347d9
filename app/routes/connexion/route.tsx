import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect, redirectDocument } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ACCOUNT_CLOSED_NOTICE } from "~/.server/account-closure";
import { accountsFor, clientKey, endSessionBeforeLogin, retryFrom, signInWithThrottle } from "~/.server/accounts";
import { readSubmission } from "~/.server/form";
import { anonymousPage } from "~/.server/public-page";
import { withSession } from "~/.server/session-response";
import { AuthCard } from "~/components/auth-card";
import { Notice, TextField, useForm } from "~/components/form";
import { PrimaryButton, TextLink } from "~/components/ui";
import { isResourcePath, safeRedirectPath } from "~/utils/safe-redirect";
import { LoginForm } from "./schema";

export const meta: MetaFunction = () => [{ title: "Connexion — Le Portail des Factures" }];

const GENERIC_ERROR = "Adresse mail ou mot de passe incorrect. Vérifiez votre saisie, ou utilisez « Oublié ? » pour choisir un nouveau mot de passe.";

export async function loader({ request }: LoaderFunctionArgs) {
  // After « Fermer mon compte » (its words are the server's: app/.server/account-closure.ts).
  const closed = new URL(request.url).searchParams.get("compte") === "ferme" ? ACCOUNT_CLOSED_NOTICE : null;
  return anonymousPage(request, { constraints: LoginForm.constraints, closed });
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await accountsFor(request);
  const submitted = await readSubmission(request, LoginForm);
  const redirectTo = safeRedirectPath(submitted.fields.redirectTo);
  const submission = submitted.parse();
  if (!submission.success) {
    // Not a login attempt: like the page itself, a signed-in resident goes to the home page.
    if (await accounts.getUser()) throw redirect("/accueil", withSession(accounts));
    return data(submission.reply(), withSession(accounts, 400));
  }
  // A login attempt replaces the session the browser had (ended on the server first, whatever follows).
  await endSessionBeforeLogin(accounts);
  const outcome = await signInWithThrottle(accounts, {
    email: submission.value.email,
    password: submission.value.password,
    remember: submission.value.remember,
    client: clientKey(request),
  });
  // Back to the page asked for; a PDF (resource route) needs a document navigation with JavaScript.
  if (outcome.ok) throw (isResourcePath(redirectTo) ? redirectDocument : redirect)(redirectTo, withSession(accounts));
  const formError =
    outcome.reason === "throttled"
      ? `Trop de tentatives de connexion. Par sécurité, réessayez ${retryFrom(outcome.retryAt)}. Si vous avez oublié votre mot de passe, utilisez « Oublié ? ».`
      : GENERIC_ERROR;
  return data(submission.reply({ formError }), withSession(accounts, outcome.reason === "throttled" ? 429 : 401));
}

export default function Connexion() {
  const { portalName, constraints, closed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { form, field } = useForm(constraints, result);
  const [searchParams] = useSearchParams();
  const redirectTo = safeRedirectPath(searchParams.get("redirectTo"));
  return (
    <AuthCard portalName={portalName} subtitle="Veuillez vous connecter">
      {closed && !result ? <Notice tone="success">{closed}</Notice> : null}
      {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" {...form}>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField {...field("email")} label="Adresse mail" type="email" autoComplete="username" inputMode="email" />
        <TextField {...field("password")} label="Mot de passe" type="password" autoComplete="current-password" />
        <div className="flex items-center justify-between gap-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" name="remember" defaultChecked className="h-4 w-4" />
            Se souvenir de moi
          </label>
          {/* « Oublié ? » is the product's exact label; the link's name says what is forgotten and ends with the visible words (RGAA 6.1, WCAG 2.5.3). */}
          <TextLink to="/mot-de-passe-oublie">
            <span className="sr-only">Mot de passe </span>Oublié ?
          </TextLink>
        </div>
        <PrimaryButton>Connexion</PrimaryButton>
      </Form>
      <p className="mt-6 text-center">
        <TextLink to="/activation">J&apos;active mon compte</TextLink>
      </p>
      <p className="mt-3 text-center text-sm">
        Vous ne pouvez pas vous connecter ?{" "}
        <TextLink to="/nous-contacter">Contacter le service</TextLink>
      </p>
    </AuthCard>
  );
}
