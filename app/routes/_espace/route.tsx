import { Form, NavLink, Outlet, useMatches } from "@remix-run/react";

/** What every page's loader returns as `frame` (PageFrame of app/.server/ports/invoices.ts). */
interface PageFrame {
  portalName: string;
  displayName: string;
}

/**
 * Layout of the resident's space: portal name, the resident's name, the menu. Pathless: its
 * children keep their own URLs (/accueil, /mes-informations…). No loader of its own: one page,
 * one call (docs/performance.md) — every page's loader returns `frame` from its one SQL call
 * (requireResident sends anonymous visitors to /connexion?redirectTo=…), and the layout reads it
 * from the page's data.
 */
function useFrame(): PageFrame | null {
  const matches = useMatches();
  for (let i = matches.length - 1; i >= 0; i--) {
    const data = matches[i]!.data as { frame?: PageFrame } | null | undefined;
    if (data && typeof data === "object" && data.frame) return data.frame;
  }
  return null;
}

const MENU = [
  { to: "/factures", label: "Mes factures" },
  { to: "/paiements", label: "Mes paiements" },
  { to: "/mes-informations", label: "Mes informations" },
  { to: "/contact", label: "Contact" },
] as const;

export default function EspaceLayout() {
  // No frame: a page's error boundary (e.g. « Facture introuvable ») shows the menu without names.
  const frame = useFrame();
  const portalName = frame?.portalName ?? "Le Portail des Factures";
  const displayName = frame?.displayName ?? "";
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
