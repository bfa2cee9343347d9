import { describe, expect, it } from "vitest";
import { runImport, type ImportInput } from "~/.server/import/run";
import { CUSTOMERS_HEADER, INVOICES_HEADER } from "./helpers";
import { fakePdf, pdfSource, scriptedTarget } from "./phase-helpers";

/** The orchestrator's own decisions: which phases run, with what, in each mode. */
const input = (...invoiceLines: string[]): ImportInput => ({
  csv: [
    { name: "abonnes.csv", bytes: new TextEncoder().encode(`${CUSTOMERS_HEADER}\r\nA1;Un;;\r\n`) },
    { name: "factures.csv", bytes: new TextEncoder().encode([INVOICES_HEADER, ...invoiceLines].join("\r\n")) },
  ],
  pdfs: [pdfSource("pdf/F-1.pdf", fakePdf("F-1")), pdfSource("pdf/F-2.pdf", fakePdf("F-2"))],
});
const good = (number: string) => `A1;${number};15/01/2024;15/02/2024;1,00;;non réglée`;
const summary = (calls: ReturnType<typeof scriptedTarget>["calls"]) =>
  calls.map((c) => (c.kind === "pdf" ? `pdf ${c.key}` : `${c.kind}${c.dryRun ? " (essai)" : ""} ${c.rows.map((r) => r.line).join(",")}`));

describe("runImport", () => {
  it("checks invoices only, then writes customers, PDFs and invoices (customers need no check)", async () => {
    const { target, calls } = scriptedTarget();
    const report = await runImport(target, input(good("F-1"), good("F-2")), { numcli: "004200" });
    expect(summary(calls)).toEqual(["invoices (essai) 2,3", "customers 2", "pdf 004200/F-1.pdf", "pdf 004200/F-2.pdf", "invoices 2,3"]);
    expect(report).toMatchObject({ mode: "written", errors: [], pdfs: { stored: 2, unchanged: 0 } });
    expect(report.invoices).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 0 });
  });

  it("--dry-run checks customers too and writes nothing", async () => {
    const { target, calls } = scriptedTarget();
    const report = await runImport(target, input(good("F-1"), good("F-2")), { dryRun: true });
    expect(summary(calls)).toEqual(["customers (essai) 2", "invoices (essai) 2,3"]);
    expect(report).toMatchObject({ mode: "dry-run", customers: { created: 1 }, invoices: { created: 2 }, pdfs: { stored: 2 } });
  });

  it("--strict with an error writes nothing; without it, a bad line is left out and counted", async () => {
    const bad = "A1;F-2;31/02/2024;15/02/2024;1,00;;non réglée";
    const strict = scriptedTarget();
    const refused = await runImport(strict.target, input(good("F-1"), bad), { strict: true });
    expect(summary(strict.calls)).toEqual(["invoices (essai) 2"]);
    expect(refused).toMatchObject({ mode: "refused", invoices: { created: 0, rejected: 1 }, pdfs: { stored: 0 } });
    // The bad line's PDF is named after a number of the files: no "PDF ignoré" notice.
    expect(refused.notices).toEqual([]);
    const normal = scriptedTarget();
    const partial = await runImport(normal.target, input(good("F-1"), bad));
    expect(summary(normal.calls)).toEqual(["invoices (essai) 2", "customers 2", "pdf 004200/F-1.pdf", "invoices 2"]);
    expect(partial.invoices).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 1 });
  });

  it("counts a line refused at the write as rejected, with its error", async () => {
    let writing = false;
    const { target } = scriptedTarget({ invoices: (r) => ({ outcome: writing && r.number === "F-2" ? "unknown_customer" : "created" }) });
    const storePdf = target.storePdf;
    target.storePdf = async (key, bytes) => {
      writing = true;
      await storePdf(key, bytes);
    };
    const report = await runImport(target, input(good("F-1"), good("F-2")));
    expect(report.invoices).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 1 });
    expect(report.errors.map((e) => [e.line, e.message])).toEqual([[3, "abonné A1 introuvable au moment de l'écriture : relancez l'import"]]);
  });
});
