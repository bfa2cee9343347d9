import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { useLoaderData } from "@remix-run/react";
import { accountsFor } from "~/.server/accounts";
import { publicPage } from "~/.server/public-page";
import { AuthCard } from "~/components/auth-card";
import { TextLink } from "~/components/ui";
import { PUBLIC_PAGES, RESIDENT_PAGES, type SiteMapPage } from "~/utils/site-map";

export const meta: MetaFunction = () => [{ title: "Plan du site — Le Portail des Factures" }];

/**
 * `/plan-du-site`: every page of the portal as nested lists (app/utils/site-map.ts), open to
 * everyone. `signedIn` points the back link and the footer's « Contact » the right way.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await accountsFor(request);
  return publicPage(accounts, { signedIn: (await accounts.getUser()) !== null });
}

function PageList({ pages, afterLogin }: { pages: readonly SiteMapPage[]; afterLogin?: boolean }) {
  return (
    <ul className="mt-2 flex list-disc flex-col gap-2 pl-6">
      {pages.map((page) => (
        <li key={page.path}>
          <TextLink to={page.path}>{page.title}</TextLink>
          {afterLogin ? <span className="text-sm text-stone-700"> (après connexion)</span> : null}
          {page.children ? <PageList pages={page.children} afterLogin={afterLogin} /> : null}
        </li>
      ))}
    </ul>
  );
}

export default function PlanDuSite() {
  const { portalName, signedIn } = useLoaderData<typeof loader>();
  return (
    <AuthCard portalName={portalName} subtitle="Plan du site" wide>
      <section aria-labelledby="pages-publiques" className="mt-6">
        <h2 id="pages-publiques" className="text-lg font-semibold">
          Pages accessibles à tous
        </h2>
        <PageList pages={PUBLIC_PAGES} />
      </section>
      <section aria-labelledby="pages-espace" className="mt-6">
        <h2 id="pages-espace" className="text-lg font-semibold">
          Votre espace (après connexion)
        </h2>
        <PageList pages={RESIDENT_PAGES} afterLogin />
      </section>
      <p className="mt-8 text-center">
        {signedIn ? <TextLink to="/accueil">Retour à l&apos;accueil</TextLink> : <TextLink to="/connexion">Retour à la connexion</TextLink>}
      </p>
    </AuthCard>
  );
}
