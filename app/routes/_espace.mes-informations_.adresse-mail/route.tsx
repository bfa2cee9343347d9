import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/accounts";
import { readForm } from "~/.server/form";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { SubmitOrCancel } from "~/components/espace-links";
import { fieldErrors, Notice, TextField } from "~/components/form";
import { LINK_VALIDITY_TEXT } from "~/utils/auth-links";
import { emailField } from "~/utils/email-schema";

export const meta: MetaFunction = () => [{ title: "Changer l'adresse mail — Le Portail des Factures" }];

const EmailChangeSchema = z.object({ email: emailField });

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, info } = await requireResident(request, { info: true });
  const { frame } = await info.framePage();
  return data({ frame, currentEmail: user.email }, withSession(accounts));
}

export async function action({ request }: ActionFunctionArgs) {
  const { accounts } = await requireUser(request);
  const form = Object.fromEntries(await readForm(request));
  const parsed = EmailChangeSchema.safeParse(form);
  const typed = typeof form.email === "string" ? form.email.slice(0, 254) : "";
  if (!parsed.success) {
    return data({ outcome: null, errors: fieldErrors(parsed.error.issues, ["email"] as const), email: typed }, withSession(accounts, 400));
  }
  const outcome = await accounts.requestEmailChange(parsed.data.email);
  const errors: { email?: string } =
    outcome === "email_taken"
      ? { email: "Cette adresse mail est déjà celle d'un autre compte du portail. Choisissez une autre adresse." }
      : outcome === "same_email"
        ? { email: "C'est déjà votre adresse mail de connexion. Saisissez la nouvelle adresse." }
        : {};
  return data({ outcome, errors, email: parsed.data.email }, withSession(accounts, outcome === "sent" ? 200 : 400));
}

export default function ChangerAdresseMail() {
  const { currentEmail } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: { email?: string } = result?.errors ?? {};
  return (
    <section aria-labelledby="titre" className="max-w-lg">
      <h1 id="titre" className="text-2xl font-bold">
        Changer l&apos;adresse mail
      </h1>
      <p className="mt-2">
        Adresse actuelle : <strong>{currentEmail}</strong>
      </p>
      {result?.outcome === "sent" ? (
        <Notice tone="success">
          Un message de confirmation a été envoyé à {result.email}. Cliquez sur le lien qu&apos;il contient : votre adresse ne changera
          qu&apos;à ce moment-là. {LINK_VALIDITY_TEXT}
        </Notice>
      ) : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" noValidate>
        <TextField id="email" label="Nouvelle adresse mail" type="email" autoComplete="email" inputMode="email" required defaultValue={result?.email} error={errors.email} />
        <div className="flex flex-wrap gap-3">
          <SubmitOrCancel>Envoyer le lien de confirmation</SubmitOrCancel>
        </div>
      </Form>
    </section>
  );
}
