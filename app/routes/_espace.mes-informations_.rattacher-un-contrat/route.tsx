import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getBackend } from "~/.server/backend";
import { ContractLinkForm, refusalOf } from "~/.server/contract-link-form";
import { parseSubmission } from "~/.server/form";
import { kickOutbox } from "~/.server/outbox";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { LinkLine } from "~/components/espace-links";
import { Notice, PrimaryButton, SelectField, TextField, useForm } from "~/components/form";
import { TextLink } from "~/components/ui";

export const meta: MetaFunction = () => [{ title: "Rattacher un contrat — Le Portail des Factures" }];

const PATH = "/mes-informations/rattacher-un-contrat";

/**
 * `/mes-informations/rattacher-un-contrat`: « Rattacher un contrat ». The resident proves they
 * hold a contract (customer record) whose e-mail is not their account's with the number and the
 * exact amount of one of its invoices; SQL decides, throttles and writes the e-mail to the
 * contract's address (public.link_contract; docs/decisions/0040-contract-links.md).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, contractLink } = await requireResident(request, { contractLink: true });
  const { frame, services } = await contractLink.contractLinkPage();
  return data({ frame, services, constraints: ContractLinkForm.constraints }, withSession(accounts));
}

const UNAVAILABLE =
  "Le rattachement n'a pas pu être enregistré. Réessayez dans quelques minutes ; si le problème continue, contactez le service (voir « Contact »).";

export async function action({ request }: ActionFunctionArgs) {
  const { accounts, contractLink } = await requireResident(request, { contractLink: true });
  const submission = await parseSubmission(request, ContractLinkForm);
  if (!submission.success) return data(submission.reply(), withSession(accounts, 400));
  const { serviceId, customerNumber, invoiceNumber, amount } = submission.value;
  let result;
  try {
    result = await contractLink.linkContract({ serviceId, customerNumber, invoiceNumber, amountCents: amount });
  } catch (error) {
    if (error instanceof Response) throw error;
    console.error("contract link failed", error);
    return data(submission.reply({ formError: UNAVAILABLE }), withSession(accounts, 503));
  }
  if (result.outcome === "linked") {
    void kickOutbox(getBackend());
    // The query says only that it worked, never which contract: a link crafted by someone else could
    // otherwise make the page claim any number.
    throw redirect(`${PATH}?rattache=1`, withSession(accounts));
  }
  const { message, status } = refusalOf(result);
  return data(submission.reply({ formError: message }), withSession(accounts, status));
}

export default function RattacherUnContrat() {
  const { services, constraints } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { form, field } = useForm(constraints, reply);
  const [params] = useSearchParams();
  const linked = !reply && params.get("rattache") === "1";
  return (
    <section aria-labelledby="titre" className="max-w-xl">
      <h1 id="titre" className="text-2xl font-bold">
        Rattacher un contrat
      </h1>
      {linked ? (
        <Notice tone="success">
          Le contrat est rattaché à votre compte : ses factures sont dans{" "}
          <TextLink to="/factures" inNotice>
            Mes factures
          </TextLink>
          .
        </Notice>
      ) : null}
      {reply?.formError ? <Notice tone="error">{reply.formError}</Notice> : null}
      <p className="mt-4">
        Vos factures d&apos;un contrat enregistré avec une autre adresse mail que celle de votre compte (un logement, un autre
        service) peuvent apparaître dans votre espace. Recopiez les informations d&apos;une facture de ce contrat, papier ou
        électronique, de n&apos;importe quelle date.
      </p>
      <p className="mt-2 text-sm text-stone-700">
        Si le contrat a une adresse mail, un message l&apos;informera de ce rattachement. Après 5 essais sans succès, le
        rattachement est bloqué pendant une heure.
      </p>
      <Form method="post" {...form} className="mt-6 flex flex-col gap-4">
        <SelectField {...field("serviceId")} label="Service" hint="Le service qui vous envoie les factures de ce contrat.">
          <option value="">Choisissez le service</option>
          {services.map((s) => (
            <option key={s.serviceId} value={s.serviceId}>
              {s.serviceName}
            </option>
          ))}
        </SelectField>
        <TextField {...field("customerNumber")} label="Numéro client" hint="Il figure sur la facture (par exemple SISTEC560)." autoComplete="off" />
        <TextField {...field("invoiceNumber")} label="Numéro d'une facture de ce contrat" hint="Par exemple 2017-020-002059." autoComplete="off" />
        <TextField {...field("amount")} label="Montant de cette facture" hint="En euros, tel qu'il figure sur la facture, par exemple 43,27." inputMode="decimal" autoComplete="off" />
        <div>
          <PrimaryButton type="submit">Rattacher le contrat</PrimaryButton>
        </div>
      </Form>
      <LinkLine to="/mes-informations" className="mt-6">
        Retour à Mes informations
      </LinkLine>
    </section>
  );
}
