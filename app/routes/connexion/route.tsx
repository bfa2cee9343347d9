import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect, redirectDocument } from "@remix-run/server-runtime";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { accountsFor, clientKey, endSessionBeforeLogin, formatRetryTime, requireAnonymous, signInWithThrottle } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { readForm } from "~/.server/form";
import { AuthCard } from "~/components/auth-card";
import { fieldErrors, Notice, PrimaryButton, TextField } from "~/components/form";
import { isResourcePath, safeRedirectPath } from "~/utils/safe-redirect";
import { LoginSchema } from "./schema";

export const meta: MetaFunction = () => [{ title: "Connexion — Le Portail des Factures" }];

const GENERIC_ERROR = "Adresse mail ou mot de passe incorrect. Vérifiez votre saisie, ou utilisez « Oublié ? » pour choisir un nouveau mot de passe.";

export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await requireAnonymous(request);
  const { data: dataPort } = await getBackend();
  const info = await dataPort.portalPublicInfo();
  return data({ portalName: info.portalName }, { headers: accounts.headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await accountsFor(request);
  const form = Object.fromEntries(await readForm(request));
  const redirectTo = safeRedirectPath(form.redirectTo);
  const parsed = LoginSchema.safeParse(form);
  const email = typeof form.email === "string" ? form.email.slice(0, 254) : "";
  if (!parsed.success) {
    // Not a login attempt: like the page itself, a signed-in resident goes to the home page.
    if (await accounts.getUser()) throw redirect("/accueil", { headers: accounts.headers });
    return data(
      { fieldErrors: fieldErrors(parsed.error.issues, ["email", "password"] as const), formError: null, email },
      { status: 400, headers: accounts.headers },
    );
  }
  // A login attempt replaces the session the browser had (ended on the server first, whatever follows).
  await endSessionBeforeLogin(accounts);
  const outcome = await signInWithThrottle(accounts, {
    email: parsed.data.email,
    password: parsed.data.password,
    remember: parsed.data.remember,
    client: clientKey(request),
  });
  // Back to the page asked for; a PDF (resource route) needs a document navigation with JavaScript.
  if (outcome.ok) throw (isResourcePath(redirectTo) ? redirectDocument : redirect)(redirectTo, { headers: accounts.headers });
  const formError =
    outcome.reason === "throttled"
      ? `Trop de tentatives de connexion. Par sécurité, réessayez à partir de ${formatRetryTime(outcome.retryAt)}. Si vous avez oublié votre mot de passe, utilisez « Oublié ? ».`
      : GENERIC_ERROR;
  return data({ fieldErrors: {}, formError, email }, { status: outcome.reason === "throttled" ? 429 : 401, headers: accounts.headers });
}

export default function Connexion() {
  const { portalName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = safeRedirectPath(searchParams.get("redirectTo"));
  const errors: { email?: string; password?: string } = result?.fieldErrors ?? {};
  return (
    <AuthCard portalName={portalName} subtitle="Veuillez vous connecter">
      {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField
          id="email"
          label="Adresse mail"
          type="email"
          autoComplete="username"
          inputMode="email"
          required
          defaultValue={result?.email}
          error={errors.email}
        />
        <TextField id="password" label="Mot de passe" type="password" autoComplete="current-password" required error={errors.password} />
        <div className="flex items-center justify-between gap-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" name="remember" defaultChecked className="h-4 w-4" />
            Se souvenir de moi
          </label>
          <Link to="/mot-de-passe-oublie" className="font-semibold text-brand-700 underline">
            Oublié ?
          </Link>
        </div>
        <PrimaryButton>Connexion</PrimaryButton>
      </Form>
      <p className="mt-6 text-center">
        <Link to="/activation" className="font-semibold text-brand-700 underline">
          J&apos;active mon compte
        </Link>
      </p>
      <p className="mt-3 text-center text-sm">
        Vous ne pouvez pas vous connecter ?{" "}
        <Link to="/nous-contacter" className="font-semibold text-brand-700 underline">
          Contacter le service
        </Link>
      </p>
    </AuthCard>
  );
}
