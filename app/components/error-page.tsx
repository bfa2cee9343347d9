import { isRouteErrorResponse } from "@remix-run/react";
import type { ReactNode } from "react";

/** French error page used by the root ErrorBoundary (404, 4xx, 503 "busy", 500). */
export function ErrorPage({ title, code, children }: { title: string; code: number; children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-4 p-6">
      <p className="text-sm font-semibold tracking-widest text-brand-700 uppercase">
        Le Portail des Factures — erreur {code}
      </p>
      <h1 className="text-2xl font-bold">{title}</h1>
      <p>{children}</p>
      <p>
        {/* TextAnchor's classes written out: importing app/components/ui.tsx here would put it in every page's first load. */}
        <a className="font-semibold text-brand-700 underline" href="/">
          Retour à l&apos;accueil du portail
        </a>
      </p>
    </main>
  );
}

/**
 * The 503 the Supabase accounts adapter throws when Supabase Auth refused, by a rate limit, a
 * call the page needed (refreshing the session, checking it). Same value as PORTAL_BUSY in
 * app/.server/supabase/errors.ts (client code cannot import server modules; the test in
 * tests/supabase/auth-limits.test.ts renders this page from what the adapter throws).
 */
const PORTAL_BUSY = "portal_busy";

export function isPortalBusy(error: unknown): boolean {
  if (!isRouteErrorResponse(error) || error.status !== 503) return false;
  const data: unknown = error.data;
  return typeof data === "object" && data !== null && (data as { reason?: unknown }).reason === PORTAL_BUSY;
}

/**
 * What an error that reached the root boundary is, in words: the page's <h1> and the first part of
 * its <title> (RGAA 8.6: an error page's title names the error). The root's `meta` and
 * `RouteErrorPage` both read it, so the two always agree.
 */
export function errorTitle(error: unknown): { title: string; code: number } {
  if (isPortalBusy(error)) return { title: "Le portail est très sollicité", code: 503 };
  if (isRouteErrorResponse(error) && error.status === 404) return { title: "Page introuvable", code: 404 };
  if (isRouteErrorResponse(error) && error.status < 500) return { title: "Demande impossible", code: error.status };
  return { title: "Une erreur est survenue", code: 500 };
}

/** The page for an error that reached the root boundary (`useRouteError()`). */
export function RouteErrorPage({ error }: { error: unknown }) {
  if (isPortalBusy(error)) {
    // The resident's session was kept: reloading in a moment shows the page they asked for.
    return (
      <ErrorPage {...errorTitle(error)}>
        Réessayez dans un instant : vous restez connecté.
      </ErrorPage>
    );
  }
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <ErrorPage {...errorTitle(error)}>
        La page demandée n&apos;existe pas ou n&apos;est plus disponible. Vérifiez l&apos;adresse, ou
        revenez à l&apos;accueil du portail.
      </ErrorPage>
    );
  }
  if (isRouteErrorResponse(error) && error.status < 500) {
    return (
      <ErrorPage {...errorTitle(error)}>
        Votre demande n&apos;a pas pu être traitée. Revenez à l&apos;accueil du portail et
        recommencez.
      </ErrorPage>
    );
  }
  return (
    <ErrorPage {...errorTitle(error)}>
      Le portail n&apos;a pas pu afficher cette page. Réessayez dans quelques minutes ; si le
      problème continue, contactez le service qui vous envoie vos factures.
    </ErrorPage>
  );
}
