import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { Notice, PrimaryButton } from "~/components/form";
import { ERROR_MESSAGES } from "~/utils/payment";

/** Links in running text of the resident's space (underlined, brand colour, hover). */
export const TEXT_LINK_CLASS = "font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-900";

export function TextLink({ to, rel, children }: { to: string; rel?: string; children: ReactNode }) {
  return (
    <Link to={to} className={TEXT_LINK_CLASS} rel={rel}>
      {children}
    </Link>
  );
}

/** A link on a line of its own: « Voir mes factures », « Retour à Mes informations »… */
export function LinkLine({ to, className, children }: { to: string; className?: string; children: ReactNode }) {
  return (
    <p className={className}>
      <Link to={to} className="font-semibold text-brand-700 underline">
        {children}
      </Link>
    </p>
  );
}

/** A form's submit button, then « Annuler » back to Mes informations (nothing is recorded). */
export function SubmitOrCancel({ children, name, value }: { children: ReactNode; name?: string; value?: string }) {
  return (
    <>
      <PrimaryButton name={name} value={value}>
        {children}
      </PrimaryButton>
      <Link to="/mes-informations" className="px-4 py-2 font-semibold text-brand-700 underline">
        Annuler
      </Link>
    </>
  );
}

/** A payment page's error boundary: the payment could not start (nothing was taken). */
export function PaymentStartFailed() {
  return (
    <section className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Le paiement n&apos;a pas pu commencer</h1>
      <Notice tone="error">{ERROR_MESSAGES.unavailable}</Notice>
      <LinkLine to="/paiement">Revenir à la sélection des factures</LinkLine>
    </section>
  );
}
