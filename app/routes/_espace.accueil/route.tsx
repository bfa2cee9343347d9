import type { MetaFunction } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Accueil — Le Portail des Factures" }];

/** Home page of the resident's space. The announcement and welcome message come with issue 4. */
export default function Accueil() {
  return (
    <section aria-labelledby="accueil-titre">
      <h1 id="accueil-titre" className="text-2xl font-bold">
        Accueil
      </h1>
      <p className="mt-4">
        Bienvenue sur votre espace. Le menu ci-dessus vous mène à vos informations et vous permet de vous déconnecter.
      </p>
    </section>
  );
}
