import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { redirect } from "@remix-run/server-runtime";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { accountsFor, clientKey, retryFrom } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { contactAction, PublicContactForm } from "~/.server/contact-form";
import { publicPage } from "~/.server/public-page";
import { withSession } from "~/.server/session-response";
import { AuthCard } from "~/components/auth-card";
import { ContactForm } from "~/components/contact-form";
import { Notice } from "~/components/form";
import { GeneralInfo } from "~/components/general-info";
import { TextLink } from "~/components/ui";

export { HONEYPOT } from "~/utils/honeypot";

export const meta: MetaFunction = () => [{ title: "Contacter le service — Le Portail des Factures" }];

/**
 * `/nous-contacter`: for visitors who cannot log in (unknown address, no account yet…). Spam
 * protection: a honeypot field (app/utils/honeypot.ts: hidden from people, filled by bots: such
 * posts get the same confirmation and are dropped) and throttling per e-mail and per client
 * address (in SQL, public.send_public_contact_message). A signed-in resident is sent to /contact
 * instead.
 */
async function requireVisitor(request: Request) {
  const accounts = await accountsFor(request);
  if (await accounts.getUser()) throw redirect("/contact", withSession(accounts));
  return accounts;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await requireVisitor(request);
  return publicPage(accounts, async (backend) => ({ services: await backend.data.publicContactServices(), constraints: PublicContactForm.constraints }));
}

export async function action({ request }: ActionFunctionArgs) {
  const accounts = await requireVisitor(request);
  const backend = await getBackend();
  return contactAction(request, accounts, {
    form: PublicContactForm,
    path: "/nous-contacter",
    services: () => backend.data.publicContactServices(),
    honeypot: true,
    send: async (value) => {
      const outcome = await backend.data.sendPublicContactMessage({ ...value, client: clientKey(request) });
      return outcome.status === "throttled" ? { throttledUntil: outcome.retryAt } : null;
    },
    throttled: (retryAt) =>
      `Vous avez déjà envoyé plusieurs messages. Pour éviter les abus, réessayez ${retryFrom(retryAt)}, ou utilisez les moyens de contact indiqués ci-dessous.`,
    unavailable: "Votre message n'a pas pu être envoyé. Réessayez dans quelques minutes, ou utilisez les moyens de contact indiqués ci-dessous.",
  });
}

export default function NousContacter() {
  const { portalName, services, constraints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <AuthCard portalName={portalName} subtitle="Contacter le service" wide>
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
        <ContactForm visitor services={services} constraints={constraints} reply={result} />
      )}
      <div className="mt-6">
        <GeneralInfo services={services} />
      </div>
      <p className="mt-6 text-center">
        <TextLink to="/connexion">Retour à la connexion</TextLink>
      </p>
    </AuthCard>
  );
}
