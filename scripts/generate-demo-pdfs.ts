/**
 * Writes the seed's invoice PDFs into supabase/storage/invoices/<numcli>/<number>.pdf.
 * The PDF itself is built by scripts/lib/invoice-pdf.ts (no dependency). The list below mirrors supabase/seed.sql (tests/db/seed.test.ts checks
 * that every seed invoice has its PDF). Run: npm run pdfs:demo
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buildPdf } from "./lib/invoice-pdf";

interface DemoInvoice {
  number: string;
  customerName: string;
  customerNumber: string;
  issuedOn: string; // YYYY-MM-DD
  dueOn: string;
  amountCents: number;
  object: string;
}

const SERVICE = {
  numcli: "004200",
  name: "Service Multi Services de démonstration",
  address: "1 place de la Mairie, 00000 Démoville",
};

const DEMO = { customerName: "Test SISTEC560", customerNumber: "SISTEC560" };
const NOUVEAU = { customerName: "Famille Nouveau", customerNumber: "NOUV0001" };

export const demoInvoices: DemoInvoice[] = [
  { ...DEMO, number: "2017-020-002059", issuedOn: "2017-07-10", dueOn: "2017-07-21", amountCents: 24311, object: "Multi Services" },
  { ...DEMO, number: "2017-020-002410", issuedOn: "2017-10-09", dueOn: "2017-10-20", amountCents: 8750, object: "Eau potable" },
  { ...DEMO, number: "2017-020-001512", issuedOn: "2017-04-10", dueOn: "2017-04-21", amountCents: 15620, object: "Assainissement" },
  { ...DEMO, number: "2017-020-000731", issuedOn: "2017-01-09", dueOn: "2017-01-20", amountCents: 4200, object: "Collecte des déchets" },
  { ...DEMO, number: "2016-020-003305", issuedOn: "2016-10-10", dueOn: "2016-10-21", amountCents: 19870, object: "Multi Services" },
  { ...DEMO, number: "2016-020-002118", issuedOn: "2016-07-11", dueOn: "2016-07-22", amountCents: 3150, object: "Restauration scolaire" },
  { ...NOUVEAU, number: "2017-020-002061", issuedOn: "2017-07-10", dueOn: "2017-07-21", amountCents: 11895, object: "Multi Services" },
  { ...NOUVEAU, number: "2017-020-001514", issuedOn: "2017-04-10", dueOn: "2017-04-21", amountCents: 9340, object: "Eau potable" },
];

export function objectKey(invoice: DemoInvoice): string {
  return `${SERVICE.numcli}/${invoice.number}.pdf`;
}

async function main() {
  const root = join(process.cwd(), "supabase/storage/invoices");
  for (const invoice of demoInvoices) {
    const file = join(root, objectKey(invoice));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, buildPdf(invoice, SERVICE));
    console.log(`wrote ${file}`);
  }
}

await main();
