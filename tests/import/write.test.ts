import { describe, expect, it } from "vitest";
import type { HashedPdf } from "~/.server/import/match-pdfs";
import { ImportStopped, noProgress } from "~/.server/import/model";
import { sha256Hex } from "~/.server/import/pdfs";
import { writeAll } from "~/.server/import/write";
import { customerRow, fakePdf, invoiceRow, pdfSource, scriptedTarget } from "./phase-helpers";

const options = { batchSize: 2, pdfConcurrency: 2, progress: noProgress };

async function hashedPdfs(...numbers: string[]) {
  const sources = numbers.map((n) => pdfSource(`pdf/${n}.pdf`, fakePdf(n)));
  const map = new Map<string, HashedPdf>();
  for (const [i, n] of numbers.entries()) map.set(n, { source: sources[i]!, sha256: await sha256Hex(sources[i]!.bytes) });
  return { map, sources };
}

describe("writeAll (phase 5)", () => {
  it("writes customers, then the chosen PDFs, then invoices, for real (dryRun false), and returns each line's outcome", async () => {
    const { target, calls } = scriptedTarget({ invoices: (r) => ({ outcome: r.number === "F-2" ? "unchanged" : "created" }) });
    const pdfs = await hashedPdfs("F-1", "F-2");
    const invoices = [invoiceRow("F-1", 2), invoiceRow("F-2", 3), invoiceRow("F-3", 4)];
    const written = await writeAll(target, "004200", { customers: [customerRow("A1", 2)], invoices, pdfsToStore: [invoices[0]!] }, pdfs.map, options);
    expect(calls.map((c) => (c.kind === "pdf" ? `pdf ${c.key}` : `${c.kind} ${c.dryRun} ${c.rows.length}`))).toEqual([
      "customers false 1",
      "pdf 004200/F-1.pdf",
      "invoices false 2",
      "invoices false 1",
    ]);
    const pdfCall = calls[1]!;
    expect(pdfCall.kind === "pdf" && pdfCall.bytes).toEqual(fakePdf("F-1"));
    expect(written.pdfsStored).toBe(1);
    expect(written.customers.map(([r, o]) => [r.number, o.outcome])).toEqual([["A1", "created"]]);
    expect(written.invoices.map(([r, o]) => [r.number, o.outcome])).toEqual([
      ["F-1", "created"],
      ["F-2", "unchanged"],
      ["F-3", "created"],
    ]);
    expect(written.errors).toEqual([]);
  });

  it("stops before any invoice when a PDF changed since it was hashed", async () => {
    const { target, calls } = scriptedTarget();
    const pdfs = await hashedPdfs("F-1");
    pdfs.sources[0]!.bytes = fakePdf("F-1 modifié");
    const invoices = [invoiceRow("F-1", 2)];
    await expect(writeAll(target, "004200", { customers: [], invoices, pdfsToStore: invoices }, pdfs.map, options)).rejects.toThrow(
      new ImportStopped("Le fichier pdf/F-1.pdf a changé pendant l'import : relancez l'import."),
    );
    expect(calls.filter((c) => c.kind !== "customers")).toEqual([]);
  });

  it("rejects an invoice whose customer is gone at the write (another import at the same time)", async () => {
    const { target } = scriptedTarget({ invoices: (r) => ({ outcome: r.number === "F-1" ? "unknown_customer" : "created" }) });
    const written = await writeAll(target, "004200", { customers: [], invoices: [invoiceRow("F-1", 2, "A9"), invoiceRow("F-2", 3)], pdfsToStore: [] }, new Map(), options);
    expect(written.errors).toEqual([
      { file: "factures.csv", line: 2, column: "Numéro d'abonné", message: "abonné A9 introuvable au moment de l'écriture : relancez l'import" },
    ]);
    expect(written.invoices.map(([r]) => r.number)).toEqual(["F-2"]);
  });
});
