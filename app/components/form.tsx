import { useEffect, useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import type { FieldConstraint, FormConstraints, FormReply } from "~/utils/form";

export { fieldErrors } from "~/utils/form";
export { PrimaryButton, SecondaryButton } from "./ui";

/**
 * The page side of the form API (docs/decisions/0021-forms.md). The server declares a form once
 * (app/.server/form.ts declareForm), its loader sends the constraint attributes and its action
 * answers a FormReply; `useForm` turns both into the props of each field:
 *
 *   const { form, field } = useForm(constraints, reply);
 *   <Form method="post" {...form}>
 *     <TextField {...field("email")} label="Adresse mail" autoComplete="email" />
 *
 * Without JavaScript the page comes back from the server with the errors beside their fields
 * (aria-describedby) and `autofocus` on the first invalid one; with JavaScript the first invalid
 * field is focused after each failed submit. The form keeps `noValidate`: the French messages of
 * the server are the ones people see.
 */
export function useForm<K extends string>(constraints: FormConstraints<K>, reply: FormReply<K> | null | undefined) {
  const ref = useRef<HTMLFormElement>(null);
  const firstInvalid = reply ? (Object.keys(constraints) as K[]).find((name) => reply.errors[name]) : undefined;
  useEffect(() => {
    if (!reply) return;
    ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [reply]);
  return {
    form: { ref, noValidate: true },
    field: (name: K): FieldProps => ({
      id: name,
      ...constraints[name],
      defaultValue: reply?.values[name],
      error: reply?.errors[name],
      autoFocus: name === firstInvalid ? true : undefined,
    }),
  };
}

/** What `useForm().field(name)` gives a field component. */
export type FieldProps = FieldConstraint & { id: string; defaultValue?: string; error?: string; autoFocus?: boolean };

interface LabelledProps {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
}

/**
 * The label, hint and error around a control, wired for screen readers. After the label of every
 * required field, before any submit, « (obligatoire) » (RGAA 11.10): the same words on every form,
 * from the `required` the server's schema gives (app/.server/form.ts).
 */
function Labelled({ id, label, required, error, hint, control }: LabelledProps & { required?: boolean; control: (wiring: object) => ReactNode }) {
  const describedBy = `${hint ? `${id}-hint ` : ""}${error ? `${id}-error` : ""}`.trim();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label}
        {required && " (obligatoire)"}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-stone-600">
          {hint}
        </p>
      ) : null}
      {control({ id, name: id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy || undefined })}
      {error ? (
        <p id={`${id}-error`} className="text-sm font-medium text-brand-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const CONTROL = "rounded border border-stone-500 px-3 py-2";

/** A labelled input with its error and hint wired for screen readers. */
export function TextField({ id, label, error, hint, ...input }: LabelledProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Labelled
      id={id}
      label={label}
      required={input.required}
      error={error}
      hint={hint}
      control={(wiring) => <input {...wiring} className={`${CONTROL} aria-[invalid]:border-brand-700`} {...input} />}
    />
  );
}

/** A labelled multi-line field, wired like TextField. */
export function TextAreaField({ id, label, error, hint, ...textarea }: LabelledProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Labelled
      id={id}
      label={label}
      required={textarea.required}
      error={error}
      hint={hint}
      control={(wiring) => <textarea {...wiring} rows={8} className={`${CONTROL} aria-[invalid]:border-brand-700`} {...textarea} />}
    />
  );
}

/** A labelled drop-down list, wired like TextField. */
export function SelectField({
  id,
  label,
  error,
  hint,
  children,
  ...select
}: LabelledProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, "minLength" | "maxLength" | "type"> & FieldConstraint) {
  const { minLength: _min, maxLength: _max, type: _type, ...rest } = select;
  return (
    <Labelled id={id} label={label} required={rest.required} error={error} hint={hint} control={(wiring) => <select {...wiring} className={CONTROL} {...rest}>{children}</select>} />
  );
}

export function Notice({ tone, children }: { tone: "error" | "success" | "info"; children: ReactNode }) {
  const styles = {
    error: "border-brand-700 bg-brand-50 text-brand-900",
    success: "border-green-700 bg-green-50 text-green-900",
    info: "border-sky-700 bg-sky-50 text-sky-900",
  }[tone];
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`mt-4 rounded border-l-4 p-3 text-sm ${styles}`}>
      {children}
    </div>
  );
}
