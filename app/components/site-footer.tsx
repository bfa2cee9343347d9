import { useMatches } from "@remix-run/react";

/** The accessibility state the footer announces (RGAA: non, partiellement or totalement conforme). */
// wired to the audit grid at merge
export const ACCESSIBILITY_STATE = "non conforme";

/** The route id of the resident's layout (app/routes/_espace/route.tsx), which shows its own footer. */
const ESPACE_LAYOUT = "routes/_espace";

/** The footer's links, in order; « Contact » depends on whether the visitor is signed in. */
export function footerLinks({ signedIn, accessibilityState }: { signedIn: boolean; accessibilityState: string }) {
  return [
    { href: "/accessibilite", label: `Accessibilité : ${accessibilityState}` },
    { href: "/mentions-legales", label: "Mentions légales" },
    { href: "/donnees-personnelles", label: "Données personnelles" },
    { href: "/plan-du-site", label: "Plan du site" },
    { href: "/aide", label: "Aide" },
    { href: signedIn ? "/contact" : "/nous-contacter", label: "Contact" },
  ];
}

/**
 * The footer of every page. Plain links (no client code, and they work on an error page too); the
 * list wraps, so it stays readable at 320 px and at 200 % zoom. It reads nothing from the
 * database: whether the visitor is signed in comes from the page (see RootFooter).
 */
export function SiteFooter({ signedIn, accessibilityState = ACCESSIBILITY_STATE }: { signedIn: boolean; accessibilityState?: string }) {
  return (
    <footer role="contentinfo" className="border-t border-stone-300 bg-white text-stone-900">
      <nav aria-label="Pied de page" className="mx-auto max-w-5xl px-4 py-4">
        <ul className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          {footerLinks({ signedIn, accessibilityState }).map((link) => (
            <li key={link.href}>
              <a href={link.href} className="inline-block py-1 font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-900">
                {link.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </footer>
  );
}

/**
 * The footer as the root route shows it, under every page outside the resident's layout (that
 * layout shows its own, inside its full-height column). A public page reachable signed in tells
 * the footer so by returning `signedIn: true` from its loader (app/routes/aide/route.tsx); the
 * resident's pages carry `frame`. Without either, « Contact » leads to /nous-contacter, which
 * sends a signed-in resident on to /contact.
 */
export function RootFooter() {
  const matches = useMatches();
  if (matches.some((m) => m.id === ESPACE_LAYOUT)) return null;
  const signedIn = matches.some((m) => {
    const data = m.data as { signedIn?: unknown; frame?: unknown } | null | undefined;
    return typeof data === "object" && data !== null && (data.signedIn === true || Boolean(data.frame));
  });
  return <SiteFooter signedIn={signedIn} />;
}
