import type { FormReply } from "~/utils/form";

/**
 * The errors of a failed submit at the top of a long form (3 fields or more, RGAA 11.10): an alert
 * listing the fields to correct, each a link to its field, in the form's order; each message
 * stays beside its field (its aria-describedby, app/components/form.tsx), said once. Its own
 * module, so only the pages with such a form load it (first-load budget: docs/performance.md). `labels` names the fields shown
 * (a field without a label here is not listed). Nothing when the reply has no field error.
 */
export function ErrorSummary<K extends string>({ reply, labels }: { reply: FormReply<K> | null | undefined; labels: Partial<Record<K, string>> }) {
  const errors = (Object.keys(labels) as K[]).filter((name) => reply?.errors[name]);
  if (errors.length === 0) return null;
  return (
    <div role="alert" className="rounded border-l-4 border-brand-700 bg-brand-50 p-3 text-sm text-brand-900">
      <p className="font-semibold">{errors.length === 1 ? "Le formulaire contient une erreur, à corriger dans le champ :" : `Le formulaire contient ${errors.length} erreurs, à corriger dans les champs :`}</p>
      <ul className="mt-1 list-disc pl-5">
        {errors.map((name) => (
          <li key={name}>
            <a href={`#${name}`} className="font-semibold underline">
              {labels[name]}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
