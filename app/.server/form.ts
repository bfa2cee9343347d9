import { z } from "zod";
import { fieldErrors, type FieldConstraint, type FormConstraints, type FormReply } from "~/utils/form";
import { FORBIDDEN_CONTROL } from "~/utils/text-schema";

/**
 * The one way an action reads a submitted form (docs/decisions/0003-security-headers-and-origin-check.md,
 * "Form bodies"). `request.formData()` alone throws on a body that is not a form (JSON,
 * text/plain, no Content-Type, broken multipart), which Remix turns into a 500; and it lets
 * through values PostgreSQL cannot store (NUL). readForm answers those with a 400 and a French
 * message instead, thrown as a Response: a page shows the French error page, a resource route
 * (a provider's callback) answers the text itself.
 *
 * The servers have already capped the body at 64 KiB (server/body-limit.js).
 */

export const UNREADABLE_FORM_MESSAGE = "Le formulaire envoyé est illisible. Rechargez la page et recommencez.";
export const CONTROL_CHARACTER_MESSAGE =
  "Le formulaire envoyé contient un caractère invisible non autorisé (caractère de contrôle). Retapez le texte concerné, puis recommencez.";

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

export interface ReadFormOptions {
  /**
   * Free-text fields (a message, its subject, a name) whose control characters are left to the
   * route's schema (app/utils/text-schema.ts), so that the person sees the error beside the field
   * with their text kept. Every other field carrying one refuses the whole form.
   */
  freeText?: readonly string[];
}

function refusal(message: string): Response {
  return new Response(message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

function mediaType(headers: Headers): string {
  return (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * The submitted form's fields (text only), or a thrown 400 Response with a French message when
 * the body is not a readable form or a field carries a control character.
 */
export async function readForm(request: Request, options: ReadFormOptions = {}): Promise<FormData> {
  const form = await readFormBody(request);
  const freeText = new Set(options.freeText ?? []);
  for (const [name, value] of form) {
    if (FORBIDDEN_CONTROL.test(name) || (!freeText.has(name) && FORBIDDEN_CONTROL.test(value as string))) {
      throw refusal(CONTROL_CHARACTER_MESSAGE);
    }
  }
  return form;
}

/**
 * The fields a payment provider's callback posts (PayFiP's urlnotif and urlredirect, classic
 * TIPI's urlcl), which keep their contract: their parameters may also come in the query string,
 * so an empty body (whatever its Content-Type, or none) reads as no field; a body that is there
 * must be a form (else the same 400). Control characters are left to the route, which checks
 * every field it uses against the provider's format (idop's shape; a TIPI pair carrying one is
 * dropped by app/.server/payment/service.ts applyTipiResult), so that a resident coming back from
 * the provider still reaches the result page.
 */
export async function readCallbackForm(request: Request): Promise<URLSearchParams> {
  let bytes: ArrayBuffer;
  try {
    bytes = await request.arrayBuffer();
  } catch {
    throw refusal(UNREADABLE_FORM_MESSAGE);
  }
  const fields = new URLSearchParams();
  if (bytes.byteLength === 0) return fields;
  const form = await readFormBody(new Request(request.url, { method: request.method, headers: request.headers, body: bytes }));
  for (const [name, value] of form) fields.append(name, value as string);
  return fields;
}

/** A form of text fields, or a thrown 400 when the body is not one. */
async function readFormBody(request: Request): Promise<FormData> {
  if (!FORM_TYPES.has(mediaType(request.headers))) throw refusal(UNREADABLE_FORM_MESSAGE);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw refusal(UNREADABLE_FORM_MESSAGE);
  }
  // No form of the portal uploads a file.
  for (const [, value] of form) if (typeof value !== "string") throw refusal(UNREADABLE_FORM_MESSAGE);
  return form;
}

// The form API (docs/decisions/0021-forms.md) ----------------------------------------------------

/** A field with no maximum length in its schema is echoed back up to this many characters. */
const ECHO_MAX_DEFAULT = 254;

type FieldName<S extends z.ZodObject> = Extract<keyof z.input<S>, string>;

export interface FormOptions<K extends string> {
  /** Free-text fields: readForm leaves their control characters to the schema; echoed up to twice their maximum length. */
  freeText?: readonly K[];
  /** Fields never echoed back (passwords). */
  secret?: readonly K[];
}

/** A form declared once: its zod schema, and what follows from it for the server and the page. */
export interface FormDeclaration<S extends z.ZodObject, K extends string = FieldName<S>> {
  readonly schema: S;
  readonly fields: readonly K[];
  /** The HTML constraint attributes, for the loader to send to the page (app/components/form.tsx useForm). */
  readonly constraints: FormConstraints<K>;
  readonly freeText: readonly K[];
  readonly secret: readonly K[];
  /** How many characters of each field a reply echoes. */
  readonly echoMax: Readonly<Record<K, number>>;
}

type JsonField = { minLength?: number; maxLength?: number; format?: string };

/**
 * Declares a form from its zod object schema. The constraint attributes come from the schema:
 * `required` for a field that is neither optional nor defaulted, `minLength` (over 1) and
 * `maxLength` from the string bounds as typed (before transforms), `type: "email"` for a field
 * that ends in `z.email()`.
 */
export function declareForm<S extends z.ZodObject>(schema: S, options: FormOptions<FieldName<S>> = {}): FormDeclaration<S> {
  type K = FieldName<S>;
  const typed = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const parsed = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" });
  const typedFields = (typed.properties ?? {}) as Record<string, JsonField>;
  const parsedFields = (parsed.properties ?? {}) as Record<string, JsonField>;
  const required = new Set(typed.required ?? []);
  const freeText = options.freeText ?? [];
  const fields = Object.keys(schema.shape) as K[];
  const constraints = {} as Record<K, FieldConstraint>;
  const echoMax = {} as Record<K, number>;
  for (const field of fields) {
    const { minLength, maxLength } = typedFields[field] ?? {};
    const constraint: FieldConstraint = {};
    if (required.has(field)) constraint.required = true;
    if (minLength !== undefined && minLength > 1) constraint.minLength = minLength;
    if (maxLength !== undefined) constraint.maxLength = maxLength;
    if (parsedFields[field]?.format === "email") constraint.type = "email";
    constraints[field] = constraint;
    echoMax[field] = maxLength === undefined ? ECHO_MAX_DEFAULT : freeText.includes(field) ? maxLength * 2 : maxLength;
  }
  return { schema, fields, constraints, freeText, secret: options.secret ?? [], echoMax };
}

/** The outcome of parsing a submitted form against its declaration. */
export type Submission<S extends z.ZodObject, K extends string = FieldName<S>> = (
  | { success: true; value: z.output<S>; errors: Partial<Record<K, string>> }
  | { success: false; value: null; errors: Partial<Record<K, string>> }
) & {
  /**
   * The reply for the page: the field errors (plus `errors` given here), `formError`, and the
   * typed values, truncated and without secrets (`values` given here replace them).
   */
  reply(extra?: { formError?: string | null; errors?: Partial<Record<K, string>>; values?: Partial<Record<K, string>> }): FormReply<K>;
};

/** A form read from the request, not parsed yet (a route may look at a field first, e.g. which button). */
export interface SubmittedForm<S extends z.ZodObject, K extends string = FieldName<S>> {
  /** Every submitted field, as text. */
  readonly fields: Readonly<Record<string, string>>;
  /** Parses the fields, with some replaced first (`overrides`: e.g. the only possible service). */
  parse(overrides?: Partial<Record<K, string>>): Submission<S, K>;
}

/** Reads the form (readForm's 400 answers included) for a later `parse()`. */
export async function readSubmission<S extends z.ZodObject>(request: Request, form: FormDeclaration<S>): Promise<SubmittedForm<S>> {
  const fields = Object.fromEntries(await readForm(request, { freeText: form.freeText })) as Record<string, string>;
  return { fields, parse: (overrides) => parseFields(form, { ...fields, ...overrides }) };
}

/** Reads and parses the form in one step. */
export async function parseSubmission<S extends z.ZodObject>(request: Request, form: FormDeclaration<S>): Promise<Submission<S>> {
  return (await readSubmission(request, form)).parse();
}

/** Parses fields already read (a form posted to another route, a test). */
export function parseFields<S extends z.ZodObject>(form: FormDeclaration<S>, input: Record<string, unknown>): Submission<S> {
  type K = FieldName<S>;
  const result = form.schema.safeParse(input);
  const errors = result.success ? {} : fieldErrors(result.error.issues, form.fields);
  const echoed = {} as Record<K, string>;
  for (const field of form.fields) {
    const value = input[field];
    echoed[field] = typeof value === "string" && !form.secret.includes(field) ? value.slice(0, form.echoMax[field]) : "";
  }
  const reply: Submission<S>["reply"] = (extra = {}) => ({
    errors: { ...errors, ...extra.errors },
    formError: extra.formError ?? null,
    values: { ...echoed, ...extra.values },
  });
  return result.success ? { success: true, value: result.data, errors, reply } : { success: false, value: null, errors, reply };
}
