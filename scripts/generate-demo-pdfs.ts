/**
 * Writes the seed's invoice PDFs into supabase/storage/invoices/<numcli>/<number>.pdf.
 * The PDF itself is built by scripts/lib/invoice-pdf.ts (tagged and deterministic: rerunning this
 * reproduces the committed files byte for byte, checked by tests/pdf/committed-pdfs.test.ts). The
 * list below mirrors supabase/seed.sql. Run: npm run pdfs:demo
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
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

/** One customer record of the seed and its invoices: [number, issued on, due on, cents, object]. */
type DemoCustomer = [numcli: string, customerName: string, customerNumber: string, invoices: [string, string, string, number, string][]];

// Every customer of supabase/seed.sql with PDFs, in the seed's order: the demo resident, the
// customer not activated yet, then each browser test's own resident (README.md, "Demo accounts").
const CUSTOMERS: DemoCustomer[] = [
  ["004200", "Test SISTEC560", "SISTEC560", [
    ["2017-020-002059", "2017-07-10", "2017-07-21", 24311, "Multi Services"],
    ["2017-020-002410", "2017-10-09", "2017-10-20", 8750, "Eau potable"],
    ["2017-020-001512", "2017-04-10", "2017-04-21", 15620, "Assainissement"],
    ["2017-020-000731", "2017-01-09", "2017-01-20", 4200, "Collecte des déchets"],
    ["2016-020-003305", "2016-10-10", "2016-10-21", 19870, "Multi Services"],
    ["2016-020-002118", "2016-07-11", "2016-07-22", 3150, "Restauration scolaire"],
  ]],
  ["004200", "Famille Nouveau", "NOUV0001", [
    ["2017-020-002061", "2017-07-10", "2017-07-21", 11895, "Multi Services"],
    ["2017-020-001514", "2017-04-10", "2017-04-21", 9340, "Eau potable"],
  ]],
  // The payment e2e resident (paiement@demo.fr): one customer record per service.
  ["004200", "Famille Paiement", "PAIE0001", [
    ["2018-020-000101", "2018-01-08", "2018-01-19", 1234, "Eau potable"],
    ["2018-020-000102", "2018-01-15", "2018-01-26", 2345, "Assainissement"],
    ["2018-020-000103", "2018-01-22", "2018-02-02", 3120, "Multi Services"],
    ["2018-020-000104", "2018-01-29", "2018-02-09", 1880, "Collecte des déchets"],
    ["2018-020-000105", "2018-02-05", "2018-02-16", 4200, "Eau potable"],
    ["2018-020-000106", "2018-02-12", "2018-02-23", 5730, "Assainissement"],
    ["2018-020-000107", "2018-02-19", "2018-03-02", 6410, "Multi Services"],
    ["2018-020-000108", "2018-02-26", "2018-03-09", 7190, "Eau potable"],
    ["2018-020-000109", "2018-03-05", "2018-03-16", 8325, "Assainissement"],
    ["2018-020-000110", "2018-03-12", "2018-03-23", 9560, "Multi Services"],
    ["2018-020-000111", "2018-04-30", "2018-05-11", 10475, "Eau potable"],
  ]],
  ["004281", "Famille Paiement", "PAIE0002", [
    ["2018-021-000201", "2018-03-19", "2018-03-30", 2650, "Eau potable"],
    ["2018-021-000202", "2018-03-26", "2018-04-06", 3370, "Eau potable"],
    ["2018-021-000203", "2018-04-02", "2018-04-13", 4815, "Eau potable"],
    ["2018-021-000204", "2018-04-09", "2018-04-20", 1999, "Eau potable"],
    ["2018-021-000205", "2018-04-16", "2018-04-27", 2101, "Eau potable"],
  ]],
  ["004282", "Famille Paiement", "PAIE0003", [["2018-022-000301", "2018-04-23", "2018-05-04", 3990, "Restauration scolaire"]]],
  // The account-closure e2e resident (fermeture@demo.fr).
  ["004200", "Famille Fermeture", "FERM0001", [
    ["2018-020-000401", "2018-06-11", "2018-06-22", 6480, "Eau potable"],
    ["2018-020-000402", "2018-03-12", "2018-03-23", 5215, "Assainissement"],
  ]],
  // The keyboard journey's customers (e2e/keyboard-journey.spec.ts), one per run: with and without JavaScript.
  ["004200", "Famille Clavier", "CLAV0001", [
    ["2018-020-000501", "2018-05-07", "2018-05-18", 2480, "Eau potable"],
    ["2018-020-000502", "2018-06-04", "2018-06-15", 1615, "Assainissement"],
  ]],
  ["004200", "Famille Clavier", "CLAV0002", [
    ["2018-020-000511", "2018-05-07", "2018-05-18", 2730, "Eau potable"],
    ["2018-020-000512", "2018-06-04", "2018-06-15", 1760, "Assainissement"],
  ]],
  // The « Mes paiements » e2e resident (historique@demo.fr, e2e/my-payments.spec.ts).
  ["004200", "Famille Historique", "HIST0001", [
    ["2018-020-000601", "2018-06-04", "2018-06-15", 3120, "Eau potable"],
    ["2018-020-000602", "2018-05-07", "2018-05-18", 2890, "Assainissement"],
    ["2018-020-000603", "2018-03-05", "2018-03-16", 4570, "Eau potable"],
  ]],
];

export const demoInvoices: DemoInvoice[] = CUSTOMERS.flatMap(([numcli, customerName, customerNumber, invoices]) =>
  invoices.map(([number, issuedOn, dueOn, amountCents, object]) => ({
    service: SERVICES[numcli]!,
    customerName,
    customerNumber,
    number,
    issuedOn,
    dueOn,
    amountCents,
    object,
  })),
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
