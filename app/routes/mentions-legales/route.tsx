import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { useLoaderData } from "@remix-run/react";
import { legalPage } from "~/.server/legal-page";
import { AuthCard } from "~/components/auth-card";
import { Entry, LegalSection, MailEntry } from "~/components/legal-info";
import { TextLink } from "~/components/ui";

export const meta: MetaFunction = () => [{ title: "Mentions légales — Le Portail des Factures" }];

/**
 * `/mentions-legales`: the legal notices the LCEN (art. 6 III) requires of a site — who
 * publishes it, its publication director, who hosts it (name, address, telephone) — from the
 * deployment's settings (public.legal_info(); docs/staff-settings.md). Public, signed in or not.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  return legalPage(request);
}

type Field = Exclude<keyof ReturnType<typeof useLoaderData<typeof loader>>, "portalName" | "backend" | "cookies">;

/** What the LCEN asks a site to name, section by section: the label, the field, what is missing when it is empty. */
const SECTIONS: Array<{ title: string; rows: Array<{ label: string; field: Field; what?: string; mail?: true }> }> = [
  {
    title: "Éditeur du portail",
    rows: [
      { label: "Éditeur", field: "publisherName", what: "nom du service ou de la collectivité qui édite le portail" },
      { label: "Adresse", field: "publisherAddress", what: "adresse de l'éditeur" },
      { label: "SIRET", field: "publisherSiret", what: "numéro SIRET de l'éditeur" },
      { label: "Représentant légal", field: "legalRepresentative" },
      { label: "Adresse mail", field: "contactEmail", what: "adresse mail de contact de l'éditeur", mail: true },
      { label: "Téléphone", field: "contactPhone", what: "téléphone de l'éditeur" },
    ],
  },
  { title: "Directeur de la publication", rows: [{ label: "Directeur de la publication", field: "publicationDirector" }] },
  {
    title: "Hébergeur",
    rows: [
      { label: "Nom", field: "hostName", what: "nom de l'hébergeur" },
      { label: "Adresse", field: "hostAddress", what: "adresse de l'hébergeur" },
      { label: "Téléphone", field: "hostPhone", what: "téléphone de l'hébergeur" },
    ],
  },
];

export default function MentionsLegales() {
  const info = useLoaderData<typeof loader>();
  return (
    <AuthCard portalName={info.portalName} subtitle="Mentions légales" wide>
      {SECTIONS.map(({ title, rows }) => (
        <LegalSection key={title} title={title}>
          <dl>
            {rows.map(({ label, field, what, mail }) => {
              const value = info[field] as string | null;
              return mail ? <MailEntry key={field} label={label} address={value} what={what ?? label} /> : <Entry key={field} label={label} value={value} what={what} />;
            })}
          </dl>
        </LegalSection>
      ))}
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
