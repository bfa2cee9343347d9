import type { ActionFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getBackend } from "~/.server/backend";
import { LoginSchema } from "./schema";

export const meta: MetaFunction = () => [{ title: "Connexion — Le Portail des Factures" }];

export async function loader() {
  const { data } = await getBackend();
  const info = await data.portalPublicInfo();
  return { portalName: info.portalName };
}

type ActionResult = { fieldErrors?: Partial<Record<"email" | "password", string>>; formError?: string; email?: string };

export async function action({ request }: ActionFunctionArgs): Promise<ActionResult> {
  const form = Object.fromEntries(await request.formData());
  const parsed = LoginSchema.safeParse(form);
  if (!parsed.success) {
    const fieldErrors: ActionResult["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if ((field === "email" || field === "password") && !fieldErrors[field]) fieldErrors[field] = issue.message;
    }
    return { fieldErrors, email: typeof form.email === "string" ? form.email : undefined };
  }
  // Accounts (issue 3) are not built yet: say so plainly instead of pretending.
  return {
    formError: "La connexion n'est pas encore ouverte sur ce portail. Revenez prochainement.",
    email: parsed.data.email,
  };
}

export default function Connexion() {
  const { portalName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const emailError = result?.fieldErrors?.email;
  const passwordError = result?.fieldErrors?.password;
  return (
    <main className="flex min-h-screen items-center justify-center bg-brand-900 px-4 py-10">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-lg sm:p-8">
        <h1 className="text-center text-xl font-bold tracking-wide text-brand-800">
          {portalName.toLocaleUpperCase("fr-FR")}
        </h1>
        <p className="mt-2 text-center text-stone-700">Veuillez vous connecter</p>

        {result?.formError ? (
          <p role="alert" className="mt-4 rounded border border-brand-600 bg-brand-50 p-3 text-sm text-brand-800">
            {result.formError}
          </p>
        ) : null}

        <Form method="post" className="mt-6 flex flex-col gap-4" noValidate>
          <div className="flex flex-col gap-1">
            <label htmlFor="email" className="font-medium">
              Adresse mail
            </label>
            <input
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              inputMode="email"
              required
              defaultValue={result?.email}
              aria-invalid={emailError ? true : undefined}
              aria-describedby={emailError ? "email-error" : undefined}
              className="rounded border border-stone-400 px-3 py-2"
            />
            {emailError ? (
              <p id="email-error" className="text-sm text-brand-700">
                {emailError}
              </p>
            ) : null}
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="password" className="font-medium">
              Mot de passe
            </label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={passwordError ? true : undefined}
              aria-describedby={passwordError ? "password-error" : undefined}
              className="rounded border border-stone-400 px-3 py-2"
            />
            {passwordError ? (
              <p id="password-error" className="text-sm text-brand-700">
                {passwordError}
              </p>
            ) : null}
          </div>
          <div className="flex items-center justify-between gap-2 text-sm">
            <label className="flex items-center gap-2">
              <input type="checkbox" name="remember" defaultChecked className="h-4 w-4" />
              Se souvenir de moi
            </label>
            <Link to="/mot-de-passe-oublie" className="font-semibold text-brand-700 underline">
              Oublié ?
            </Link>
          </div>
          <button type="submit" className="rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
            Connexion
          </button>
        </Form>
        <p className="mt-6 text-center">
          <Link to="/activation" className="font-semibold text-brand-700 underline">
            J&apos;active mon compte
          </Link>
        </p>
      </div>
    </main>
  );
}
