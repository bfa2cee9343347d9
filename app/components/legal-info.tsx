import type { ReactNode } from "react";
import { TextAnchor } from "./ui";

/**
 * The values of the legal pages (/mentions-legales, /donnees-personnelles): a value the service
 * has filled, or, where it has not, a visible warning that names what is missing — never a
 * made-up value (docs/decisions/0027-legal-identity-settings.md).
 */
export function Missing({ what }: { what: string }) {
  return (
    <strong className="inline-block rounded border-l-4 border-brand-700 bg-brand-50 px-2 py-1 font-semibold text-brand-900">
      Information non renseignée par le service : {what}.
    </strong>
  );
}

/** A text value (an address keeps its lines), or the warning. */
export function Value({ value, what }: { value: string | null; what: string }) {
  return value === null ? <Missing what={what} /> : <span className="whitespace-pre-line">{value}</span>;
}

/** A line of a definition list: the label, then the value or the warning. */
export function Entry({ label, value, what, children }: { label: string; value?: string | null; what?: string; children?: ReactNode }) {
  return (
    <div className="mt-3 sm:flex sm:gap-4">
      <dt className="font-semibold text-stone-800 sm:w-56 sm:shrink-0">{label}</dt>
      <dd className="mt-1 break-words text-stone-700 sm:mt-0">{children ?? <Value value={value ?? null} what={what ?? label.toLocaleLowerCase("fr-FR")} />}</dd>
    </div>
  );
}

/** An e-mail address as a mailto link, or the warning. */
export function MailEntry({ label, address, what }: { label: string; address: string | null; what: string }) {
  return <Entry label={label}>{address === null ? <Missing what={what} /> : <TextAnchor href={`mailto:${address}`}>{address}</TextAnchor>}</Entry>;
}

/** "90 jours", "12 mois", "120 mois (10 ans)". */
export function formatPeriod(value: number, unit: "days" | "months"): string {
  if (unit === "days") return value === 1 ? "1 jour" : `${value} jours`;
  const years = value % 12 === 0 && value >= 12 ? ` (${value / 12} an${value === 12 ? "" : "s"})` : "";
  return `${value} mois${years}`;
}

/** A retention period, or the warning. */
export function Period({ value, unit, what }: { value: number | null; unit: "days" | "months"; what: string }) {
  return value === null ? <Missing what={what} /> : <>{formatPeriod(value, unit)}</>;
}

/** A section of a legal page: an h2 and its content. */
export function LegalSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mt-8">
      <h2 className="text-lg font-bold text-brand-800">{title}</h2>
      <div className="mt-2 space-y-3 text-stone-700">{children}</div>
    </section>
  );
}
