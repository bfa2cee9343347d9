import type { ReactNode } from "react";
import { Notice } from "./form";
import { TextLink } from "./ui";

/**
 * The card of the pages before login: centred and narrow (connexion, activation, mot de passe), or
 * `wide` from the top (the public contact page).
 */
export function AuthCard({ portalName, subtitle, wide, children }: { portalName: string; subtitle: string; wide?: boolean; children: ReactNode }) {
  return (
    <main className={wide ? "min-h-screen bg-brand-900 px-4 py-10" : "flex min-h-screen items-center justify-center bg-brand-900 px-4 py-10"}>
      <div className={`${wide ? "mx-auto max-w-2xl" : "max-w-sm"} w-full rounded-lg bg-white p-6 shadow-lg sm:p-8`}>
        <p className="text-center text-xl font-bold tracking-wide text-brand-800" aria-hidden="true">
          {portalName.toLocaleUpperCase("fr-FR")}
        </p>
        <h1 className="mt-2 text-center text-lg text-stone-800">
          <span className="sr-only">{portalName} — </span>
          {subtitle}
        </h1>
        {children}
      </div>
    </main>
  );
}

/**
 * Why an account e-mail was not sent (too many requests, or the e-mail service unavailable), with
 * the way to reach the service when waiting is not enough.
 */
export function MailRefusal({ message, offerContact }: { message: string; offerContact: boolean }) {
  return (
    <Notice tone="error">
      <p>{message}</p>
      {offerContact ? (
        <p className="mt-1">
          <TextLink to="/nous-contacter" inNotice>
            Contacter le service
          </TextLink>
        </p>
      ) : null}
    </Notice>
  );
}
