import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { useLoaderData } from "@remix-run/react";
import { legalPage } from "~/.server/legal-page";
import { AuthCard } from "~/components/auth-card";
import { Entry, LegalSection, MailEntry, Period, Value } from "~/components/legal-info";
import { TextAnchor, TextLink } from "~/components/ui";

export const meta: MetaFunction = () => [{ title: "Données personnelles — Le Portail des Factures" }];

/**
 * `/donnees-personnelles`: the information the RGPD (art. 13 and 14) owes the residents — who is
 * responsible, why and on what legal basis, which data, who receives them, how long they are
 * kept, their rights — and the cookies the portal sets, read from app/.server/embedded/auth.ts,
 * app/.server/supabase/accounts.ts and app/.server/announcement.ts. Identity and periods come
 * from the deployment's settings (public.legal_info(); docs/staff-settings.md); what a
 * deployment has not filled is shown as missing. Public, signed in or not.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  return legalPage(request);
}

type Info = ReturnType<typeof useLoaderData<typeof loader>>;

export default function DonneesPersonnelles() {
  const info = useLoaderData<typeof loader>();
  return (
    <AuthCard portalName={info.portalName} subtitle="Données personnelles" wide>
      <LegalSection title="Responsable du traitement">
        <dl>
          <Entry label="Responsable du traitement" value={info.controller} />
          <Entry label="Délégué à la protection des données" value={info.dpoContact} what="nom ou fonction du délégué à la protection des données" />
        </dl>
      </LegalSection>
      <LegalSection title="Pourquoi vos données sont traitées">
        <ul className="list-disc space-y-1 pl-5">
          <li>vous permettre de consulter, de télécharger et de payer en ligne les factures du service ;</li>
          <li>gérer votre compte (activation, connexion, mot de passe, adresse mail) et le protéger des essais de mot de passe ;</li>
          <li>transmettre au service vos messages et vos demandes d&apos;arrêt de la facture papier.</li>
        </ul>
        <p>
          Base légale : l&apos;exécution d&apos;une mission de service public dont est investi le responsable du traitement (RGPD,
          article 6, paragraphe 1, point e).
        </p>
      </LegalSection>
      <LegalSection title="Données traitées">
        <ul className="list-disc space-y-1 pl-5">
          <li>votre nom et votre numéro d&apos;abonné, tels que le service les connaît, et votre adresse mail ;</li>
          <li>votre mot de passe, conservé seulement sous une forme qui ne permet pas de le retrouver ;</li>
          <li>vos factures (numéro, dates, objet, montant, état) ;</li>
          <li>
            vos paiements en ligne (référence, montant, numéro d&apos;autorisation) : votre carte bancaire est saisie sur le site de la
            DGFiP, jamais sur ce portail ;
          </li>
          <li>vos messages au service et vos demandes d&apos;arrêt de la facture papier ;</li>
          <li>l&apos;adresse IP et l&apos;adresse mail des tentatives de connexion, pour limiter les essais de mot de passe.</li>
        </ul>
      </LegalSection>
      <Recipients info={info} />
      <Retention info={info} />
      <Rights info={info} />
      <Cookies rows={info.cookies} />
      <p className="mt-8 text-center">
        <TextLink to="/mentions-legales">Mentions légales</TextLink>
      </p>
    </AuthCard>
  );
}

function Recipients({ info }: { info: Info }) {
  return (
    <LegalSection title="Qui reçoit vos données">
      <ul className="list-disc space-y-2 pl-5">
        <li>
          les agents habilités du service : <Value value={info.publisherName} what="nom du service ou de la collectivité" /> ;
        </li>
        <li>
          la Direction générale des Finances publiques (DGFiP), pour les paiements en ligne par PayFiP ou TIPI : la référence de la
          facture, son montant et votre adresse mail ;
        </li>
        <li>
          Postmark (ActiveCampaign, États-Unis), le sous-traitant qui envoie les courriels du portail (activation, mot de passe, messages
          au service). Ce transfert hors de l&apos;Union européenne est encadré ainsi :{" "}
          <Value value={info.mailTransferSafeguards} what="garanties du transfert vers le sous-traitant d'envoi des courriels" />
        </li>
        <li>
          l&apos;hébergeur du portail : <Value value={info.hostName} what="nom de l'hébergeur" />.
        </li>
      </ul>
    </LegalSection>
  );
}

/**
 * The retention periods, as the daily purge applies them (rows and their wording from
 * app/.server/legal-page.ts; docs/decisions/0031-retention-purge.md). A period left unset purges
 * nothing, and the page says so beside the warning.
 */
function Retention({ info }: { info: Info }) {
  const unset = info.retention.some(({ field }) => info[field] === null);
  return (
    <LegalSection title="Combien de temps vos données sont conservées">
      <p>
        Ces durées sont appliquées : chaque jour, le portail supprime automatiquement les données dont la durée de conservation est
        écoulée.
      </p>
      <dl>
        {info.retention.map(({ field, label, goes }) => (
          <Entry key={field} label={label}>
            <Period value={info[field]} unit={field.endsWith("Days") ? "days" : "months"} what={`durée de conservation des données « ${label} »`} />
            <span className="mt-1 block text-sm">Ce qui est supprimé : {goes}.</span>
          </Entry>
        ))}
      </dl>
      {unset ? <p>Tant qu&apos;une durée n&apos;est pas renseignée, les données concernées ne sont pas supprimées automatiquement.</p> : null}
    </LegalSection>
  );
}

function Rights({ info }: { info: Info }) {
  return (
    <LegalSection title="Vos droits">
      <p>
        Vous pouvez demander l&apos;accès à vos données, leur rectification et la limitation de leur traitement, et vous opposer à
        celui-ci pour des raisons tenant à votre situation particulière. L&apos;effacement s&apos;applique lorsque les données ne sont plus
        nécessaires à la mission de service public (le paiement des factures, la comptabilité publique) ; la portabilité ne
        s&apos;applique pas à un traitement fondé sur une mission de service public.
      </p>
      <p>
        Une fois connecté, « Mes informations » vous permet aussi de télécharger vos données et de fermer votre compte.
      </p>
      <p>Pour exercer ces droits, écrivez au délégué à la protection des données :</p>
      <dl>
        <Entry label="Délégué" value={info.dpoContact} what="nom ou fonction du délégué à la protection des données" />
        <MailEntry label="Adresse mail" address={info.dpoEmail} what="adresse mail du délégué à la protection des données" />
        <Entry label="Adresse postale" value={info.dpoPostalAddress} what="adresse postale du délégué à la protection des données" />
      </dl>
      <p>
        ou passez par le <TextLink to="/nous-contacter">formulaire de contact du service</TextLink>.
      </p>
      <p>
        Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL :{" "}
        <TextAnchor href="https://www.cnil.fr/fr/plaintes">cnil.fr</TextAnchor>.
      </p>
    </LegalSection>
  );
}

function Cookies({ rows }: { rows: Info["cookies"] }) {
  return (
    <LegalSection title="Cookies">
      <p>
        Le portail ne dépose que des cookies strictement nécessaires à son fonctionnement : ni mesure d&apos;audience, ni publicité, ni
        réseau social. Ils sont dispensés de consentement, c&apos;est pourquoi aucun bandeau ne vous le demande.
      </p>
      <dl>
        {rows.map(([name, why, lifetime]) => (
          <Entry key={name} label={name}>
            {why} ; durée : {lifetime}.
          </Entry>
        ))}
      </dl>
    </LegalSection>
  );
}
