import { isRouteErrorResponse } from "@remix-run/react";

/** French error page used by the root ErrorBoundary (404, 4xx, 503 "busy", 500). */
export function ErrorPage({ title, code, text }: { title: string; code: number; text: string }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-4 p-6">
      <p className="text-sm font-semibold tracking-widest text-brand-700 uppercase">
        Le Portail des Factures — erreur {code}
      </p>
      <h1 className="text-2xl font-bold">{title}</h1>
      <p>{text}</p>
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

/**
 * What an error that reached the root boundary is, in words: the page's <h1>, which is also the
 * first part of its <title> (RGAA 8.6: an error page's title names the error), what to do, and
 * the code shown. The root's `meta` and `RouteErrorPage` both read it, so the two always agree.
 * Kept small: it is in every page's first load.
 */
export function errorTitle(error: unknown): { title: string; text: string; code: number } {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const data: unknown = isRouteErrorResponse(error) ? error.data : null;
  // The portal busy (503): the resident's session was kept, reloading in a moment shows the page they asked for.
  const [title, text, code] =
    status === 503 && (data as { reason?: unknown } | null)?.reason === PORTAL_BUSY
      ? ["Le portail est très sollicité", "Réessayez dans un instant : vous restez connecté.", 503]
      : status === 404
        ? ["Page introuvable", "La page demandée n'existe pas ou n'est plus disponible. Vérifiez l'adresse, ou revenez à l'accueil du portail.", 404]
        : status < 500
          ? ["Demande impossible", "Votre demande n'a pas pu être traitée. Revenez à l'accueil du portail et recommencez.", status]
          : ["Une erreur est survenue", "Le portail n'a pas pu afficher cette page. Réessayez dans quelques minutes ; si le problème continue, contactez le service qui vous envoie vos factures.", 500];
  return { title, text, code };
}

/** The page for an error that reached the root boundary (`useRouteError()`). */
export function RouteErrorPage({ error }: { error: unknown }) {
  return <ErrorPage {...errorTitle(error)} />;
}
