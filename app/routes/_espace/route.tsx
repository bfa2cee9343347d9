import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { data } from "@remix-run/server-runtime";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { getBackend } from "~/.server/backend";
import { requireResident } from "~/.server/resident";

/**
 * Layout of the resident's space: portal name, the resident's name, the menu. Pathless: its
 * children keep their own URLs (/accueil, /mes-informations…). Anonymous visitors are sent to
 * /connexion?redirectTo=… by requireResident.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, data: resident } = await requireResident(request);
  const [customers, info] = await Promise.all([resident.myCustomers(), (await getBackend()).data.portalPublicInfo()]);
  const names = [...new Set(customers.map((c) => c.displayName))];
  return data({ portalName: info.portalName, displayName: names.join(", ") || user.email }, { headers: accounts.headers });
}

const MENU = [
  { to: "/factures", label: "Mes factures" },
  { to: "/mes-informations", label: "Mes informations" },
  { to: "/contact", label: "Contact" },
] as const;

export default function EspaceLayout() {
  const { portalName, displayName } = useLoaderData<typeof loader>();
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#contenu" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:bg-white focus:p-2">
        Aller au contenu
      </a>
      <header className="bg-brand-900 text-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-2 px-4 py-3">
          <p className="font-bold tracking-wide">
            <a href="/accueil">{portalName.toLocaleUpperCase("fr-FR")}</a>
          </p>
          <p className="text-sm" data-testid="resident-name">
            {displayName}
          </p>
        </div>
        <nav aria-label="Menu principal" className="bg-brand-800">
          <ul className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-1 px-2">
            {MENU.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  className={({ isActive }) =>
                    `block px-3 py-3 font-semibold underline-offset-4 hover:underline ${isActive ? "underline" : ""}`
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
            <li className="ml-auto">
              <Form method="post" action="/deconnexion">
                <button type="submit" className="px-3 py-3 font-semibold underline-offset-4 hover:underline">
                  Déconnexion
                </button>
              </Form>
            </li>
          </ul>
        </nav>
      </header>
      <main id="contenu" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}
