import { z } from "zod";
import { FORBIDDEN_CONTROL, isCleanText } from "./text-schema";

/**
 * The password rule, shared by the screen (shown beside the field), the form schema and every
 * adapter. CNIL recommendation (délibération 2022-100), case "with login throttling": at least
 * `minLength` characters (8 by default, configurable with PASSWORD_MIN_LENGTH) mixing at least
 * two kinds of characters (letters, digits, others). Supabase Auth is configured to the same
 * floor in supabase/config.toml.
 */
export function passwordRuleText(minLength: number): string {
  return `Au moins ${minLength} caractères, avec au moins deux types de caractères parmi : lettres, chiffres, autres caractères (ponctuation, symboles, espaces).`;
}

export function characterKinds(password: string): number {
  let kinds = 0;
  if (/\p{L}/u.test(password)) kinds++;
  if (/\p{N}/u.test(password)) kinds++;
  if (/[^\p{L}\p{N}]/u.test(password)) kinds++;
  return kinds;
}

/** A new password holds no control character, tab included (app/utils/text-schema.ts). */
export const NEW_PASSWORD_CONTROL_MESSAGE =
  "Le mot de passe ne peut pas contenir de caractère invisible (tabulation, retour à la ligne ou caractère de contrôle).";

export function newPasswordSchema(minLength: number) {
  return z
    .string({ error: "Saisissez un mot de passe." })
    .min(1, "Saisissez un mot de passe.")
    .min(minLength, `Le mot de passe doit contenir au moins ${minLength} caractères.`)
    .max(128, "Le mot de passe ne peut pas dépasser 128 caractères.")
    .refine(
      (value) => characterKinds(value) >= 2,
      "Le mot de passe doit mélanger au moins deux types de caractères : par exemple des lettres et des chiffres.",
    )
    .refine((value) => isCleanText(value, { multiline: false }), NEW_PASSWORD_CONTROL_MESSAGE);
}

/**
 * A password typed to log in or to confirm a change: one set before this rule may hold a tab, so
 * only what no password may hold is refused (NUL cannot reach PostgreSQL).
 */
export function typedPasswordIsClean(value: string): boolean {
  return !FORBIDDEN_CONTROL.test(value);
}
