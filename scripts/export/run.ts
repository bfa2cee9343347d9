/**
 * `npm run export:payments` and `npm run export:papier` (docs/export.md): reads the options, opens
 * the target, asks SQL for the lines (one call), writes the CSV to the file or to standard output
 * and says in French what was done on standard error. Exit status: 0 done; 2 wrong command line;
 * 3 the export could not run (database busy, unknown service, file not writable). Everything from
 * outside (environment, target, clock, streams) comes through `ExportIo`, so tests call `runExportCommand`.
 */
import { open, stat, unlink, type FileHandle } from "node:fs/promises";
import { userInfo } from "node:os";
import { DataDirLockedError } from "../../app/.server/embedded/lock";
import type { Env } from "../../app/.server/env";
import { csvText, encodeExport } from "./csv";
import { callExport, EXPORTS, rowOf, type ExportKind } from "./kinds";
import { ExportUsageError, parseExportArgs, type ExportOptions } from "./options";
import { openExportTarget, type ExportTarget } from "./target";

export interface ExportIo {
  env: () => Env;
  openTarget?: (config: Env) => Promise<ExportTarget>;
  stdout: (bytes: Uint8Array) => void;
  stderr: (text: string) => void;
  /** Who runs the export (recorded with it); default: the system user. */
  by?: string;
}

export function usage(kind: ExportKind): string {
  const { command, noun } = EXPORTS[kind];
  return `Utilisation : ${command} -- [--service <numcli>] [--depuis dernier|AAAA-MM-JJ] [--jusqu-au AAAA-MM-JJ] [--out fichier.csv] [--encodage windows-1252|utf-8] [--dry-run]
  Exporte les ${noun} pour le logiciel de facturation (CSV, séparateur ;).
  --service <numcli>     un seul service (identifiant TIPI/PayFiP à 6 chiffres) ; par défaut tous
  --depuis dernier       par défaut : tout ce qui n'a pas encore été exporté, puis l'export est enregistré
  --depuis AAAA-MM-JJ    ré-exporte une période (jour compris, heure de Paris) sans rien enregistrer
  --jusqu-au AAAA-MM-JJ  fin de la période (jour compris) ; par défaut jusqu'à maintenant
  --out fichier.csv      le fichier à écrire ; par défaut la sortie standard
  --encodage …           windows-1252 (par défaut, « ANSI ») ou utf-8 (avec BOM)
  --dry-run              essai : écrit le fichier mais n'enregistre pas l'export (le prochain les reprendra)
Documentation : docs/export.md`;
}

function systemUser(): string {
  const fromEnv = process.env.USER ?? process.env.LOGNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return "inconnu";
  }
}

const frenchDateTime = (iso: string) =>
  new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "short" }).format(new Date(iso));

interface Output {
  handle: FileHandle;
  /** Removed when the export fails: it did not exist before. */
  created: boolean;
}

/**
 * Opens the output file before anything is claimed (a file that cannot be written stops the export
 * first), without emptying it yet: a failed export leaves a previous file as it was.
 */
async function openOutput(path: string): Promise<Output | string> {
  try {
    const created = await stat(path).then(() => false, () => true);
    return { handle: await open(path, "a"), created };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "le dossier n'existe pas" : code === "EACCES" || code === "EPERM" ? "droits insuffisants" : code === "EISDIR" ? "c'est un dossier" : String(code ?? error);
    return `impossible d'écrire le fichier « ${path} » (${why}) : choisissez un autre --out, ou vérifiez le dossier et ses droits. Rien n'a été exporté.`;
  }
}

function summary(kind: ExportKind, options: ExportOptions, lines: number, runId: number | null | undefined, previousAt: string | null | undefined): string {
  const { noun } = EXPORTS[kind];
  const where = options.out ? ` dans ${options.out}` : "";
  if (options.from) {
    const period = options.to ? `du ${options.from} au ${options.to}` : `depuis le ${options.from}`;
    return `Période ${period} : ${lines} ${noun}${where}. Ré-export : rien n'est enregistré, le prochain export « depuis le dernier » n'en est pas changé.`;
  }
  const since = previousAt ? `depuis l'export du ${frenchDateTime(previousAt)}` : "depuis le début (premier export)";
  if (options.dryRun) {
    return `Essai (--dry-run) : ${lines} ${noun} ${since}${where}. Rien n'est enregistré : le prochain export les reprendra.`;
  }
  return `Export n° ${runId} enregistré : ${lines} ${noun} ${since}${where}.`;
}

export async function runExportCommand(kind: ExportKind, argv: readonly string[], io: ExportIo): Promise<number> {
  let options: ExportOptions | null;
  try {
    options = parseExportArgs(argv);
  } catch (error) {
    if (!(error instanceof ExportUsageError)) throw error;
    io.stderr(`Erreur : ${error.message}\n\n${usage(kind)}\n`);
    return 2;
  }
  if (!options) {
    io.stdout(new TextEncoder().encode(`${usage(kind)}\n`));
    return 0;
  }
  const output = options.out ? await openOutput(options.out) : null;
  if (typeof output === "string") {
    io.stderr(`Erreur : ${output}\n`);
    return 3;
  }
  let status = 1;
  try {
    status = await exportTo(kind, options, io, output?.handle ?? null);
    return status;
  } finally {
    await output?.handle.close();
    if (output?.created && status !== 0) await unlink(options.out!).catch(() => {});
  }
}

async function exportTo(kind: ExportKind, options: ExportOptions, io: ExportIo, output: FileHandle | null): Promise<number> {
  let target: ExportTarget;
  try {
    target = await (io.openTarget ?? openExportTarget)(io.env());
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    io.stderr(
      `Erreur : la base intégrée (${error.dataDir}) est ouverte par un autre programme (pid ${error.owner.pid}, « ${error.owner.command} ») — sans doute le portail.\n` +
        "Arrêtez-le (Ctrl+C dans sa fenêtre), lancez l'export, puis redémarrez le portail. Rien n'a été exporté.\n",
    );
    return 3;
  }
  try {
    let answer;
    try {
      answer = await callExport(target.rpc, kind, options, io.by ?? `${systemUser()} (${EXPORTS[kind].command})`);
    } catch (error) {
      io.stderr(
        `Erreur : l'export n'a pas abouti (${(error as Error).message}). Aucune ligne n'a été marquée exportée : relancez la commande ; ` +
          "si l'erreur revient, transmettez ce message à l'équipe technique (docs/export.md).\n",
      );
      return 3;
    }
    if (answer.outcome === "unknown_service") {
      io.stderr(`Erreur : service ${options.numcli} inconnu dans ${target.description} : vérifiez l'identifiant (la liste : npm run admin -- services, ou la table portal.services du tableau de bord Supabase). Rien n'a été exporté.\n`);
      return 3;
    }
    const lines = answer.lines ?? [];
    const { bytes, replaced } = encodeExport(csvText(EXPORTS[kind].header, lines.map((l) => rowOf(kind, l))), options.encoding);
    try {
      if (output) {
        // Opened for appending (see openOutput): emptied now, then written from its start.
        await output.truncate(0);
        await output.writeFile(bytes);
      }
      else io.stdout(bytes);
    } catch (error) {
      const again = lines.length > 0 && answer.run_id ? ` L'export n° ${answer.run_id} est pourtant enregistré : refaites le fichier avec --depuis et --jusqu-au sur les jours qu'il couvre (docs/export.md).` : "";
      io.stderr(`Erreur : écriture du fichier impossible (${(error as Error).message}).${again}\n`);
      return 3;
    }
    io.stderr(`${summary(kind, options, lines.length, answer.run_id, answer.previous_at)}\n`);
    if (replaced > 0) {
      io.stderr(`Attention : ${replaced} caractère(s) absent(s) de Windows-1252 ont été remplacés (sans accent, ou « ? ») ; --encodage utf-8 les garde.\n`);
    }
    return 0;
  } finally {
    await target.close();
  }
}
