import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, Link, useActionData, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { accountsFor, clientKey, formatRetryTime } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { PublicContactSchema } from "~/.server/contact-form";
import { readForm } from "~/.server/form";
import { kickOutbox } from "~/.server/outbox";
import { fieldErrors, Notice, PrimaryButton, SecondaryButton, TextAreaField, TextField } from "~/components/form";
import { GeneralInfo } from "~/components/general-info";
import { CUSTOMER_NUMBER_MAX, MESSAGE_MAX, MESSAGE_RULE, NAME_MAX, SUBJECT_MAX } from "~/utils/contact-limits";

export const meta: MetaFunction = () => [{ title: "Contacter le service — Le Portail des Factures" }];

/**
 * `/nous-contacter`: for visitors who cannot log in (unknown address, no account yet…). Spam
 * protection: a honeypot field (`site_web`, hidden from people, filled by bots: such posts get the
 * same confirmation and are dropped) and throttling per e-mail and per client address (in SQL,
 * public.send_public_contact_message). A signed-in resident is sent to /contact instead.
 */
export const HONEYPOT = "site_web";

async function requireVisitor(request: Request) {
  const accounts = await accountsFor(request);
  if (await accounts.getUser()) throw redirect("/contact", { headers: accounts.headers });
  return accounts;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await requireVisitor(request);
  const backend = await getBackend();
  const [info, services] = await Promise.all([backend.data.portalPublicInfo(), backend.data.publicContactServices()]);
  return data({ portalName: info.portalName, services }, { headers: accounts.headers });
}

const FIELDS = ["serviceId", "email", "name", "customerNumber", "subject", "body"] as const;

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await requireVisitor(request);
  const form = Object.fromEntries(await readForm(request, { freeText: ["name", "customerNumber", "subject", "body"] }));
  if (form.intent === "effacer") throw redirect("/nous-contacter", { headers: accounts.headers });

  const backend = await getBackend();
  const services = await backend.data.publicContactServices();
  const input = { ...form, serviceId: services.length === 1 ? services[0]!.serviceId : form.serviceId };
  const text = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
  const values = {
    serviceId: text(input.serviceId, 100),
    email: text(form.email, 254),
    name: text(form.name, NAME_MAX * 2),
    customerNumber: text(form.customerNumber, CUSTOMER_NUMBER_MAX * 2),
    subject: text(form.subject, SUBJECT_MAX * 2),
    body: text(form.body, MESSAGE_MAX * 2),
  };
  // A bot filled the hidden field: same answer as a success, nothing stored or sent.
  if (typeof form[HONEYPOT] === "string" && form[HONEYPOT].trim() !== "") {
    throw redirect("/nous-contacter?envoye=1", { headers: accounts.headers });
  }
  const parsed = PublicContactSchema.safeParse(input);
  if (!parsed.success) {
    return data({ errors: fieldErrors(parsed.error.issues, FIELDS), formError: null, values }, { status: 400, headers: accounts.headers });
  }
  if (!services.some((s) => s.serviceId === parsed.data.serviceId)) {
    return data({ errors: { serviceId: "Choisissez le service auquel vous écrivez." }, formError: null, values }, { status: 400, headers: accounts.headers });
  }
  let outcome;
  try {
    outcome = await backend.data.sendPublicContactMessage({ ...parsed.data, client: clientKey(request) });
  } catch (error) {
    console.error("public contact message failed", error);
    return data(
      { errors: {}, formError: "Votre message n'a pas pu être envoyé. Réessayez dans quelques minutes, ou utilisez les moyens de contact indiqués ci-dessous.", values },
      { status: 503, headers: accounts.headers },
    );
  }
  if (outcome.status === "throttled") {
    return data(
      {
        errors: {},
        formError: `Vous avez déjà envoyé plusieurs messages. Pour éviter les abus, réessayez à partir de ${formatRetryTime(outcome.retryAt)}, ou utilisez les moyens de contact indiqués ci-dessous.`,
        values,
      },
      { status: 429, headers: accounts.headers },
    );
  }
  void kickOutbox(backend);
  throw redirect("/nous-contacter?envoye=1", { headers: accounts.headers });
}

export default function NousContacter() {
  const { portalName, services } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const location = useLocation();
  const errors: Partial<Record<(typeof FIELDS)[number], string>> = result?.errors ?? {};
  const values = result?.values;
  return (
    <main className="min-h-screen bg-brand-900 px-4 py-10">
      <div className="mx-auto w-full max-w-2xl rounded-lg bg-white p-6 shadow-lg sm:p-8">
        <p className="text-center text-xl font-bold tracking-wide text-brand-800" aria-hidden="true">
          {portalName.toLocaleUpperCase("fr-FR")}
        </p>
        <h1 className="mt-2 text-center text-lg text-stone-800">
          <span className="sr-only">{portalName} — </span>
          Contacter le service
        </h1>
        <p className="mt-4 text-sm text-stone-700">
          Vous ne pouvez pas vous connecter (adresse inconnue, compte pas encore activé…) ? Écrivez au service qui vous envoie vos
          factures : il vous répondra à l&apos;adresse mail que vous indiquez.
        </p>
        {params.get("envoye") && !result ? (
          <Notice tone="success">Votre message a bien été envoyé au service. Il vous répondra à l&apos;adresse mail indiquée.</Notice>
        ) : null}
        {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
        {services.length === 0 ? (
          <p className="mt-6">Aucun service n&apos;accepte encore de message par ce portail.</p>
        ) : (
          <Form method="post" className="mt-6 flex flex-col gap-4" noValidate key={location.key}>
            {services.length > 1 ? (
              <div className="flex flex-col gap-1">
                <label htmlFor="serviceId" className="font-medium">
                  Service
                </label>
                <select
                  id="serviceId"
                  name="serviceId"
                  defaultValue={values?.serviceId ?? ""}
                  aria-invalid={errors.serviceId ? true : undefined}
                  aria-describedby={errors.serviceId ? "serviceId-error" : undefined}
                  className="rounded border border-stone-500 px-3 py-2"
                >
                  <option value="">Choisissez le service</option>
                  {services.map((s) => (
                    <option key={s.serviceId} value={s.serviceId}>
                      {s.serviceName}
                    </option>
                  ))}
                </select>
                {errors.serviceId ? (
                  <p id="serviceId-error" className="text-sm font-medium text-brand-700">
                    {errors.serviceId}
                  </p>
                ) : null}
              </div>
            ) : null}
            <TextField
              id="email"
              label="Votre adresse mail"
              type="email"
              autoComplete="email"
              inputMode="email"
              required
              defaultValue={values?.email}
              error={errors.email}
            />
            <TextField id="name" label="Nom et prénom (facultatif)" autoComplete="name" maxLength={NAME_MAX} defaultValue={values?.name} error={errors.name} />
            <TextField
              id="customerNumber"
              label="Numéro d'abonné (facultatif)"
              hint="Il figure sur vos factures."
              maxLength={CUSTOMER_NUMBER_MAX}
              defaultValue={values?.customerNumber}
              error={errors.customerNumber}
            />
            {/* Honeypot: out of sight and out of the accessibility tree; people leave it empty. */}
            <div aria-hidden="true" className="absolute -left-[10000px] h-px w-px overflow-hidden">
              <label htmlFor={HONEYPOT}>Ne pas remplir ce champ</label>
              <input id={HONEYPOT} name={HONEYPOT} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
            </div>
            <TextField id="subject" label="Objet (facultatif)" maxLength={SUBJECT_MAX} defaultValue={values?.subject} error={errors.subject} />
            <TextAreaField id="body" label="Message" required hint={MESSAGE_RULE} maxLength={MESSAGE_MAX} defaultValue={values?.body} error={errors.body} />
            <div className="flex flex-wrap gap-3">
              <PrimaryButton name="intent" value="envoyer">
                Envoyer
              </PrimaryButton>
              <SecondaryButton name="intent" value="effacer" formNoValidate>
                Effacer
              </SecondaryButton>
            </div>
          </Form>
        )}
        <div className="mt-6">
          <GeneralInfo services={services} />
        </div>
        <p className="mt-6 text-center">
          <Link to="/connexion" className="font-semibold text-brand-700 underline">
            Retour à la connexion
          </Link>
        </p>
      </div>
    </main>
  );
}
