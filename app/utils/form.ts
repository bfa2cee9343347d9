/**
 * The form API's shared shapes (docs/decisions/0021-forms.md): what the server sends a page about
 * a form, read by app/components/form.tsx. No zod here: the schemas stay on the server
 * (app/.server/form.ts), the browser only gets these plain objects.
 */

/** The HTML constraint attributes of one field, derived from its zod schema on the server. */
export interface FieldConstraint {
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  type?: "email";
}

/** A form's constraint attributes, by field name (the loader sends them to the page). */
export type FormConstraints<K extends string = string> = Record<K, FieldConstraint>;

/**
 * What an action answers about a submitted form: the first French error of each field, an error
 * about the whole form, and the typed values to show again (truncated, secrets left empty).
 */
export interface FormReply<K extends string = string> {
  errors: Partial<Record<K, string>>;
  formError: string | null;
  values: Record<K, string>;
}

/** The first issue of each listed field (zod's issues, or any of the same shape). */
export function fieldErrors<K extends string>(issues: readonly { path: readonly PropertyKey[]; message: string }[], fields: readonly K[]) {
  const errors: Partial<Record<K, string>> = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field === "string" && (fields as readonly string[]).includes(field) && !errors[field as K]) {
      errors[field as K] = issue.message;
    }
  }
  return errors;
}
