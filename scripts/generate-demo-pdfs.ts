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

const DEMO = { service: SERVICES["004200"]!, customerName: "Test SISTEC560", customerNumber: "SISTEC560" };
const NOUVEAU = { service: SERVICES["004200"]!, customerName: "Famille Nouveau", customerNumber: "NOUV0001" };
// The payment e2e resident (paiement@demo.fr): one customer record per service.
const PAIEMENT = { customerName: "Famille Paiement" };
const customerNumber = { "004200": "PAIE0001", "004281": "PAIE0002", "004282": "PAIE0003" } as Record<string, string>;
// The account-closure e2e resident (fermeture@demo.fr).
const FERMETURE = { service: SERVICES["004200"]!, customerName: "Famille Fermeture", customerNumber: "FERM0001" };
// The keyboard journey's customers (e2e/keyboard-journey.spec.ts), one per run: with and without JavaScript.
const CLAVIER = { service: SERVICES["004200"]!, customerName: "Famille Clavier", customerNumber: "CLAV0001" };
const CLAVIER_SANS_JS = { service: SERVICES["004200"]!, customerName: "Famille Clavier", customerNumber: "CLAV0002" };
// The « Mes paiements » e2e resident (historique@demo.fr, e2e/my-payments.spec.ts).
const HISTORIQUE = { service: SERVICES["004200"]!, customerName: "Famille Historique", customerNumber: "HIST0001" };
// The reminders e2e residents (rappels@demo.fr, rappels-sans-js@demo.fr, e2e/reminders.spec.ts). Their invoices'
// dates in the database are relative to the day the seed ran (due 3 days later); the PDFs carry fixed ones.
const RAPPEL = { service: SERVICES["004200"]!, customerName: "Famille Rappel", customerNumber: "RAPP0001" };
const RAPPEL_SANS_JS = { service: SERVICES["004200"]!, customerName: "Famille Rappel", customerNumber: "RAPP0002" };

export const demoInvoices: DemoInvoice[] = [
  { ...DEMO, number: "2017-020-002059", issuedOn: "2017-07-10", dueOn: "2017-07-21", amountCents: 24311, object: "Multi Services" },
  { ...DEMO, number: "2017-020-002410", issuedOn: "2017-10-09", dueOn: "2017-10-20", amountCents: 8750, object: "Eau potable" },
  { ...DEMO, number: "2017-020-001512", issuedOn: "2017-04-10", dueOn: "2017-04-21", amountCents: 15620, object: "Assainissement" },
  { ...DEMO, number: "2017-020-000731", issuedOn: "2017-01-09", dueOn: "2017-01-20", amountCents: 4200, object: "Collecte des déchets" },
  { ...DEMO, number: "2016-020-003305", issuedOn: "2016-10-10", dueOn: "2016-10-21", amountCents: 19870, object: "Multi Services" },
  { ...DEMO, number: "2016-020-002118", issuedOn: "2016-07-11", dueOn: "2016-07-22", amountCents: 3150, object: "Restauration scolaire" },
  { ...NOUVEAU, number: "2017-020-002061", issuedOn: "2017-07-10", dueOn: "2017-07-21", amountCents: 11895, object: "Multi Services" },
  { ...NOUVEAU, number: "2017-020-001514", issuedOn: "2017-04-10", dueOn: "2017-04-21", amountCents: 9340, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000101", issuedOn: "2018-01-08", dueOn: "2018-01-19", amountCents: 1234, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000102", issuedOn: "2018-01-15", dueOn: "2018-01-26", amountCents: 2345, object: "Assainissement" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000103", issuedOn: "2018-01-22", dueOn: "2018-02-02", amountCents: 3120, object: "Multi Services" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000104", issuedOn: "2018-01-29", dueOn: "2018-02-09", amountCents: 1880, object: "Collecte des déchets" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000105", issuedOn: "2018-02-05", dueOn: "2018-02-16", amountCents: 4200, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000106", issuedOn: "2018-02-12", dueOn: "2018-02-23", amountCents: 5730, object: "Assainissement" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000107", issuedOn: "2018-02-19", dueOn: "2018-03-02", amountCents: 6410, object: "Multi Services" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000108", issuedOn: "2018-02-26", dueOn: "2018-03-09", amountCents: 7190, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000109", issuedOn: "2018-03-05", dueOn: "2018-03-16", amountCents: 8325, object: "Assainissement" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000110", issuedOn: "2018-03-12", dueOn: "2018-03-23", amountCents: 9560, object: "Multi Services" },
  { ...PAIEMENT, service: SERVICES["004200"]!, customerNumber: customerNumber["004200"]!, number: "2018-020-000111", issuedOn: "2018-04-30", dueOn: "2018-05-11", amountCents: 10475, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004281"]!, customerNumber: customerNumber["004281"]!, number: "2018-021-000201", issuedOn: "2018-03-19", dueOn: "2018-03-30", amountCents: 2650, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004281"]!, customerNumber: customerNumber["004281"]!, number: "2018-021-000202", issuedOn: "2018-03-26", dueOn: "2018-04-06", amountCents: 3370, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004281"]!, customerNumber: customerNumber["004281"]!, number: "2018-021-000203", issuedOn: "2018-04-02", dueOn: "2018-04-13", amountCents: 4815, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004281"]!, customerNumber: customerNumber["004281"]!, number: "2018-021-000204", issuedOn: "2018-04-09", dueOn: "2018-04-20", amountCents: 1999, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004281"]!, customerNumber: customerNumber["004281"]!, number: "2018-021-000205", issuedOn: "2018-04-16", dueOn: "2018-04-27", amountCents: 2101, object: "Eau potable" },
  { ...PAIEMENT, service: SERVICES["004282"]!, customerNumber: customerNumber["004282"]!, number: "2018-022-000301", issuedOn: "2018-04-23", dueOn: "2018-05-04", amountCents: 3990, object: "Restauration scolaire" },
  { ...FERMETURE, number: "2018-020-000401", issuedOn: "2018-06-11", dueOn: "2018-06-22", amountCents: 6480, object: "Eau potable" },
  { ...FERMETURE, number: "2018-020-000402", issuedOn: "2018-03-12", dueOn: "2018-03-23", amountCents: 5215, object: "Assainissement" },
  { ...CLAVIER, number: "2018-020-000501", issuedOn: "2018-05-07", dueOn: "2018-05-18", amountCents: 2480, object: "Eau potable" },
  { ...CLAVIER, number: "2018-020-000502", issuedOn: "2018-06-04", dueOn: "2018-06-15", amountCents: 1615, object: "Assainissement" },
  { ...CLAVIER_SANS_JS, number: "2018-020-000511", issuedOn: "2018-05-07", dueOn: "2018-05-18", amountCents: 2730, object: "Eau potable" },
  { ...CLAVIER_SANS_JS, number: "2018-020-000512", issuedOn: "2018-06-04", dueOn: "2018-06-15", amountCents: 1760, object: "Assainissement" },
  { ...HISTORIQUE, number: "2018-020-000601", issuedOn: "2018-06-04", dueOn: "2018-06-15", amountCents: 3120, object: "Eau potable" },
  { ...HISTORIQUE, number: "2018-020-000602", issuedOn: "2018-05-07", dueOn: "2018-05-18", amountCents: 2890, object: "Assainissement" },
  { ...HISTORIQUE, number: "2018-020-000603", issuedOn: "2018-03-05", dueOn: "2018-03-16", amountCents: 4570, object: "Eau potable" },
  { ...RAPPEL, number: "2026-020-000701", issuedOn: "2026-11-10", dueOn: "2026-12-03", amountCents: 4250, object: "Eau potable" },
  { ...RAPPEL_SANS_JS, number: "2026-020-000702", issuedOn: "2026-11-10", dueOn: "2026-12-03", amountCents: 4250, object: "Eau potable" },
];

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
