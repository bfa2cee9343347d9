/**
 * `npm run rgaa:grid`: writes docs/rgaa-audit.md, the RGAA 4.1 audit grid in French, from its data
 * (app/utils/rgaa-audit.ts). `npm run rgaa:grid -- --check` exits 1 when the file is not up to date;
 * tests/accessibility/audit-grid.test.ts fails the same way (docs/decisions/0028-rgaa-audit-grid.md).
 */
import { readFile, writeFile } from "node:fs/promises";
import {
  AUDIT_DATE,
  AUDITED_PAGES,
  auditGrid,
  formatRate,
  RGAA_VERSION,
  summarize,
  type AuditedCriterion,
  type AuditStatus,
  type TestRef,
} from "../app/utils/rgaa-audit";

export const RGAA_AUDIT_FILE = "docs/rgaa-audit.md";

const STATUS: Record<AuditStatus, string> = { C: "Conforme", NC: "**Non conforme**", NA: "Non applicable" };

/** A table cell: no line break, no pipe, no HTML. */
const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Each cited test once, numbered in order of first citation (T1, T2…): the cells cite the numbers. */
function citedTests(themes: ReturnType<typeof auditGrid>): Map<string, { id: string; test: TestRef }> {
  const cited = new Map<string, { id: string; test: TestRef }>();
  for (const test of themes.flatMap((t) => t.criteria.flatMap((c) => c.tests ?? []))) {
    const key = `${test.file}\n${test.title}`;
    if (!cited.has(key)) cited.set(key, { id: `T${cited.size + 1}`, test });
  }
  return cited;
}

function verification(c: AuditedCriterion, cited: Map<string, { id: string }>): string {
  const ids = (c.tests ?? []).map((t) => cited.get(`${t.file}\n${t.title}`)!.id);
  return cell(ids.length > 0 ? `${c.note} Tests : ${ids.join(", ")}.` : c.note);
}

/** The whole document, from the grid. */
export function renderAuditMarkdown(): string {
  const themes = auditGrid();
  const summary = summarize(themes.flatMap((theme) => theme.criteria));
  const cited = citedTests(themes);
  const lines = [
    `# Grille d'audit RGAA ${RGAA_VERSION} du portail`,
    "",
    "<!-- Généré par `npm run rgaa:grid` depuis app/utils/rgaa-audit.ts : ne pas modifier à la main. -->",
    "",
    `Audit interne du ${AUDIT_DATE}, sur les ${summary.conformes + summary.nonConformes + summary.nonApplicables} critères du RGAA ${RGAA_VERSION}.`,
    "La déclaration d'accessibilité (page `/accessibilite`) est calculée à partir de cette grille.",
    "",
    `- Critères conformes : ${summary.conformes}`,
    `- Critères non conformes : ${summary.nonConformes}`,
    `- Critères non applicables : ${summary.nonApplicables}`,
    `- Taux de conformité (conformes / (conformes + non conformes)) : ${formatRate(summary.rate).replace("\u00a0", " ")}`,
    `- État de conformité : ${summary.state}`,
    "",
    "Conforme : un test automatisé cité ou une vérification manuelle décrite le montre. Non conforme : un défaut connu, ou un critère pas encore vérifié. Non applicable : le portail n'a pas ce type de contenu, ou le RGAA permet de l'écarter (cas particulier du critère, dérogation pour charge disproportionnée : la note le dit et la déclaration d'accessibilité le publie).",
    "",
    "## Pages vérifiées",
    "",
    ...AUDITED_PAGES.map((p) => `- ${p.name} (\`${p.path}\`)`),
    "",
  ];
  for (const theme of themes) {
    lines.push(`## ${theme.number}. ${theme.name}`, "", "| Critère | Intitulé | Statut | Vérification |", "|---|---|---|---|");
    for (const c of theme.criteria) lines.push(`| ${c.number} | ${cell(c.title)} | ${STATUS[c.status]} | ${verification(c, cited)} |`);
    lines.push("");
  }
  lines.push("## Tests automatisés cités", "", "Fichier et titre exact de chaque test (les tests e2e tournent sur Node et sur Deno, dans Chromium).", "");
  for (const { id, test } of cited.values()) lines.push(`- ${id} : \`${test.file}\` « ${test.title} »`);
  lines.push(
    "",
    "Intitulés des critères : RGAA 4.1, DINUM (dépôt GitHub DISIC/RGAA, fichier `v4.1/JSON/criteres.json`), sous Licence Ouverte 2.0.",
    "",
  );
  return lines.join("\n");
}

async function main() {
  const text = renderAuditMarkdown();
  const current = await readFile(RGAA_AUDIT_FILE, "utf8").catch(() => null);
  if (process.argv.includes("--check")) {
    if (current !== text) {
      console.error(`${RGAA_AUDIT_FILE} is not what the grid gives: run \`npm run rgaa:grid\``);
      process.exit(1);
    }
    console.log(`${RGAA_AUDIT_FILE} is up to date`);
    return;
  }
  await writeFile(RGAA_AUDIT_FILE, text);
  console.log(`${RGAA_AUDIT_FILE} written`);
}

// Vitest imports this file for renderAuditMarkdown (the drift check): only `npm run rgaa:grid` writes.
if (!process.env.VITEST) await main();
