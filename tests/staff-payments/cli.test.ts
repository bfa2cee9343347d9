import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { createEmbeddedRpc } from "~/.server/embedded/rpc";
import { runStaffCommand } from "../../scripts/admin/staff";
import { testDatabase } from "../support/database";
import { activityFixture, attempt, TWO_DAYS } from "./fixture";

/**
 * `npm run admin -- paiements …` and `stats …` (scripts/admin/) on a real PGlite through the
 * service role's rpc, as scripts/admin.ts runs them: what staff read, in French, and the exit code.
 */
let db: Database;
let reported: Awaited<ReturnType<typeof attempt>>;
let stuck: Awaited<ReturnType<typeof attempt>>;
beforeAll(async () => {
  db = await testDatabase();
  reported = await attempt(db, { status: "reported", provider: "tipi", startedMinutesAgo: 90 });
  stuck = await attempt(db, { status: "pending", startedMinutesAgo: TWO_DAYS });
  await activityFixture(db);
});
afterAll(async () => {
  await db?.close();
});

const run = (...argv: string[]) => runStaffCommand(createEmbeddedRpc(db, { role: "service_role" }), argv);

describe("paiements a-confirmer", () => {
  test("a table: date, service, customer, invoices, amount, provider, refdet, idop, why", async () => {
    const { code, stdout } = await run("paiements", "a-confirmer");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    // The two of this file, and the reported one of the activity fixture.
    expect(lines[0]).toBe("3 paiement(s) à confirmer :");
    expect(lines[2]).toMatch(/^Date\s+Identifiant\s+Service\s+Abonné\s+Factures\s+Montant\s+Prestataire\s+refdet\s+idop\s+Pourquoi$/);
    const stuckLine = lines.find((l) => l.includes(stuck.id))!;
    expect(stuckLine).toContain("004200 Service Multi Services");
    expect(stuckLine).toContain("SISTEC560 Test SISTEC560");
    expect(stuckLine).toContain(`STAFF-${stuck.refdet}`);
    expect(stuckLine).toMatch(/12,50\s€/);
    expect(stuckLine).toContain("PayFiP");
    expect(stuckLine).toContain(`idop-${stuck.refdet}`);
    expect(stuckLine).toContain("sans réponse de PayFiP");
    expect(lines.find((l) => l.includes(reported.id))).toMatch(/TIPI .*signalé payé \(TIPI\)/);
    expect(stdout).toContain('paiements confirmer <identifiant> --motif "…"');
  });

  test("--service: that service's only; a malformed one is refused in French", async () => {
    expect((await run("paiements", "a-confirmer", "--service", "004281")).stdout).toBe("Aucun paiement à confirmer pour le service 004281.");
    expect(await run("paiements", "a-confirmer", "--service", "42")).toEqual({
      code: 1,
      stdout: "",
      stderr: "Le service s'indique par son numéro TIPI/PayFiP à 6 chiffres (numcli), ex. --service 004200.",
    });
    expect((await run("paiements", "a-confirmer", "--service")).stderr).toBe("Donnez une valeur après --service, ex. --service 004200.");
    expect((await run("paiements", "a-confirmer", "--mois", "2025-01")).stderr).toMatch(/^Option inconnue : --mois\./);
  });
});

describe("paiements confirmer / rejeter", () => {
  test("errors in French: missing --motif, the reason given without it, unknown id or refdet, a malformed reference", async () => {
    expect(await run("paiements", "confirmer", stuck.id)).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Indiquez le motif de la décision : --motif "…" (ce que montre le relevé de la DGFiP).',
    });
    expect((await run("paiements", "confirmer", stuck.id, "vu sur le relevé")).stderr).toMatch(/le motif après --motif, entre guillemets/);
    expect((await run("paiements", "confirmer", "00000000-0000-4000-8000-000000000000", "--motif", "vu")).stderr).toBe(
      "Paiement 00000000-0000-4000-8000-000000000000 inconnu : « npm run admin -- paiements a-confirmer » affiche les paiements à confirmer.",
    );
    expect((await run("paiements", "rejeter", "INCONNU123", "--motif", "vu")).stderr).toMatch(/^Aucun paiement à confirmer n'a la référence INCONNU123/);
    expect((await run("paiements", "rejeter", "pas-une-ref!", "--motif", "vu")).stderr).toMatch(/par son identifiant ou sa référence refdet/);
    expect((await run("paiements", "rejeter", "--motif", "vu")).stderr).toMatch(/^Indiquez le paiement :/);
    expect((await run("paiements", "confirmer", stuck.id, "--motif", "vu", "--par", " ")).stderr).toBe('Indiquez qui décide : --par "<nom>".');
  });

  test("confirm by refdet with --par: done once; again: nothing to do; the other decision: refused", async () => {
    const first = await run("paiements", "confirmer", reported.refdet, "--motif", "Relevé DGFiP du 28/11", "--par", "Mme Comptable");
    expect(first).toEqual({
      code: 0,
      stdout: `Paiement ${reported.id} confirmé par Mme Comptable : ses factures sont réglées ; l'usager reçoit son justificatif par courriel.`,
      stderr: "",
    });
    const again = await run("paiements", "confirmer", reported.id, "--motif", "encore");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Rien à faire : le paiement ${reported.id} est déjà réglé \\(décision de Mme Comptable le \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d\\)\\.$`));
    const other = await run("paiements", "rejeter", reported.id, "--motif", "erreur");
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/n'est pas à confirmer \(état : réglé, décision de Mme Comptable/);
    const rows = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.payment_events where attempt_id = $1 and kind = 'report_confirmed'", [reported.id]);
    expect(rows.rows[0]!.n).toBe(1);
  });

  test("reject without --par: the system user is recorded", async () => {
    const done = await run("paiements", "rejeter", stuck.id, "--motif", "Absent du relevé");
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/rejeté par .+ \(npm run admin\) : ses factures peuvent de nouveau être payées\.$/);
    const { rows } = await db.pg.query<{ reviewed_by: string }>("select reviewed_by from portal.payment_attempts where id = $1", [stuck.id]);
    expect(rows[0]!.reviewed_by).toMatch(/\(npm run admin\)$/);
  });

  test("an attempt the reconciliation job still settles: refused with what to do", async () => {
    const waiting = await attempt(db, { status: "pending", startedMinutesAgo: 10 });
    const refused = await run("paiements", "confirmer", waiting.id, "--motif", "vu");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/n'est pas à confirmer \(état : en cours\) : il attend encore la réponse du prestataire/);
  });
});

describe("stats", () => {
  test("one month of one service: French labels, amounts in euros, the notes", async () => {
    const { code, stdout } = await run("stats", "--service", "004200", "--mois", "2025-09");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("Septembre 2025");
    expect(lines[1]).toMatch(/^Service\s+Comptes activés\s+Abonnés avec compte\s+Part\s+Renoncements au papier\s+Paiements en ligne\s+Montant payé en ligne\s+Courriels envoyés\s+Courriels en échec$/);
    expect(lines[3]).toMatch(/^004200 Service Multi Services.*\s3\s+2 \/ 5\s+40\s%\s+1\s+2\s+35,00\s€\s+—\s+—$/);
    expect(lines[4]).toMatch(/^Ensemble\s+3\s+2 \/ 5\s+40\s%\s+1\s+2\s+35,00\s€\s+3\s+1$/);
    expect(stdout).toContain("Courriels : pour tout le portail");
  });

  test("every month: one block per month", async () => {
    const { stdout } = await run("stats", "--service", "004281");
    expect(stdout).toMatch(/Octobre 2025\n/);
    expect(stdout).not.toMatch(/Septembre 2025\n/);
  });

  test("errors in French: bad month, unknown service, unknown option", async () => {
    expect(await run("stats", "--mois", "2025-13")).toEqual({ code: 1, stdout: "", stderr: "Le mois s'indique sous la forme AAAA-MM, ex. --mois 2026-11." });
    expect((await run("stats", "--mois", "septembre")).stderr).toBe("Le mois s'indique sous la forme AAAA-MM, ex. --mois 2026-11.");
    expect((await run("stats", "--service", "999999", "--mois", "2025-09")).stderr).toBe("Service 999999 inconnu : « npm run admin -- services » affiche les services.");
    expect((await run("stats", "--annee", "2025")).stderr).toMatch(/^Option inconnue : --annee\. Options possibles ici : --service, --mois\.$/);
  });
});
