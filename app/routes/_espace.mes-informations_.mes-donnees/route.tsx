import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useLoaderData } from "@remix-run/react";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { LinkLine } from "~/components/espace-links";
import { ButtonAnchor, TextLink } from "~/components/ui";

export const meta: MetaFunction = () => [{ title: "Télécharger mes données — Le Portail des Factures" }];

/** What the files contain, in the resident's words (page data: the route module stays small). */
const CONTENTS: readonly { title: string; text: string }[] = [
  { title: "Votre compte", text: "l'adresse mail de connexion, la date de création du compte, celle de son activation et celle de votre dernière connexion ;" },
  {
    title: "Vos contrats",
    text: "pour chaque abonné rattaché à votre compte : son numéro, son nom, le service, l'adresse mail que le service connaît et l'envoi ou non des factures papier ;",
  },
  {
    title: "Vos factures",
    text: "numéro, date, échéance, montant (en euros et en centimes), état, service et abonné de chaque facture ; les fichiers PDF eux-mêmes se téléchargent depuis « Mes factures » ;",
  },
  {
    title: "Vos paiements en ligne",
    text: "date, montant, factures concernées, prestataire (PayFiP ou TIPI), références du paiement et résultat ;",
  },
  { title: "Vos messages au service", text: "date, service, objet et texte des messages envoyés depuis « Contact » ;" },
  { title: "Vos demandes d'arrêt des factures papier", text: "date et abonné concerné." },
];

const NOT_INCLUDED =
  "Le fichier ne contient rien d'un autre compte, ni les éléments techniques de sécurité (mot de passe chiffré, jetons de connexion, journaux techniques), qui ne vous décrivent pas.";

/**
 * `/mes-informations/mes-donnees`: what « Télécharger mes données » gives (RGPD right of access)
 * and the two downloads, plain links to the resource routes /mes-donnees.json and
 * /mes-donnees.csv (with or without JavaScript). Format: docs/personal-data-export.md.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, info } = await requireResident(request, { info: true });
  const { frame } = await info.framePage();
  return data({ frame, contents: CONTENTS, notIncluded: NOT_INCLUDED }, withSession(accounts));
}

export default function MesDonnees() {
  const { contents, notIncluded } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="donnees-titre" className="flex max-w-2xl flex-col gap-4">
      <h1 id="donnees-titre" className="text-2xl font-bold">
        Télécharger mes données
      </h1>
      <p>Vous pouvez télécharger, à tout moment, une copie des données que le portail conserve sur vous. Le fichier contient :</p>
      <ul className="flex list-disc flex-col gap-1 pl-6">
        {contents.map((c) => (
          <li key={c.title}>
            <strong>{c.title}</strong> : {c.text}
          </li>
        ))}
      </ul>
      <p className="text-sm text-stone-700">{notIncluded}</p>
      <h2 className="text-xl font-semibold">Choisir le format</h2>
      <ul className="flex flex-wrap gap-3">
        <li>
          <ButtonAnchor href="/mes-donnees.json" className="inline-block">
            Format JSON
          </ButtonAnchor>
        </li>
        <li>
          <ButtonAnchor href="/mes-donnees.csv" className="inline-block">
            Format CSV (tableur)
          </ButtonAnchor>
        </li>
      </ul>
      <p className="text-sm text-stone-700">
        Le format JSON est destiné à être lu par un programme ; le format CSV s&apos;ouvre dans un tableur. Ces fichiers contiennent vos
        données personnelles : conservez-les en lieu sûr. Pour vos autres droits (rectification, effacement…), voir{" "}
        <TextLink to="/donnees-personnelles">Données personnelles</TextLink>.
      </p>
      <LinkLine to="/mes-informations">Retour à Mes informations</LinkLine>
    </section>
  );
}
