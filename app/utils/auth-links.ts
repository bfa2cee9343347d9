/**
 * How long the links sent by e-mail stay valid. Must equal `[auth.email] otp_expiry` in
 * supabase/config.toml (seconds) for the Supabase adapter; the embedded adapter uses it directly.
 */
export const LINK_VALIDITY_SECONDS = 3600;
export const LINK_VALIDITY_TEXT = "Le lien est valable 1 heure et ne peut servir qu'une fois.";

export const AUTH_LINK_TYPES = ["invite", "recovery", "email_change"] as const;

/** Where each kind of link leads once verified. */
export function nextPathFor(type: (typeof AUTH_LINK_TYPES)[number]): string {
  return type === "email_change" ? "/mes-informations?courriel=modifie" : "/nouveau-mot-de-passe";
}
