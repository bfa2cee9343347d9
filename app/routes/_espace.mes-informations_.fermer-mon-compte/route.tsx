import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { closureExplanation, closureRefusal, ClosureForm } from "~/.server/account-closure";
import { clientKey, closeAccount } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { parseSubmission } from "~/.server/form";
import { kickOutbox } from "~/.server/outbox";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { SubmitOrCancel } from "~/components/espace-links";
import { Notice, TextField, useForm } from "~/components/form";

export const meta: MetaFunction = () => [{ title: "Fermer mon compte — Le Portail des Factures" }];

/**
 * `/mes-informations/fermer-mon-compte`: what closing the account does, then the current
 * password and an explicit confirmation. Only the form's POST closes anything
 * (docs/decisions/0032-account-closure.md); the texts come from app/.server/account-closure.ts.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, info } = await requireResident(request, { info: true });
  const { frame } = await info.framePage();
  return data({ frame, email: user.email, explanation: closureExplanation(user.email), constraints: ClosureForm.constraints }, withSession(accounts));
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, accounts, info } = await requireResident(request, { info: true });
  const submission = await parseSubmission(request, ClosureForm);
  if (!submission.success) return data(submission.reply(), withSession(accounts, 400));
  // The session must still be live (a session ended elsewhere is sent to /connexion here).
  await info.framePage();
  const outcome = await closeAccount(accounts, user, { password: submission.value.currentPassword, client: clientKey(request) });
  if (outcome.status === "closed") {
    void kickOutbox(getBackend());
    throw redirect("/connexion?compte=ferme", withSession(accounts));
  }
  const refusal = closureRefusal(outcome);
  const reply = refusal.field
    ? submission.reply({ errors: { [refusal.field]: refusal.message } })
    : submission.reply({ formError: refusal.message });
  return data(reply, withSession(accounts, refusal.status));
}

export default function FermerMonCompte() {
  const { email, explanation, constraints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { form, field } = useForm(constraints, result);
  const confirm = field("confirm");
  return (
    <section aria-labelledby="titre" className="max-w-2xl">
      <h1 id="titre" className="text-2xl font-bold">
        Fermer mon compte
      </h1>
      {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
      <p className="mt-4">{explanation.intro}</p>
      <ul className="mt-2 flex list-disc flex-col gap-2 pl-6">
        {explanation.points.map((point) => (
          <li key={point}>{point}</li>
        ))}
      </ul>
      <p className="mt-4 text-sm text-stone-700">{explanation.paymentNote}</p>
      <Form method="post" className="mt-6 flex flex-col gap-4" {...form}>
        <input type="hidden" name="username" value={email} autoComplete="username" />
        <TextField {...field("currentPassword")} label="Mot de passe actuel" type="password" autoComplete="current-password" />
        <div className="flex flex-col gap-1">
          <label htmlFor="confirm" className="flex items-start gap-2 font-medium">
            <input
              type="checkbox"
              id="confirm"
              name="confirm"
              value="on"
              required
              className="mt-1 h-4 w-4 shrink-0"
              aria-invalid={confirm.error ? true : undefined}
              aria-describedby={confirm.error ? "confirm-error" : undefined}
              autoFocus={confirm.autoFocus}
            />
            Je veux fermer définitivement mon compte du portail.
          </label>
          {confirm.error ? (
            <p id="confirm-error" className="text-sm font-medium text-brand-700">
              {confirm.error}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-3">
          <SubmitOrCancel>Fermer définitivement mon compte</SubmitOrCancel>
        </div>
      </Form>
    </section>
  );
}
