import type { LinksFunction } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorPage } from "./components/error-page";
import { useNonce } from "./utils/nonce";
import stylesheet from "./tailwind.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = () => [{ title: "Le Portail des Factures" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="fr" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-full bg-stone-100 text-stone-900 antialiased">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <ErrorPage title="Page introuvable" code={404}>
        La page demandée n&apos;existe pas ou n&apos;est plus disponible. Vérifiez l&apos;adresse, ou
        revenez à l&apos;accueil du portail.
      </ErrorPage>
    );
  }
  if (isRouteErrorResponse(error) && error.status < 500) {
    return (
      <ErrorPage title="Demande impossible" code={error.status}>
        Votre demande n&apos;a pas pu être traitée. Revenez à l&apos;accueil du portail et
        recommencez.
      </ErrorPage>
    );
  }
  return (
    <ErrorPage title="Une erreur est survenue" code={500}>
      Le portail n&apos;a pas pu afficher cette page. Réessayez dans quelques minutes ; si le
      problème continue, contactez le service qui vous envoie vos factures.
    </ErrorPage>
  );
}
