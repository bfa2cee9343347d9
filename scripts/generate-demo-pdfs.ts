/**
 * Writes the seed's invoice PDFs into supabase/storage/invoices/<numcli>/<number>.pdf.
 * The PDF itself is built by scripts/lib/invoice-pdf.ts (tagged and deterministic: rerunning this
 * reproduces the committed files byte for byte, checked by tests/pdf/committed-pdfs.test.ts). The
 * invoices (scripts/demo-invoices.json) mirror supabase/seed.sql. Run: npm run pdfs:demo
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import demoCustomers from "./demo-invoices.json";
import { buildPdf } from "./lib/invoice-pdf";

interface DemoService {
  numcli: string;
  name: string;
  address: string;
}

interface DemoInvoice {
  service: DemoService;
  number: string;
  customerName: string;
  customerNumber: string;
  issuedOn: string; // YYYY-MM-DD
  dueOn: string;
  amountCents: number;
  object: string;
}

const SERVICES: Record<string, DemoService> = {
  "004200": { numcli: "004200", name: "Service Multi Services de démonstration", address: "1 place de la Mairie, 00000 Démoville" },
  "004281": { numcli: "004281", name: "Régie des eaux de démonstration", address: "2 rue du Château d'eau, 00000 Démoville" },
  "004282": { numcli: "004282", name: "Restauration scolaire de démonstration", address: "3 allée des Écoles, 00000 Démoville" },
};

/**
 * Every customer record of supabase/seed.sql with PDFs, in the seed's order, and its invoices:
 * the demo resident, the customer not activated yet, then each browser test's own resident
 * (README.md, "Demo accounts"). One table, kept as data in scripts/demo-invoices.json.
 */
const CUSTOMERS: { numcli: string; customerName: string; customerNumber: string; invoices: Omit<DemoInvoice, "service" | "customerName" | "customerNumber">[] }[] =
  demoCustomers.customers;

export const demoInvoices: DemoInvoice[] = CUSTOMERS.flatMap(({ numcli, customerName, customerNumber, invoices }) =>
  invoices.map((invoice) => ({ ...invoice, service: SERVICES[numcli]!, customerName, customerNumber })),
);

export function objectKey(invoice: DemoInvoice): string {
  return `${invoice.service.numcli}/${invoice.number}.pdf`;
}

async function main() {
  const root = join(process.cwd(), "supabase/storage/invoices");
  for (const invoice of demoInvoices) {
    const file = join(root, objectKey(invoice));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, buildPdf(invoice, invoice.service));
    console.log(`wrote ${file}`);
  }
}

await main();
