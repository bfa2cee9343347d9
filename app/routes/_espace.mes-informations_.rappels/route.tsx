import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { declareForm, parseSubmission } from "~/.server/form";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { LinkLine } from "~/components/espace-links";
import { Notice, PrimaryButton, useForm } from "~/components/form";

export const meta: MetaFunction = () => [{ title: "Me prévenir par e-mail — Le Portail des Factures" }];

/**
 * `/mes-informations/rappels`: « Me prévenir par e-mail », the account's two opt-in reminders
 * (both off until the resident ticks one), one form that works without JavaScript. Stored by
 * public.set_reminder_preferences under the live-session check
 * (supabase/migrations/20261205090000_email_reminders.sql, docs/decisions/0039-email-reminders.md).
 */
const ReminderForm = declareForm(
  z.object({
    nouvelles: z.literal("oui", { error: "Choix non reconnu : rechargez la page et recommencez." }).optional(),
    echeance: z.literal("oui", { error: "Choix non reconnu : rechargez la page et recommencez." }).optional(),
  }),
);

const SAVED: Record<string, string> = {
  oui: "Vos choix sont enregistrés : vous recevrez un courriel pour chaque choix coché.",
  non: "Vos choix sont enregistrés : vous ne recevrez plus de courriel de rappel.",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, reminders } = await requireResident(request, { reminders: true });
  const page = await reminders.remindersPage();
  const saved = SAVED[new URL(request.url).searchParams.get("enregistre") ?? ""] ?? null;
  return data({ ...page, saved, constraints: ReminderForm.constraints }, withSession(accounts));
}

const UNAVAILABLE =
  "Vos choix n'ont pas pu être enregistrés. Réessayez dans quelques minutes ; si le problème continue, contactez le service (voir « Contact »).";

export async function action({ request }: ActionFunctionArgs) {
  const { accounts, reminders } = await requireResident(request, { reminders: true });
  const submission = await parseSubmission(request, ReminderForm);
  if (!submission.success) {
    return data(submission.reply({ formError: "Vos choix n'ont pas été compris : rechargez la page et recommencez." }), withSession(accounts, 400));
  }
  try {
    const stored = await reminders.setReminders({ newInvoices: submission.value.nouvelles === "oui", dueSoon: submission.value.echeance === "oui" });
    throw redirect(`/mes-informations/rappels?enregistre=${stored.newInvoices || stored.dueSoon ? "oui" : "non"}`, withSession(accounts));
  } catch (thrown) {
    if (thrown instanceof Response) throw thrown;
    console.error("reminder choices failed", thrown);
    return data(submission.reply({ formError: UNAVAILABLE }), withSession(accounts, 503));
  }
}

export default function Rappels() {
  const { newInvoices, dueSoon, dueDays, saved, constraints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { form } = useForm(constraints, result);
  return (
    <section aria-labelledby="titre" className="max-w-2xl">
      <h1 id="titre" className="text-2xl font-bold">
        Me prévenir par e-mail
      </h1>
      {result?.formError ? <Notice tone="error">{result.formError}</Notice> : saved ? <Notice tone="success">{saved}</Notice> : null}
      <p className="mt-4">
        Le portail peut vous envoyer un courriel à votre adresse de connexion. Chaque courriel contient un lien pour ne plus en recevoir.
      </p>
      <Form method="post" className="mt-6 flex flex-col gap-4" {...form}>
        <fieldset className="flex flex-col gap-3">
          <legend className="mb-2 font-semibold">Me prévenir par e-mail :</legend>
          <label htmlFor="nouvelles" className="flex items-start gap-2">
            <input type="checkbox" id="nouvelles" name="nouvelles" value="oui" defaultChecked={newInvoices} className="mt-1 h-4 w-4 shrink-0" />
            quand une nouvelle facture est disponible
          </label>
          <label htmlFor="echeance" className="flex items-start gap-2">
            <input type="checkbox" id="echeance" name="echeance" value="oui" defaultChecked={dueSoon} className="mt-1 h-4 w-4 shrink-0" />
            {`quelques jours avant la date d'échéance d'une facture à régler (${dueDays} jours avant)`}
          </label>
        </fieldset>
        <div>
          <PrimaryButton type="submit">Enregistrer mes choix</PrimaryButton>
        </div>
      </Form>
      <LinkLine to="/mes-informations" className="mt-6">
        Retour à Mes informations
      </LinkLine>
    </section>
  );
}
