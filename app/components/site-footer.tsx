import { useMatches } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * The accessibility state the footer announces (RGAA: non, partiellement or totalement conforme):
 * the audit grid's (app/utils/rgaa-audit.ts), written here as text so the grid stays out of every
 * page's JavaScript; tests/pages/site-footer.test.ts fails when they differ.
 */
export const ACCESSIBILITY_STATE = "totalement conforme";

/**
 * The footer of every page: plain links (no client code; they work on an error page too) in a
 * list that wraps, so it stays readable at 320 px and at 200 % zoom. « Contact » leads a
 * signed-in resident to /contact, anyone else to /nous-contacter.
 */
export function SiteFooter({ signedIn, accessibilityState = ACCESSIBILITY_STATE }: { signedIn: boolean; accessibilityState?: string }) {
  const links = [
    ["/accessibilite", `Accessibilité : ${accessibilityState}`],
    ["/mentions-legales", "Mentions légales"],
    ["/donnees-personnelles", "Données personnelles"],
    ["/plan-du-site", "Plan du site"],
    ["/aide", "Aide"],
    [signedIn ? "/contact" : "/nous-contacter", "Contact"],
  ];
  return (
    <footer role="contentinfo" className="border-t border-stone-300 bg-white">
      <nav aria-label="Pied de page" className="mx-auto max-w-5xl px-4 py-4">
        <ul className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          {links.map(([href, label]) => (
            <li key={href}>
              <a href={href} className="inline-block py-1 font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-900">
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </footer>
  );
}

/**
 * The root's frame of every page, the resident's ones included: the page, then the footer at the
 * bottom of the screen. Pages start with a full-height element (`min-h-screen`: the resident's
 * layout, components/auth-card.tsx, components/error-page.tsx); here it fills what the footer
 * leaves instead. Whether the visitor is signed in comes from the page's data, never from a
 * read of its own: the resident's pages carry `frame`, a public page reachable signed in returns
 * `signedIn` (app/routes/aide/route.tsx).
 */
export function WithFooter({ children }: { children: ReactNode }) {
  const signedIn = useMatches().some((m) => {
    const data = m.data as { signedIn?: unknown; frame?: unknown } | null | undefined;
    return data?.signedIn === true || Boolean(data?.frame);
  });
  return (
    <div className="flex min-h-screen flex-col [&>:first-child]:min-h-0 [&>:first-child]:flex-1">
      {children}
      <SiteFooter signedIn={signedIn} />
    </div>
  );
}
