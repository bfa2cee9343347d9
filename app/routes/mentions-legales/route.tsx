import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { useLoaderData } from "@remix-run/react";
import { legalPage } from "~/.server/legal-page";
import { AuthCard } from "~/components/auth-card";
import { Entry, LegalSection, Missing } from "~/components/legal-info";
import { TextAnchor, TextLink } from "~/components/ui";

export const meta: MetaFunction = () => [{ title: "Mentions légales — Le Portail des Factures" }];

/**
 * `/mentions-legales`: the legal notices the LCEN (art. 6 III) requires of a site — who
 * publishes it, its publication director, who hosts it (name, address, telephone) — from the
 * deployment's settings (public.legal_info(); docs/staff-settings.md). Public, signed in or not.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  return legalPage(request);
}

export default function MentionsLegales() {
  const info = useLoaderData<typeof loader>();
  return (
    <AuthCard portalName={info.portalName} subtitle="Mentions légales" wide>
      <LegalSection title="Éditeur du portail">
        <dl>
          <Entry label="Éditeur" value={info.publisherName} what="nom du service ou de la collectivité qui édite le portail" />
          <Entry label="Adresse" value={info.publisherAddress} what="adresse de l'éditeur" />
          <Entry label="SIRET" value={info.publisherSiret} what="numéro SIRET de l'éditeur" />
          <Entry label="Représentant légal" value={info.legalRepresentative} />
          <Entry label="Adresse mail">
            {info.contactEmail === null ? (
              <Missing what="adresse mail de contact de l'éditeur" />
            ) : (
              <TextAnchor href={`mailto:${info.contactEmail}`}>{info.contactEmail}</TextAnchor>
            )}
          </Entry>
          <Entry label="Téléphone" value={info.contactPhone} what="téléphone de l'éditeur" />
        </dl>
      </LegalSection>
      <LegalSection title="Directeur de la publication">
        <dl>
          <Entry label="Directeur de la publication" value={info.publicationDirector} />
        </dl>
      </LegalSection>
      <LegalSection title="Hébergeur">
        <dl>
          <Entry label="Nom" value={info.hostName} what="nom de l'hébergeur" />
          <Entry label="Adresse" value={info.hostAddress} what="adresse de l'hébergeur" />
          <Entry label="Téléphone" value={info.hostPhone} what="téléphone de l'hébergeur" />
        </dl>
      </LegalSection>
      <LegalSection title="Données personnelles et cookies">
        <p>
          Ce que le portail fait de vos données, combien de temps il les garde, vos droits et les cookies qu&apos;il dépose :{" "}
          <TextLink to="/donnees-personnelles">Données personnelles</TextLink>.
        </p>
      </LegalSection>
      <p className="mt-8 text-center">
        <TextLink to="/">Retour au portail</TextLink>
      </p>
    </AuthCard>
  );
}
