import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { accountsFor } from "~/.server/accounts";
import { publicPage } from "~/.server/public-page";
import { AuthCard } from "~/components/auth-card";
import { TextLink } from "~/components/ui";
import { LINK_VALIDITY_TEXT } from "~/utils/auth-links";
import { INVOICE_TABS, TREASURY_EXPLANATION } from "~/utils/invoices";

export const meta: MetaFunction = () => [{ title: "Aide — Le Portail des Factures" }];

/**
 * `/aide`: the questions residents ask, each a heading and its answer, in the words of the pages
 * they describe (labels and messages of app/routes/, app/utils/invoices.ts,
 * app/utils/auth-links.ts). Open to everyone; `signedIn` points the contact links the right way.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await accountsFor(request);
  return publicPage(accounts, { signedIn: (await accounts.getUser()) !== null });
}

const [UNPAID, PAID, TREASURY] = INVOICE_TABS;

function Question({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-8">
      <h2 id={id} className="text-lg font-semibold text-stone-900">
        {title}
      </h2>
      <div className="mt-2 flex flex-col gap-2">{children}</div>
    </section>
  );
}

export default function Aide() {
  const { portalName, signedIn } = useLoaderData<typeof loader>();
  const contact = <TextLink to={signedIn ? "/contact" : "/nous-contacter"}>Contacter le service</TextLink>;
  return (
    <AuthCard portalName={portalName} subtitle="Aide" wide>
      <p className="mt-4">Les réponses aux questions les plus fréquentes sur le portail.</p>

      <Question id="activation" title="Je n'arrive pas à activer mon compte : mon adresse mail est inconnue">
        <p>
          Sur la page <TextLink to="/activation">J&apos;active mon compte</TextLink>, saisissez l&apos;adresse mail que votre service de
          facturation connaît : vous recevrez un lien pour choisir votre mot de passe. {LINK_VALIDITY_TEXT}
        </p>
        <p>
          Si le portail répond « Activation impossible, adresse inconnue », le service ne connaît pas encore cette adresse. Écrivez-lui
          depuis la page {contact} (ses coordonnées y figurent aussi) en lui transmettant votre adresse mail, puis recommencez
          l&apos;activation.
        </p>
        <p>
          Si le portail répond qu&apos;il existe déjà un compte actif avec cette adresse mail, connectez-vous, ou utilisez la procédure de
          mot de passe oublié (ci-dessous).
        </p>
      </Question>

      <Question id="onglets" title="Que contiennent les trois onglets de « Mes factures » ?">
        <ul className="flex list-disc flex-col gap-2 pl-6">
          <li>
            <strong>{UNPAID.label}</strong> : les factures à régler. Ouvrez une facture pour la payer en ligne avec « Payer la
            facture » ; quand le paiement en ligne n&apos;est pas possible, le portail indique pourquoi.
          </li>
          <li>
            <strong>{PAID.label}</strong> : les factures déjà réglées, que vous pouvez toujours consulter.
          </li>
          <li>
            <strong>{TREASURY.label}</strong> : {TREASURY_EXPLANATION} Réglez-les donc auprès du Trésor public, comme l&apos;indique cet
            avis, et non sur le portail.
          </li>
        </ul>
      </Question>

      <Question id="plusieurs-factures" title="Puis-je régler plusieurs factures en une seule fois ?">
        <p>
          Oui, si le service qui vous les envoie le permet. Sur une facture non réglée, « Payer la facture » ouvre la page « Sélection
          des factures pour le règlement » : cochez les factures à régler, puis cliquez sur « Payer la facture ».
        </p>
        <p>
          Pour chaque service, la page indique « Vous pouvez régler plusieurs factures de ce service en une seule fois » ou « Ce service
          ne permet de régler qu&apos;une facture à la fois » : dans ce cas, réglez vos factures l&apos;une après l&apos;autre. Un même
          paiement ne regroupe que des factures d&apos;un même service.
        </p>
      </Question>

      <Question id="papier" title="Comment ne plus recevoir les factures papier ?">
        <p>
          Dans « Mes informations », choisissez « Ne pas recevoir les factures au format papier », puis « Confirmer ». Un message
          électronique est automatiquement envoyé au service concerné pour qu&apos;il arrête l&apos;envoi des factures au format papier ;
          « Mes informations » indique ensuite la date de votre demande.
        </p>
      </Question>

      <Question id="mot-de-passe-oublie" title="J'ai oublié mon mot de passe">
        <p>
          Sur la page de connexion, cliquez sur « Oublié ? » (page <TextLink to="/mot-de-passe-oublie">Mot de passe oublié</TextLink>) et
          saisissez l&apos;adresse mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe. {LINK_VALIDITY_TEXT}{" "}
          Pensez à regarder dans vos courriers indésirables.
        </p>
      </Question>

      <Question id="adresse-mail" title="Comment changer mon adresse mail ?">
        <p>
          Dans « Mes informations », choisissez « Changer l&apos;adresse mail » et saisissez la nouvelle adresse. Un message de
          confirmation lui est envoyé : votre adresse ne change qu&apos;au moment où vous cliquez sur le lien qu&apos;il contient.{" "}
          {LINK_VALIDITY_TEXT} C&apos;est ensuite cette nouvelle adresse qui vous sert à vous connecter.
        </p>
      </Question>

      <Question id="mot-de-passe" title="Comment changer mon mot de passe ?">
        <p>
          Dans « Mes informations », choisissez « Changer le mot de passe ». Une fois le mot de passe changé, vos autres sessions ouvertes
          sont fermées.
        </p>
      </Question>

      <Question id="mes-donnees" title="Comment obtenir mes données ou fermer mon compte ?">
        <p>
          Dans « Mes informations », « Télécharger mes données » vous donne un fichier de ce que le portail conserve sur vous, et
          « Fermer mon compte » supprime votre compte après votre mot de passe : vos factures restent suivies par le service, et vous
          pourrez activer un compte à nouveau.
        </p>
      </Question>

      <Question id="contact" title="Comment joindre le service qui m'envoie mes factures ?">
        <p>Par la page {contact} : écrivez votre message, le service vous répondra à votre adresse mail.</p>
      </Question>

      <p className="mt-8 text-center">
        {signedIn ? <TextLink to="/accueil">Retour à l&apos;accueil</TextLink> : <TextLink to="/connexion">Retour à la connexion</TextLink>}
      </p>
    </AuthCard>
  );
}
