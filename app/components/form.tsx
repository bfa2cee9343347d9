import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

/** A labelled input with its error and hint wired for screen readers. */
export function TextField({
  id,
  label,
  error,
  hint,
  ...input
}: { id: string; label: string; error?: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-stone-600">
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className="rounded border border-stone-500 px-3 py-2 aria-[invalid]:border-brand-700"
        {...input}
      />
      {error ? (
        <p id={`${id}-error`} className="text-sm font-medium text-brand-700">
          {error}
        </p>
      ) : null}
    </div>
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

export function PrimaryButton({ children, ...props }: { children: ReactNode } & InputHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      type="submit"
      className="rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800"
      {...(props as object)}
    >
      {children}
    </button>
  );
}

/** Collects the first zod issue per field, for forms rendered server-side without JavaScript. */
export function fieldErrors<K extends string>(issues: { path: PropertyKey[]; message: string }[], fields: readonly K[]) {
  const errors: Partial<Record<K, string>> = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field === "string" && (fields as readonly string[]).includes(field) && !errors[field as K]) {
      errors[field as K] = issue.message;
    }
  }
  return errors;
}

/** A labelled multi-line field, wired like TextField. */
export function TextAreaField({
  id,
  label,
  error,
  hint,
  ...textarea
}: { id: string; label: string; error?: string; hint?: ReactNode } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-stone-600">
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={id}
        rows={8}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className="rounded border border-stone-500 px-3 py-2 aria-[invalid]:border-brand-700"
        {...textarea}
      />
      {error ? (
        <p id={`${id}-error`} className="text-sm font-medium text-brand-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A secondary submit button (e.g. "Effacer"); placed after the primary one so Enter never triggers it. */
export function SecondaryButton({ children, ...props }: { children: ReactNode } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="submit" className="rounded border border-brand-700 px-4 py-2 font-semibold text-brand-700 hover:bg-brand-50" {...props}>
      {children}
    </button>
  );
}
