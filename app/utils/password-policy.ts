import { z } from "zod";

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

export function newPasswordSchema(minLength: number) {
  return z
    .string({ error: "Saisissez un mot de passe." })
    .min(1, "Saisissez un mot de passe.")
    .min(minLength, `Le mot de passe doit contenir au moins ${minLength} caractères.`)
    .max(128, "Le mot de passe ne peut pas dépasser 128 caractères.")
    .refine(
      (value) => characterKinds(value) >= 2,
      "Le mot de passe doit mélanger au moins deux types de caractères : par exemple des lettres et des chiffres.",
    );
}
