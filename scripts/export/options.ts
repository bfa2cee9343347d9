/**
 * The command line of `npm run export:payments` / `npm run export:papier` (docs/export.md):
 * [--service <numcli>] [--depuis dernier|AAAA-MM-JJ] [--jusqu-au AAAA-MM-JJ] [--out fichier.csv]
 * [--encodage windows-1252|utf-8] [--dry-run]. Every refusal is a French sentence saying what to
 * write instead (ExportUsageError, exit status 2).
 */

export type ExportEncoding = "windows-1252" | "utf-8";

export interface ExportOptions {
  numcli: string | null;
  /** null: « depuis le dernier export » (claimed and recorded unless dryRun). */
  from: string | null;
  to: string | null;
  /** null: standard output. */
  out: string | null;
  encoding: ExportEncoding;
  dryRun: boolean;
}

/** What the billing software writes (docs/import.md: Windows-1252, « ANSI », as Excel saves it). */
export const DEFAULT_ENCODING: ExportEncoding = "windows-1252";

export class ExportUsageError extends Error {
  override name = "ExportUsageError";
}

/** A real calendar day written AAAA-MM-JJ, else null. */
export function calendarDay(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && year >= 2000 ? text : null;
}

const VALUE_OPTIONS = ["--service", "--depuis", "--jusqu-au", "--out", "--encodage"] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** The arguments as option → value, flags and `--name=value` included; unknown options refused. */
function readPairs(argv: readonly string[]): { values: Partial<Record<ValueOption, string>>; dryRun: boolean } | null {
  const values: Partial<Record<ValueOption, string>> = {};
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return null;
    if (arg === "--dry-run") {
      dryRun = true;
      continue;
    }
    const [name, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (!(VALUE_OPTIONS as readonly string[]).includes(name)) {
      throw new ExportUsageError(
        arg.startsWith("-") ? `option ${name} inconnue.` : `argument « ${arg} » non compris : chaque valeur suit son option (par exemple --out paiements.csv).`,
      );
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
      throw new ExportUsageError(`l'option ${name} attend une valeur.`);
    }
    if (values[name as ValueOption] !== undefined) throw new ExportUsageError(`l'option ${name} est donnée deux fois.`);
    values[name as ValueOption] = value;
  }
  return { values, dryRun };
}

/** The options, or null for --help. */
export function parseExportArgs(argv: readonly string[]): ExportOptions | null {
  const pairs = readPairs(argv.filter((a) => a !== "--"));
  if (!pairs) return null;
  const { values, dryRun } = pairs;
  const numcli = values["--service"] ?? null;
  if (numcli !== null && !/^\d{6}$/.test(numcli)) {
    throw new ExportUsageError(`--service attend l'identifiant du service à 6 chiffres (ex. 004200), pas « ${numcli} ».`);
  }
  const since = values["--depuis"] ?? "dernier";
  const from = since === "dernier" ? null : calendarDay(since);
  if (since !== "dernier" && from === null) {
    throw new ExportUsageError(`date « ${since} » non comprise pour --depuis : écrivez dernier, ou une date réelle AAAA-MM-JJ (ex. 2026-11-01).`);
  }
  const until = values["--jusqu-au"];
  const to = until === undefined ? null : calendarDay(until);
  if (until !== undefined && to === null) {
    throw new ExportUsageError(`date « ${until} » non comprise pour --jusqu-au : écrivez une date réelle AAAA-MM-JJ (ex. 2026-11-30).`);
  }
  if (to !== null && from === null) {
    throw new ExportUsageError("--jusqu-au s'utilise avec --depuis AAAA-MM-JJ (une période) : « depuis le dernier export » va toujours jusqu'à maintenant.");
  }
  if (to !== null && from !== null && to < from) {
    throw new ExportUsageError(`--jusqu-au (${to}) est avant --depuis (${from}) : inversez les deux dates.`);
  }
  const encoding = (values["--encodage"] ?? DEFAULT_ENCODING).toLowerCase();
  if (encoding !== "windows-1252" && encoding !== "utf-8") {
    throw new ExportUsageError(`encodage « ${values["--encodage"]} » inconnu : windows-1252 ou utf-8.`);
  }
  return { numcli, from, to, out: values["--out"] ?? null, encoding, dryRun };
}
