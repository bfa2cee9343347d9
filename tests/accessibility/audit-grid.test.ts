import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RGAA_THEMES } from "~/utils/rgaa-criteria";
import { accessibilityState, AUDIT, auditGrid, conformityState, formatRate, portalConformity, summarize, type AuditStatus } from "~/utils/rgaa-audit";
import { renderAuditMarkdown, RGAA_AUDIT_FILE } from "../../scripts/rgaa-grid";

/** The audit grid of app/utils/rgaa-audit.ts: complete, honest about its evidence, and the rate RGAA's way. */

const ROOT = new URL("../../", import.meta.url);

/** RGAA 4.1: 13 themes and how many criteria each has (106 in all). */
const THEME_SIZES = [9, 2, 3, 13, 8, 2, 5, 10, 4, 14, 13, 11, 12];

const statuses = (...list: AuditStatus[]) => list.map((status) => ({ status }));

describe("the RGAA 4.1 criteria", () => {
  it("are the 106 criteria of the 13 themes, numbered 1 to n in each theme, each once", () => {
    expect(RGAA_THEMES.map((t) => t.number)).toEqual(THEME_SIZES.map((_, i) => i + 1));
    expect(RGAA_THEMES.map((t) => t.criteria.length)).toEqual(THEME_SIZES);
    for (const theme of RGAA_THEMES) {
      expect(theme.criteria.map(([n]) => n)).toEqual(theme.criteria.map((_, i) => `${theme.number}.${i + 1}`));
    }
    const numbers = RGAA_THEMES.flatMap((t) => t.criteria.map(([n]) => n));
    expect(numbers).toHaveLength(106);
    expect(new Set(numbers).size).toBe(106);
  });

  it("have their official French titles, without the glossary's links", () => {
    const titles = new Map(RGAA_THEMES.flatMap((t) => t.criteria));
    expect(titles.get("1.1")).toBe("Chaque image porteuse d'information a-t-elle une alternative textuelle ?");
    expect(titles.get("13.12")).toBe(
      "Dans chaque page web, les fonctionnalités qui impliquent un mouvement de l'appareil ou vers l'appareil peuvent-elles être satisfaites de manière alternative (hors cas particuliers) ?",
    );
    for (const title of titles.values()) expect(title).not.toMatch(/\]\(#|^\s|\s$/);
  });
});

describe("the audit grid", () => {
  it("gives every criterion exactly one result, and nothing else", () => {
    const numbers = RGAA_THEMES.flatMap((t) => t.criteria.map(([n]) => n));
    expect(Object.keys(AUDIT).sort()).toEqual([...numbers].sort());
    expect(auditGrid().flatMap((t) => t.criteria)).toHaveLength(106);
  });

  it("refuses a grid that misses a criterion", () => {
    const { ["8.2"]: _left, ...partial } = AUDIT;
    expect(() => auditGrid(partial)).toThrow("RGAA criterion 8.2 has no result in the audit grid");
  });

  it("says for each criterion how it was verified, what is wrong, or why it does not apply", () => {
    for (const [number, result] of Object.entries(AUDIT)) {
      expect(["C", "NC", "NA"], number).toContain(result.status);
      expect(result.note.trim().length, number).toBeGreaterThan(20);
    }
  });

  it("leaves a criterion out only as RGAA allows: an exemption is non applicable, says which one and why", () => {
    for (const [number, result] of Object.entries(AUDIT)) {
      if (!result.exemption) continue;
      expect(result.status, number).toBe("NA");
      expect(result.note, number).toMatch(result.exemption === "dérogation" ? /^Dérogation pour charge disproportionnée : .+Alternative : / : /^Cas particulier du RGAA \(/);
    }
  });

  it("cites only tests that exist: each file is in the repository and declares a test of that exact title", () => {
    const cited = Object.values(AUDIT).flatMap((r) => r.tests ?? []);
    expect(cited.length).toBeGreaterThan(20);
    for (const { file, title } of new Map(cited.map((t) => [`${t.file} ${t.title}`, t])).values()) {
      const path = new URL(file, ROOT);
      expect(existsSync(path), file).toBe(true);
      const literal = JSON.stringify(title).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      expect(readFileSync(path, "utf8"), `${file}: « ${title} »`).toMatch(new RegExp(`\\b(test|it)\\(\\s*${literal}`));
    }
  });
});

describe("the conformity rate and state (RGAA's method)", () => {
  it("counts conformes over conformes and non conformes, leaving non applicables out", () => {
    expect(summarize(statuses("C", "C", "C", "NC", "NA", "NA"))).toEqual({ conformes: 3, nonConformes: 1, nonApplicables: 2, rate: 75, state: "partiellement conforme" });
  });

  it("is totally conforming at 100 %, partially from 50 %, not conforming below", () => {
    expect(summarize(statuses("C", "NA"))).toMatchObject({ rate: 100, state: "totalement conforme" });
    expect(summarize(statuses("C", "NC"))).toMatchObject({ rate: 50, state: "partiellement conforme" });
    expect(summarize(statuses("C", "NC", "NC"))).toMatchObject({ rate: 33.3, state: "non conforme" });
    expect(conformityState(0, 5)).toBe("non conforme");
  });

  it("never rounds up to 100 %: one non conforme in 10 000 is 99.9 %, partially conforming", () => {
    const many = [...Array.from({ length: 9999 }, () => ({ status: "C" as const })), { status: "NC" as const }];
    expect(summarize(many)).toMatchObject({ rate: 99.9, state: "partiellement conforme" });
    expect(summarize(statuses("C", "C", "NC")).rate).toBe(66.6);
  });

  it("without any applicable criterion (no audit), there is no rate and the portal is not conforming", () => {
    expect(summarize(statuses("NA", "NA"))).toMatchObject({ rate: null, state: "non conforme" });
    expect(summarize([])).toMatchObject({ rate: null, state: "non conforme" });
    expect(formatRate(null)).toBe("non mesuré");
  });

  it("writes the rate the French way", () => {
    expect(formatRate(83.8)).toBe("83,8\u00a0%");
    expect(formatRate(100)).toBe("100\u00a0%");
  });

  it("gives the portal's figures from the grid", () => {
    const count = (status: AuditStatus) => Object.values(AUDIT).filter((r) => r.status === status).length;
    const conformity = portalConformity();
    expect(conformity).toMatchObject({ conformes: count("C"), nonConformes: count("NC"), nonApplicables: count("NA") });
    expect(conformity.conformes + conformity.nonConformes + conformity.nonApplicables).toBe(106);
    expect(conformity.rate).toBe(Math.floor((count("C") * 1000) / (count("C") + count("NC"))) / 10);
    expect(accessibilityState()).toBe(conformity.state);
  });
});

describe("docs/rgaa-audit.md", () => {
  it("is what `npm run rgaa:grid` writes from the grid (run it after changing the grid)", () => {
    expect(readFileSync(new URL(RGAA_AUDIT_FILE, ROOT), "utf8")).toBe(renderAuditMarkdown());
  });

  it("has one table per theme and one row per criterion, with its status in French", () => {
    const text = renderAuditMarkdown();
    for (const theme of RGAA_THEMES) expect(text).toContain(`## ${theme.number}. ${theme.name}\n`);
    const rows = text.split("\n").filter((line) => /^\| \d+\.\d+ \|/.test(line));
    expect(rows).toHaveLength(106);
    expect(rows.find((r) => r.startsWith("| 3.3 |"))).toContain("Conforme");
    expect(rows.find((r) => r.startsWith("| 13.3 |"))).toContain("Dérogation pour charge disproportionnée");
    expect(rows.find((r) => r.startsWith("| 2.1 |"))).toContain("Non applicable");
    expect(text).toContain(`Taux de conformité (conformes / (conformes + non conformes)) : ${formatRate(portalConformity().rate).replace("\u00a0", " ")}`);
  });
});
