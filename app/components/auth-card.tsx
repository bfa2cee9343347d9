import type { ReactNode } from "react";
import { Notice } from "./form";
import { TextLink } from "./ui";

/** The centred card of the pages before login (connexion, activation, mot de passe). */
export function AuthCard({ portalName, subtitle, children }: { portalName: string; subtitle: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-brand-900 px-4 py-10">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-lg sm:p-8">
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
