import type { AnchorHTMLAttributes, ButtonHTMLAttributes, ReactNode } from "react";
import { Link, type LinkProps } from "@remix-run/react";

/**
 * The portal's links and buttons, styled once. Pages use these instead of repeating the Tailwind
 * classes: a text link, a link that looks like the main button, the main and secondary submit
 * buttons. Extra classes (`className`) are added to the component's own (layout only: spacing,
 * inline-block, break-all).
 */

const TEXT_LINK = "font-semibold text-brand-700 underline";
/** Inside a notice the link keeps the notice's colour. */
const NOTICE_LINK = "font-semibold underline";
const PRIMARY = "rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800";
const SECONDARY = "rounded border border-brand-700 px-4 py-2 font-semibold text-brand-700 hover:bg-brand-50";

const classes = (own: string, extra?: string) => (extra ? `${extra} ${own}` : own);

/** An in-portal link in running text ("Retour à la connexion", "Oublié ?"); `inNotice`: in a Notice's colour. */
export function TextLink({ className, inNotice, ...props }: LinkProps & { inNotice?: boolean }) {
  return <Link className={classes(inNotice ? NOTICE_LINK : TEXT_LINK, className)} {...props} />;
}

/** The same look for a plain anchor: a full page load (error pages, links to files, e-mail links). */
export function TextAnchor({ className, ...props }: AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a className={classes(TEXT_LINK, className)} {...props} />;
}

/** A link that looks like the main button ("Annuler" beside "Valider"). */
export function ButtonLink({ className, ...props }: LinkProps) {
  return <Link className={classes(PRIMARY, className)} {...props} />;
}

/** The same look for a plain anchor (a file to download). */
export function ButtonAnchor({ className, ...props }: AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a className={classes(PRIMARY, className)} {...props} />;
}

/** The form's main submit button. */
export function PrimaryButton({ children, className, ...props }: { children: ReactNode } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="submit" className={classes(PRIMARY, className)} {...props}>
      {children}
    </button>
  );
}

/** A secondary submit button (e.g. "Effacer"); placed after the primary one so Enter never triggers it. */
export function SecondaryButton({ children, className, ...props }: { children: ReactNode } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="submit" className={classes(SECONDARY, className)} {...props}>
      {children}
    </button>
  );
}
