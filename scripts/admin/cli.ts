import { userInfo } from "node:os";
import { z } from "zod";

/** A command line the staff got wrong: the French message says what to type instead. */
export class StaffCommandError extends Error {
  override name = "StaffCommandError";
}

/**
 * Splits `args` into the options named in `allowed` (`--name value`) and the other words. An
 * unknown option, an option without its value or given twice is an error.
 */
export function parseOptions(args: readonly string[], allowed: readonly string[]): { options: Record<string, string>; words: string[] } {
  const options: Record<string, string> = {};
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      words.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (!allowed.includes(name)) {
      throw new StaffCommandError(`Option inconnue : ${arg}. Options possibles ici : ${allowed.map((a) => `--${a}`).join(", ") || "aucune"}.`);
    }
    const value = args[i + 1];
    if (value === undefined || value.startsWith("--")) throw new StaffCommandError(`Donnez une valeur après ${arg}, ex. ${arg} ${EXAMPLES[name] ?? "…"}.`);
    if (name in options) throw new StaffCommandError(`L'option ${arg} est donnée deux fois : gardez-en une.`);
    options[name] = value;
    i++;
  }
  return { options, words };
}

const EXAMPLES: Record<string, string> = { service: "004200", mois: "2026-11", motif: '"Vu sur le relevé DGFiP du 28/11"', par: '"Mme Comptable"' };

/** Every value typed on the command line goes through one of these. */
export const cliValues = {
  numcli: z.string().regex(/^\d{6}$/, "Le service s'indique par son numéro TIPI/PayFiP à 6 chiffres (numcli), ex. --service 004200."),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Le mois s'indique sous la forme AAAA-MM, ex. --mois 2026-11.")
    .transform((m) => `${m}-01`),
  reason: z
    .string()
    .trim()
    .min(1, 'Indiquez le motif de la décision : --motif "…" (ce que montre le relevé de la DGFiP).')
    .max(1000, "Le motif compte 1 000 caractères au plus : raccourcissez-le."),
  by: z.string().trim().min(1, 'Indiquez qui décide : --par "<nom>".').max(200, "Le nom (--par) compte 200 caractères au plus."),
  paymentRef: z
    .string()
    .trim()
    .regex(
      /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9]{6,30})$/i,
      "Indiquez le paiement par son identifiant ou sa référence refdet, tels que « npm run admin -- paiements a-confirmer » les affiche.",
    ),
};

/** Parses `value` with `schema`, or throws its French message. */
export function valueOf<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StaffCommandError(parsed.error.issues[0]?.message ?? "Valeur invalide.");
  return parsed.data;
}

/** Who decides: `--par`, else the system user running the command. */
export function deciderOf(par: string | undefined): string {
  if (par !== undefined) return valueOf(cliValues.by, par);
  let user = process.env.USER || process.env.LOGNAME || "";
  try {
    user ||= userInfo().username;
  } catch {
    // no user name on this system
  }
  return `${user || "inconnu"} (npm run admin)`;
}

/** A plain-text table for the terminal: columns padded to their widest cell; numbers right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (rightAligned.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const parisDateTime = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "short" });

/** Takes `--par "<nom>"` out of `args` (the system user when absent); the command checks the name. */
export function takeBy(args: readonly string[]): { by: string; rest: string[] } {
  const at = args.indexOf("--par");
  if (at === -1) return { by: deciderOf(undefined), rest: [...args] };
  return { by: args[at + 1] ?? "", rest: [...args.slice(0, at), ...args.slice(at + 2)] };
}
