/**
 * `npm run admin -- legal show | legal set <champ> "<valeur>" | legal clear <champ>`: the legal
 * identity of the deployment on the embedded default (portal.legal_identity,
 * supabase/migrations/20261202090000_legal_identity.sql; with Supabase, the SQL of
 * docs/staff-settings.md). Every value is checked by a zod schema before it is written as
 * service_role; the table's check constraints say the same again. French messages: staff read them.
 */
import { z } from "zod";
import { AdminError } from "../../app/.server/embedded/admin";
import { createLegalPort } from "../../app/.server/data/public-side";
import type { Database } from "../../app/.server/embedded/database";
import { createEmbeddedRpc } from "../../app/.server/embedded/rpc";
import { LEGAL_FIELDS, type LegalField, type LegalFieldKind, type LegalInfo } from "../../app/.server/ports/legal";

const FIELDS = Object.entries(LEGAL_FIELDS) as Array<[LegalField, (typeof LEGAL_FIELDS)[LegalField]]>;

/** Staff's name of a field (`siret`, `hebergeur-adresse`…) → the field. */
export function legalField(cli: string | undefined): LegalField {
  const found = FIELDS.find(([, spec]) => spec.cli === cli);
  if (!found) {
    throw new AdminError(`Champ ${cli ? `« ${cli} » ` : ""}inconnu. Champs possibles :\n${FIELDS.map(([, s]) => `  ${s.cli.padEnd(36)} ${s.label}`).join("\n")}`);
  }
  return found[0];
}

/**
 * A SIRET: 14 digits whose Luhn key is right (INSEE's rule); La Poste's establishments (SIREN
 * 356000000) may instead have digits that add up to a multiple of 5.
 */
export function isSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const luhn = digits.reduce((total, digit, i) => {
    const doubled = i % 2 === 0 ? digit * 2 : digit; // 14 digits: from the left, even positions are doubled
    return total + (doubled > 9 ? doubled - 9 : doubled);
  }, 0);
  if (luhn % 10 === 0) return true;
  return value.startsWith("356000000") && digits.reduce((a, b) => a + b, 0) % 5 === 0;
}

// Line breaks are allowed (an address on several lines); other control characters are not.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

function schemaFor(kind: LegalFieldKind, label: string, max = 300) {
  switch (kind) {
    case "text":
      return z
        .string()
        .transform((s) => s.replace(/\\n/g, "\n").replace(/\r\n?/g, "\n").trim())
        .pipe(
          z
            .string()
            .min(1, `Indiquez la valeur (${label}), ou utilisez « legal clear ».`)
            .max(max, `Texte trop long (${max} caractères au plus).`)
            .refine((s) => !CONTROL.test(s), "Le texte contient des caractères de contrôle."),
        );
    case "email":
      return z
        .string()
        .transform((s) => s.trim().toLowerCase())
        .pipe(z.string().max(254, "Adresse mail trop longue.").regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "Adresse mail invalide (exemple : contact@commune.fr)."));
    case "siret":
      return z
        .string()
        .transform((s) => s.replace(/\s/g, ""))
        .pipe(
          z
            .string()
            .regex(/^\d{14}$/, "Le SIRET compte 14 chiffres.")
            .refine(isSiret, "Ce SIRET n'est pas valide (sa clé de contrôle ne correspond pas) : vérifiez-le sur annuaire-entreprises.data.gouv.fr."),
        );
    case "days":
    case "months": {
      const [unit, most] = kind === "days" ? ["jours", 3650] : ["mois", 600];
      return z
        .string()
        .trim()
        .regex(/^\d+$/, `Indiquez un nombre entier de ${unit}.`)
        .transform(Number)
        .pipe(z.number().int().min(1, `Au moins 1 ${kind === "days" ? "jour" : "mois"}.`).max(most, `Au plus ${most} ${unit}.`));
    }
  }
}

/** The value staff typed, checked and normalised for its field; AdminError in French otherwise. */
export function legalValue(field: LegalField, raw: string): string | number {
  const spec: { kind: LegalFieldKind; label: string; max?: number } = LEGAL_FIELDS[field];
  const parsed = schemaFor(spec.kind, spec.label, spec.max).safeParse(raw);
  if (!parsed.success) throw new AdminError(`${spec.label.charAt(0).toLocaleUpperCase("fr-FR")}${spec.label.slice(1)} : ${parsed.error.issues[0]?.message ?? "valeur refusée"}`);
  return parsed.data;
}

/** Writes one field (null clears it), as service_role. */
export async function setLegalField(db: Database, field: LegalField, value: string | number | null): Promise<void> {
  const column = LEGAL_FIELDS[field].column; // from the fixed list above, never from input
  await db.asService((tx) => tx.query(`update portal.legal_identity set ${column} = $1 where id`, [value]));
}

/** What the public pages read (public.legal_info() as anon, through the same port as the portal). */
export function readLegalInfo(db: Database): Promise<LegalInfo> {
  return createLegalPort(createEmbeddedRpc(db, { role: "anon" })).legalInfo();
}

/** `legal show`: one line per field, with its name for `legal set`, « (non renseigné) » where empty. */
export function formatLegalInfo(info: LegalInfo): string {
  const lines = FIELDS.map(([field, spec]) => {
    const value = info[field];
    const shown = value === null ? "(non renseigné)" : String(value).replace(/\n/g, " / ");
    return `${spec.cli.padEnd(36)} ${shown}\n${" ".repeat(37)}${spec.label}`;
  });
  const missing = FIELDS.filter(([field]) => info[field] === null).length;
  return [
    ...lines,
    "",
    missing === 0 ? "Tous les champs sont renseignés." : `${missing} champ(s) non renseigné(s) : les pages /mentions-legales et /donnees-personnelles le signalent aux usagers.`,
  ].join("\n");
}
