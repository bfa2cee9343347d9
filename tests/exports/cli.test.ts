/**
 * The commands `npm run export:payments` / `npm run export:papier` (scripts/export/run.ts) on a
 * real PGlite: the file, its bytes, what is recorded, and every French message with its exit
 * status. One test spawns the real script as npm runs it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeEach, describe, expect, test } from "vitest";
import { decodeText, parseCsv } from "~/.server/import/csv";
import type { Database } from "~/.server/embedded/database";
import { DataDirLockedError } from "~/.server/embedded/lock";
import { parseEnv } from "~/.server/env";
import { runExportCommand, type ExportIo } from "../../scripts/export/run";
import type { ExportKind } from "../../scripts/export/kinds";
import { SEED } from "../support/database";
import { exportsDatabase, INVOICES, optOut, pay, serviceRpc } from "./world";

let db: Database;
let dir: string;
let opened: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "export-cli-"));
  opened = 0;
});
/** For the tests that reach the database (a command line refused never opens it). */
const withDatabase = () =>
  beforeEach(async () => {
    db = await exportsDatabase();
  });

async function run(kind: ExportKind, ...argv: string[]) {
  const out: Uint8Array[] = [];
  let err = "";
  const io: ExportIo = {
    env: () => parseEnv({ NODE_ENV: "test" }),
    openTarget: async () => {
      opened++;
      return { rpc: serviceRpc(db), description: "base de test", close: async () => {} };
    },
    stdout: (bytes) => out.push(bytes),
    stderr: (text) => (err += text),
    by: "agent (test)",
  };
  const status = await runExportCommand(kind, argv, io);
  return { status, stdout: Buffer.concat(out), stderr: err };
}

const runCount = async () => (await db.pg.query<{ n: number }>("select count(*)::int as n from portal.export_runs")).rows[0]!.n;
const cells = (bytes: Uint8Array) => parseCsv(decodeText(bytes).text).records.map((r) => r.fields);

describe("export:payments", () => {
  withDatabase();
  test("writes the file in Windows-1252 by default, records the export, and the next one has only the header", async () => {
    await pay(db, [INVOICES.payfip1, INVOICES.payfip2], "2026-12-01T09:15:00Z");
    const file = join(dir, "paiements.csv");
    const first = await run("paiements", "--out", file);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/^Export n° \d+ enregistré : 2 facture\(s\) réglée\(s\) en ligne depuis le début \(premier export\) dans .*paiements\.csv\.\n$/);
    const bytes = await readFile(file);
    expect(decodeText(bytes).encoding).toBe("windows-1252");
    const rows = cells(bytes);
    expect(rows[0]).toEqual(["Service", "Numéro d'abonné", "Numéro de facture", "Référence du paiement", "Montant", "Date du paiement", "Heure du paiement", "Prestataire", "Référence de la transaction", "Numéro d'autorisation", "Statut"]);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[10]])).toEqual([
      ["004200", "PAIE0001", "2018-020-000101", "12,34", "01/12/2026", "10:15:00", "PAYFIP", "payée"],
      ["004200", "PAIE0001", "2018-020-000102", "23,45", "01/12/2026", "10:15:00", "PAYFIP", "payée"],
    ]);
    const second = await run("paiements", "--out", file, "--encodage", "utf-8");
    expect(second.stderr).toMatch(/^Export n° \d+ enregistré : 0 facture\(s\) réglée\(s\) en ligne depuis l'export du \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(cells(await readFile(file))).toHaveLength(1);
    expect(decodeText(await readFile(file)).encoding).toBe("utf-8 (BOM)");
  });

  test("a period twice gives the same bytes, and neither run is recorded", async () => {
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    await pay(db, [INVOICES.tipi1], "2026-12-02T09:00:00Z");
    const a = await run("paiements", "--depuis", "2026-12-01", "--jusqu-au", "2026-12-02");
    await run("paiements"); // « dernier » takes both in the meantime
    const b = await run("paiements", "--depuis=2026-12-01", "--jusqu-au=2026-12-02");
    expect(a.status).toBe(0);
    expect(a.stdout.equals(b.stdout)).toBe(true);
    expect(cells(a.stdout)).toHaveLength(3);
    expect(a.stderr).toMatch(/^Période du 2026-12-01 au 2026-12-02 : 2 facture\(s\) réglée\(s\) en ligne\. Ré-export : rien n'est enregistré/);
    expect(await runCount()).toBe(1);
  });

  test("--dry-run prints the lines and records nothing: the next export has them", async () => {
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    const dry = await run("paiements", "--dry-run");
    expect(dry.stderr).toMatch(/^Essai \(--dry-run\) : 1 facture\(s\) réglée\(s\) en ligne depuis le début \(premier export\)\. Rien n'est enregistré/);
    expect(await runCount()).toBe(0);
    const real = await run("paiements");
    expect(real.stdout.equals(dry.stdout)).toBe(true);
  });
});

describe("export:papier", () => {
  withDatabase();
  test("the customers who asked to stop paper, with « non »", async () => {
    await optOut(db, SEED.nouveauCustomerId, "2026-12-03T07:00:00Z");
    const { status, stdout, stderr } = await run("papier", "--service", "004200");
    expect(status).toBe(0);
    expect(cells(stdout)).toEqual([
      ["Service", "Nom du service", "Numéro d'abonné", "Nom", "Date de la demande", "Heure de la demande", "Facture papier"],
      ["004200", "Service Multi Services de démonstration", "NOUV0001", "Famille Nouveau", "03/12/2026", "08:00:00", "non"],
    ]);
    expect(stderr).toMatch(/1 demande\(s\) d'arrêt de la facture papier/);
  });
});

describe("French messages and exit statuses", () => {
  test.each([
    [["--format", "xls"], /^Erreur : option --format inconnue\./],
    [["paiements.csv"], /^Erreur : argument « paiements\.csv » non compris : chaque valeur suit son option/],
    [["--depuis", "01/12/2026"], /^Erreur : date « 01\/12\/2026 » non comprise pour --depuis : écrivez dernier, ou une date réelle AAAA-MM-JJ/],
    [["--depuis", "2026-02-30"], /^Erreur : date « 2026-02-30 » non comprise pour --depuis/],
    [["--depuis", "2026-12-01", "--jusqu-au", "2026-13-01"], /^Erreur : date « 2026-13-01 » non comprise pour --jusqu-au/],
    [["--depuis", "2026-12-02", "--jusqu-au", "2026-12-01"], /^Erreur : --jusqu-au \(2026-12-01\) est avant --depuis \(2026-12-02\) : inversez les deux dates\./],
    [["--jusqu-au", "2026-12-01"], /^Erreur : --jusqu-au s'utilise avec --depuis AAAA-MM-JJ/],
    [["--service", "42"], /^Erreur : --service attend l'identifiant du service à 6 chiffres \(ex\. 004200\), pas « 42 »\./],
    [["--encodage", "latin9"], /^Erreur : encodage « latin9 » inconnu : windows-1252 ou utf-8\./],
    [["--out"], /^Erreur : l'option --out attend une valeur\./],
    [["--out", "a.csv", "--out", "b.csv"], /^Erreur : l'option --out est donnée deux fois\./],
  ])("%j → exit 2, the message and the usage, nothing opened", async (argv, message) => {
    const { status, stderr, stdout } = await run("paiements", ...argv);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Utilisation : npm run export:payments -- [--service <numcli>]");
    expect(stdout).toHaveLength(0);
    expect(opened).toBe(0);
  });

  test("--help: the usage on standard output, exit 0", async () => {
    const { status, stdout, stderr } = await run("papier", "--help");
    expect(status).toBe(0);
    expect(stdout.toString()).toMatch(/^Utilisation : npm run export:papier -- /);
    expect(stdout.toString()).toContain("Documentation : docs/export.md");
    expect(stderr).toBe("");
  });

  test("the embedded database held by the portal: exit 3, what to do", async () => {
    const io: ExportIo = {
      env: () => parseEnv({ NODE_ENV: "test" }),
      openTarget: async () => {
        throw new DataDirLockedError(".data", { pid: 4242, host: "serveur", command: "server/node.js", since: "2026-12-01T08:00:00Z" });
      },
      stdout: () => {},
      stderr: (text) => (err += text),
    };
    let err = "";
    expect(await runExportCommand("papier", [], io)).toBe(3);
    expect(err).toMatch(/^Erreur : la base intégrée \(\.data\) est ouverte par un autre programme \(pid 4242, « server\/node\.js »\) — sans doute le portail\.\nArrêtez-le/);
  });

  test("the real script, as npm runs it: a French message and exit 2", async () => {
    const bin = new URL("../../node_modules/.bin/vite-node", import.meta.url).pathname;
    const failure = await promisify(execFile)(bin, ["scripts/export-papier.ts", "--", "--bogus"], { cwd: new URL("../..", import.meta.url).pathname }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/^Erreur : option --bogus inconnue\./);
  });
});

describe("French messages of an export that reaches the database", () => {
  withDatabase();

  test("unknown service: exit 3, nothing recorded, an earlier file left as it was", async () => {
    const file = join(dir, "garde.csv");
    await writeFile(file, "ancien contenu");
    const { status, stderr } = await run("paiements", "--service", "999999", "--out", file);
    expect(status).toBe(3);
    expect(stderr).toMatch(/^Erreur : service 999999 inconnu dans base de test : vérifiez l'identifiant/);
    expect(await readFile(file, "utf8")).toBe("ancien contenu");
    expect(await runCount()).toBe(0);
    const fresh = join(dir, "neuf.csv");
    await run("paiements", "--service", "999999", "--out", fresh);
    await expect(stat(fresh)).rejects.toThrow(/ENOENT/);
  });

  test("a file that cannot be written: exit 3 before anything is claimed", async () => {
    await pay(db, [INVOICES.payfip1], "2026-12-01T09:00:00Z");
    const missing = await run("paiements", "--out", join(dir, "absent", "paiements.csv"));
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/^Erreur : impossible d'écrire le fichier « .*absent\/paiements\.csv » \(le dossier n'existe pas\) : choisissez un autre --out/);
    const folder = await run("paiements", "--out", dir);
    expect(folder.status).toBe(3);
    expect(folder.stderr).toMatch(/c'est un dossier/);
    expect(opened).toBe(0);
    expect(await runCount()).toBe(0);
  });
});
