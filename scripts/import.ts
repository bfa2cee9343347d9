/**
 * `npm run import -- <folder or files…> [--service <numcli>] [--dry-run] [--strict]`
 * Loads customers, invoices and their PDFs from the billing software's CSV exports into the portal
 * (Supabase when SUPABASE_URL and the service-role key are set, else the embedded default in
 * DATA_DIR — with the portal stopped). Staff documentation: docs/import.md.
 * Exit status: 0 done without error; 1 errors (valid lines written, or nothing with --strict /
 * --dry-run); 2 wrong command line; 3 the import could not run (database busy, unknown service…).
 */
import { env } from "../app/.server/env";
import { DataDirLockedError } from "../app/.server/embedded/lock";
import { formatReport, ImportStopped, runImport } from "../app/.server/import/run";
import { collectInput, InputError } from "./import/files";
import { terminalProgress } from "./import/progress";
import { openImportTarget } from "./import/target";

const USAGE = `Utilisation : npm run import -- <dossier ou fichiers…> [--service <numcli>] [--dry-run] [--strict]
  --service <numcli>  le service (identifiant TIPI/PayFiP à 6 chiffres) ; facultatif s'il n'y en a qu'un
  --dry-run           essai : vérifie tout et affiche ce qui changerait, sans rien écrire
  --strict            n'écrit rien du tout si une seule ligne est en erreur
Documentation : docs/import.md`;

function parseArgs(argv: string[]) {
  const paths: string[] = [];
  let numcli: string | undefined;
  let dryRun = false;
  let strict = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--dry-run") dryRun = true;
    else if (a === "--strict") strict = true;
    else if (a === "--service") numcli = argv[++i];
    else if (a.startsWith("--service=")) numcli = a.slice("--service=".length);
    else if (a === "--help" || a === "-h") return null;
    else if (a.startsWith("--")) throw new InputError(`option ${a} inconnue.`);
    else paths.push(a);
  }
  if (numcli !== undefined && !/^\d{6}$/.test(numcli)) throw new InputError("--service attend l'identifiant du service à 6 chiffres (ex. 004200).");
  if (paths.length === 0) throw new InputError("indiquez le dossier (ou les fichiers) à importer.");
  return { paths, numcli, dryRun, strict };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`Erreur : ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  let input;
  try {
    input = await collectInput(args.paths);
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`Erreur : ${error.message}`);
      return 2;
    }
    throw error;
  }
  const config = env();
  let target;
  try {
    target = await openImportTarget(config);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(
        `La base intégrée (${error.dataDir}) est ouverte par un autre programme (pid ${error.owner.pid}, « ${error.owner.command} », depuis ${error.owner.since}) — sans doute le portail.\n` +
          "Arrêtez-le (Ctrl+C dans sa fenêtre), lancez l'import, puis redémarrez le portail.",
      );
      return 3;
    }
    throw error;
  }
  try {
    const report = await runImport(target, input, {
      numcli: args.numcli,
      dryRun: args.dryRun,
      strict: args.strict,
      progress: terminalProgress(),
    });
    console.log(formatReport(report).join("\n"));
    return report.errors.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof ImportStopped) {
      console.error(`Import arrêté : ${error.message}`);
      return 3;
    }
    throw error;
  } finally {
    await target.close();
  }
}

process.exit(await main());
