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
  const form = await parseForm(request);
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
  const form = await parseForm(new Request(request.url, { method: request.method, headers: request.headers, body: bytes }));
  for (const [name, value] of form) fields.append(name, value as string);
  return fields;
}

/** A form of text fields, or a thrown 400 when the body is not one. */
async function parseForm(request: Request): Promise<FormData> {
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
