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
import { errorTitle, RouteErrorPage } from "./components/error-page";
import { WithFooter } from "./components/site-footer";
import { useNonce } from "./utils/nonce";
import stylesheet from "./tailwind.css?url";
import { RouteFocus } from "./components/route-focus";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  // The tab icon (a page with a folded corner, in the brand colour): a file, not a data: URL, so
  // it stays out of every page's JavaScript; the <link> also spares browsers a /favicon.ico 404.
  { rel: "icon", type: "image/svg+xml", href: "/favicon.svg" },
];

/** An error page says when to retry (e.g. Supabase Auth busy: 503 with Retry-After). */
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const headers = new Headers();
  const retryAfter = errorHeaders?.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

/**
 * The portal's name; on an error page (the root ErrorBoundary, where `error` is set) the error's
 * name first, as every page names itself (RGAA 8.6): « Page introuvable — Le Portail des Factures ».
 */
export const meta: MetaFunction = ({ error }) => [{ title: (error ? `${errorTitle(error).title} — ` : "") + "Le Portail des Factures" }];

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
          content="Consultez, téléchargez et payez en ligne les factures de vos services publics locaux (eau, assainissement, déchets, cantine)."
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
