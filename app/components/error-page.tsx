import type { ReactNode } from "react";

/** French error page used by the root ErrorBoundary (404, 4xx, 500). */
export function ErrorPage({ title, code, children }: { title: string; code: number; children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-4 p-6">
      <p className="text-sm font-semibold tracking-widest text-brand-700 uppercase">
        Le Portail des Factures — erreur {code}
      </p>
      <h1 className="text-2xl font-bold">{title}</h1>
      <p>{children}</p>
      <p>
        <a className="font-semibold text-brand-700 underline" href="/">
          Retour à l&apos;accueil du portail
        </a>
      </p>
    </main>
  );
}
