/**
 * Writes docs/import-sample/: the small sample set of docs/import.md, as a billing software
 * exports it — `abonnes.csv` in Windows-1252, `factures.csv` in UTF-8 with BOM, `;` separators,
 * decimal commas, a `;` inside a quoted cell, extra columns — and the PDFs of the new invoices.
 * The end-to-end import test imports it. Run: npx vite-node scripts/generate-import-sample.ts
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildPdf } from "./lib/invoice-pdf";
import { encodeWindows1252 } from "../app/.server/import/windows-1252";

const OUT = "docs/import-sample";
const SERVICE = { numcli: "004200", name: "Service Multi Services de démonstration", address: "1 place de la Mairie, 00000 Démoville" };

const customers = `Numéro d'abonné;Nom;E-mail;Facture papier;Téléphone
SISTEC560;Test SISTEC560;demo@demo.fr;oui;01 23 45 67 89
SISTEC561;Test SISTEC560 (résidence secondaire);demo@demo.fr;non;
RIV00012;Hélène Lefèvre;helene.lefevre@exemple.fr;non;06 12 34 56 78
RIV00013;"Dubœuf; François";;oui;
`;

const invoices = [
  ["SISTEC561", "2024-020-000101", "15/01/2024", "15/02/2024", "1 243,11", "Eau potable", "non réglée", ""],
  ["SISTEC561", "2024-020-000102", "15/04/2024", "15/05/2024", "87,50", '"Assainissement; 2e trimestre"', "réglée", "prélèvement"],
  ["RIV00012", "2024-020-000103", "15/01/2024", "15/02/2024", "56,20", "Collecte des déchets", "trésorerie", ""],
  ["RIV00012", "2024-020-000104", "15/04/2024", "15/05/2024", "43,00", "Restauration scolaire", "non réglée", ""],
  ["RIV00013", "2024-020-000105", "15/04/2024", "15/05/2024", "120", "Multi Services", "non réglée", "chèque"],
  ["SISTEC560", "2017-020-002059", "10/07/2017", "21/07/2017", "243,11", "Multi Services", "non réglée", ""],
];
const names: Record<string, string> = {
  SISTEC561: "Test SISTEC560 (résidence secondaire)",
  RIV00012: "Hélène Lefèvre",
  RIV00013: "Dubœuf; François",
};

const iso = (fr: string) => fr.split("/").reverse().join("-");

await rm(OUT, { recursive: true, force: true });
await mkdir(join(OUT, "pdf"), { recursive: true });
await writeFile(join(OUT, "abonnes.csv"), encodeWindows1252(customers.replace(/\n/g, "\r\n")));
const header = "Numéro d'abonné;Numéro de facture;Date;Échéance;Montant;Objet;Statut;Mode de règlement";
const text = [header, ...invoices.map((r) => r.join(";"))].join("\r\n") + "\r\n";
await writeFile(join(OUT, "factures.csv"), new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]));
for (const [customer, number, issued, due, amount, object] of invoices) {
  if (!names[customer!]) continue; // 2017-020-002059 is the seed's: its PDF is already in the portal
  const cents = Math.round(Number(amount!.replace(/\s/g, "").replace(",", ".")) * 100);
  const pdf = buildPdf(
    { number: number!, customerName: names[customer!]!, customerNumber: customer!, issuedOn: iso(issued!), dueOn: iso(due!), amountCents: cents, object: object!.replace(/"/g, "") },
    SERVICE,
  );
  await writeFile(join(OUT, "pdf", `Facture_${number}.pdf`), pdf);
}
console.log(`wrote ${OUT}`);
