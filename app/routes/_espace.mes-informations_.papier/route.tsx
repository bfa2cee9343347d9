import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { declareForm, parseSubmission } from "~/.server/form";
import { getBackend } from "~/.server/backend";
import { kickOutbox } from "~/.server/outbox";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { LinkLine, SubmitOrCancel } from "~/components/espace-links";
import { Notice } from "~/components/form";

export const meta: MetaFunction = () => [{ title: "Confirmation — Ne pas recevoir les factures au format papier — Le Portail des Factures" }];

/**
 * `/mes-informations/papier`: the "Confirmation" step of the paper opt-out, a real page so it
 * works without JavaScript. "Confirmer" posts; "Annuler" goes back without recording anything.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, info } = await requireResident(request, { info: true });
  const { frame, paper } = await info.infoPage();
  const pending = paper.filter((s) => s.paperInvoices && !s.requestedAt).map((s) => s.customerNumber);
  return data({ frame, pending }, withSession(accounts));
}

/** « Confirmer » is the only answer that records anything; any other post goes back without a word. */
const ConfirmForm = declareForm(z.object({ intent: z.literal("confirmer") }));

const UNAVAILABLE =
  "Votre demande n'a pas pu être enregistrée. Réessayez dans quelques minutes ; si le problème continue, contactez le service (voir « Contact »).";

export async function action({ request }: ActionFunctionArgs) {
  const { accounts, info } = await requireResident(request, { info: true });
  const submission = await parseSubmission(request, ConfirmForm);
  if (!submission.success) throw redirect("/mes-informations", withSession(accounts));
  try {
    const requested = await info.requestPaperOptout();
    if (requested.length > 0) void kickOutbox(getBackend());
    throw redirect(`/mes-informations?papier=${requested.length > 0 ? "demande" : "deja-demande"}`, withSession(accounts));
  } catch (thrown) {
    if (thrown instanceof Response) throw thrown;
    console.error("paper opt-out request failed", thrown);
    return data(submission.reply({ formError: UNAVAILABLE }), withSession(accounts, 503));
  }
}

export default function ConfirmationPapier() {
  const { pending } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section aria-labelledby="titre" className="max-w-xl">
      <h1 id="titre" className="text-2xl font-bold">
        Confirmation
      </h1>
      {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
      {pending.length === 0 ? (
        <>
          <p className="mt-4">
            Vous ne recevez plus les factures au format papier, ou vous avez déjà demandé à ne plus les recevoir : il n&apos;y a rien
            à confirmer.
          </p>
          <LinkLine to="/mes-informations" className="mt-6">
            Retour à Mes informations
          </LinkLine>
        </>
      ) : (
        <>
          <p className="mt-4">Vous avez demandé à ne plus recevoir les factures au format papier.</p>
          <p className="mt-2">Si vous confirmez, un message électronique sera automatiquement envoyé au service concerné.</p>
          <p className="mt-2 text-sm text-stone-700">
            {pending.length > 1 ? "Abonnés concernés" : "Abonné concerné"} : n° {pending.join(", n° ")}
          </p>
          <Form method="post" className="mt-6 flex flex-wrap items-center gap-3">
            <SubmitOrCancel name="intent" value="confirmer">
              Confirmer
            </SubmitOrCancel>
          </Form>
        </>
      )}
    </section>
  );
}
