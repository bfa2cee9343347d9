import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/accounts";
import { env } from "~/.server/env";
import { declareForm, parseSubmission } from "~/.server/form";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { SubmitOrCancel } from "~/components/espace-links";
import { Notice, TextField, useForm } from "~/components/form";
import { newPasswordSchema, passwordRuleText } from "~/utils/password-policy";

export const meta: MetaFunction = () => [{ title: "Changer le mot de passe — Le Portail des Factures" }];

/** The current password, and the new one under the configured policy (PASSWORD_MIN_LENGTH); neither is echoed back. */
const passwordChangeForm = () =>
  declareForm(
    z.object({
      currentPassword: z
        .string({ error: "Saisissez votre mot de passe actuel." })
        .min(1, "Saisissez votre mot de passe actuel.")
        .max(200, "Ce n'est pas votre mot de passe actuel : il est trop long. Vérifiez votre saisie."),
      newPassword: newPasswordSchema(env().PASSWORD_MIN_LENGTH),
    }),
    { secret: ["currentPassword", "newPassword"] },
  );

const WRONG_CURRENT_PASSWORD =
  "Ce n'est pas votre mot de passe actuel. Vérifiez votre saisie ; en cas d'oubli, déconnectez-vous et utilisez « Oublié ? ».";

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, info } = await requireResident(request, { info: true });
  const { frame } = await info.framePage();
  // Sent here from /nouveau-mot-de-passe by a session that may not set a password without the
  // current one (its link is older than a few minutes, or already used, or it is a login).
  const fromLink = new URL(request.url).searchParams.get("lien") === "expire";
  const rule = passwordRuleText(env().PASSWORD_MIN_LENGTH);
  return data({ frame, email: user.email, rule, fromLink, constraints: passwordChangeForm().constraints }, withSession(accounts));
}

export async function action({ request }: ActionFunctionArgs) {
  const { accounts } = await requireUser(request);
  const submission = await parseSubmission(request, passwordChangeForm());
  if (!submission.success) return data(submission.reply(), withSession(accounts, 400));
  const outcome = await accounts.changePassword(submission.value.currentPassword, submission.value.newPassword);
  if (outcome === "wrong_current_password") {
    return data(submission.reply({ errors: { currentPassword: WRONG_CURRENT_PASSWORD } }), withSession(accounts, 400));
  }
  throw redirect("/mes-informations?changement=mot-de-passe", withSession(accounts));
}

export default function ChangerMotDePasse() {
  const { email, rule, fromLink, constraints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { form, field } = useForm(constraints, result);
  return (
    <section aria-labelledby="titre" className="max-w-lg">
      <h1 id="titre" className="text-2xl font-bold">
        Changer le mot de passe
      </h1>
      {fromLink ? (
        <Notice tone="info">
          <p>
            Sans votre mot de passe actuel, un nouveau mot de passe ne peut être choisi que dans les 15 minutes qui suivent le lien reçu
            par mail, une seule fois. Si vous ne connaissez plus votre mot de passe actuel, déconnectez-vous et demandez un nouveau lien
            avec « Oublié ? » sur la page de connexion.
          </p>
        </Notice>
      ) : null}
      <Form method="post" className="mt-6 flex flex-col gap-4" {...form}>
        <input type="hidden" name="username" value={email} autoComplete="username" />
        <TextField {...field("currentPassword")} label="Mot de passe actuel" type="password" autoComplete="current-password" />
        <TextField {...field("newPassword")} label="Nouveau mot de passe" type="password" autoComplete="new-password" hint={rule} />
        <div className="flex flex-wrap gap-3">
          <SubmitOrCancel>Enregistrer</SubmitOrCancel>
        </div>
      </Form>
    </section>
  );
}
