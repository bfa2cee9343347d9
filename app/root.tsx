import type { HeadersFunction, LinksFunction } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { RouteErrorPage } from "./components/error-page";
import { WithFooter } from "./components/site-footer";
import { useNonce } from "./utils/nonce";
import stylesheet from "./tailwind.css?url";
import { RouteFocus } from "./components/route-focus";

/**
 * The tab icon, inline (a page with a folded corner, in the brand colour): no /favicon.ico
 * request, which would otherwise be a 404 on every first visit (the CSP allows data: images).
 */
const ICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#8a1222" d="M7 2h13l7 7v21H7z"/><path fill="#fbe3e3" d="M20 2v7h7zM11 15h12v2H11zm0 5h12v2H11zm0 5h8v2h-8z"/></svg>',
  );

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", type: "image/svg+xml", href: ICON },
];

/** An error page says when to retry (e.g. Supabase Auth busy: 503 with Retry-After). */
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const headers = new Headers();
  const retryAfter = errorHeaders?.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

export const meta: MetaFunction = () => [{ title: "Le Portail des Factures" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="fr" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* In the layout, not in `meta`: a route's own meta export (its title) replaces the root's. */}
        <meta
          name="description"
          content="Le portail des factures de vos services publics locaux (eau, assainissement, déchets, cantine) : consultez vos factures, téléchargez-les et payez-les en ligne."
        />
        <Meta />
        <Links />
      </head>
      <body className="min-h-full bg-stone-100 text-stone-900 antialiased">
        {children}
        <RouteFocus />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <WithFooter>
      <Outlet />
    </WithFooter>
  );
}

export function ErrorBoundary() {
  // The pages for each kind of error (404, 4xx, 503 "portal busy", 500): components/error-page.tsx.
  return (
    <WithFooter>
      <RouteErrorPage error={useRouteError()} />
    </WithFooter>
  );
}
