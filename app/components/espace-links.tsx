import type { LinkProps } from "@remix-run/react";
import type { AnchorHTMLAttributes, ReactNode } from "react";
import { Notice } from "~/components/form";
import { PrimaryButton, TextAnchor, TextLink } from "~/components/ui";
import { ERROR_MESSAGES } from "~/utils/payment";

/**
 * Links and buttons the pages of the resident's space share (the portal's own: app/components/ui.tsx).
 */

/** Lists, tables and back links of the resident's space: a TextLink whose underline stands off the text and darkens on hover. */
const SPACE_LINK = "underline-offset-2 hover:text-brand-900";

export function SpaceLink({ className, ...props }: LinkProps) {
  return <TextLink className={className ? `${className} ${SPACE_LINK}` : SPACE_LINK} {...props} />;
}

/** The same look for a plain anchor: a full page load. */
export function SpaceAnchor(props: Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "className">) {
  return <TextAnchor className={SPACE_LINK} {...props} />;
}

/** A link on a line of its own: « Voir mes factures », « Retour à Mes informations »… */
export function LinkLine({ to, className, children }: { to: string; className?: string; children: ReactNode }) {
  return (
    <p className={className}>
      <TextLink to={to}>{children}</TextLink>
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
      <TextLink to="/mes-informations" className="px-4 py-2">
        Annuler
      </TextLink>
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
