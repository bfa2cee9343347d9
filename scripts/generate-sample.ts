/**
 * `npm run generate:sample -- --invoices 100000 --out <folder> [--customers N] [--numcli 004200] [--seed 1]`
 * Writes a data set in the import format (docs/import.md), as a billing software would export it:
 * `abonnes.csv` in Windows-1252, `factures.csv` in UTF-8 with BOM, both `;`-separated with
 * decimal commas, dd/mm/yyyy dates and one extra column the import ignores, and one PDF per
 * invoice in `pdf/Facture_<number>.pdf`. Deterministic for a given --seed. For the benchmark
 * (npm run bench:import) and for trying the import on realistic volumes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildPdf } from "./lib/invoice-pdf";
import { encodeWindows1252 } from "../app/.server/import/windows-1252";

export interface SampleOptions {
  invoices: number;
  customers?: number;
  out: string;
  numcli?: string;
  seed?: number;
  pdfs?: boolean;
}

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Hélène", "François", "Zoë", "Jérôme", "Anaïs", "Loïc", "Cécile", "Noël", "Gaëlle", "Benoît", "Maëlys", "Thérèse", "Léon", "Agnès", "Rémi"];
const LAST = ["Lefèvre", "Dubœuf", "Müller", "Garçon", "Bénard", "Pérez", "Lemaître", "Faÿ", "Châtelet", "Mercier", "Rousseau", "Fontaine", "Girard", "Morel", "Leroy"];
const OBJECTS = ["Eau potable", "Assainissement", "Collecte des déchets", "Restauration scolaire", "Multi Services", "Périscolaire ; garderie"];
const STATUS = ["non réglée", "réglée", "trésorerie"] as const;

const frDate = (d: Date) => `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const frAmount = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}`;
const cell = (v: string) => (/[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export async function generateSample(options: SampleOptions): Promise<{ customers: number; invoices: number; pdfs: number }> {
  const random = prng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const invoiceCount = options.invoices;
  const customerCount = options.customers ?? Math.max(1, Math.ceil(invoiceCount / 4));
  const numcli = options.numcli ?? "004200";
  const service = { numcli, name: "Service des eaux de démonstration", address: "1 place de la Mairie, 00000 Démoville" };
  await mkdir(options.out, { recursive: true });

  const customers: Array<{ number: string; name: string }> = [];
  const customerLines = ["Numéro d'abonné;Nom;E-mail;Facture papier;Adresse"];
  for (let i = 1; i <= customerCount; i++) {
    const number = `AB${String(i).padStart(7, "0")}`;
    const first = pick(FIRST);
    const last = pick(LAST);
    const name = `${first} ${last}`;
    const email = random() < 0.85 ? `abonne${i}@exemple.fr` : "";
    const paper = random() < 0.6 ? "oui" : "non";
    customers.push({ number, name });
    customerLines.push([number, name, email, paper, cell(`${i} rue de l'Église; 00000 Démoville`)].join(";"));
  }
  await writeFile(join(options.out, "abonnes.csv"), encodeWindows1252(customerLines.join("\r\n") + "\r\n"));

  const invoiceLines = ["Numéro d'abonné;Numéro de facture;Date;Échéance;Montant;Objet;Statut;Code interne"];
  const pdfDir = join(options.out, "pdf");
  if (options.pdfs !== false) await mkdir(pdfDir, { recursive: true });
  const start = Date.UTC(2023, 0, 2);
  const pending: Promise<void>[] = [];
  for (let i = 1; i <= invoiceCount; i++) {
    const customer = customers[(i - 1) % customerCount]!;
    const issued = new Date(start + Math.floor(random() * 3 * 365) * 86_400_000);
    const due = new Date(issued.getTime() + 21 * 86_400_000);
    const number = `${issued.getUTCFullYear()}-020-${String(i).padStart(6, "0")}`;
    const amount = 500 + Math.floor(random() * 50_000);
    const object = pick(OBJECTS);
    const r = random();
    const status = r < 0.7 ? STATUS[0] : r < 0.95 ? STATUS[1] : STATUS[2];
    invoiceLines.push([customer.number, number, frDate(issued), frDate(due), frAmount(amount), cell(object), status, `X${i}`].join(";"));
    if (options.pdfs !== false) {
      const bytes = buildPdf(
        { number, customerName: customer.name, customerNumber: customer.number, issuedOn: iso(issued), dueOn: iso(due), amountCents: amount, object },
        service,
      );
      pending.push(writeFile(join(pdfDir, `Facture_${number}.pdf`), bytes));
      if (pending.length >= 64) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  const utf8 = new TextEncoder().encode(invoiceLines.join("\r\n") + "\r\n");
  await writeFile(join(options.out, "factures.csv"), new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]));
  return { customers: customerCount, invoices: invoiceCount, pdfs: options.pdfs === false ? 0 : invoiceCount };
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

export async function main(argv = process.argv.slice(2)) {
  const out = argValue(argv, "--out");
  const invoices = Number(argValue(argv, "--invoices") ?? "1000");
  const customers = argValue(argv, "--customers");
  if (!out || !Number.isInteger(invoices) || invoices < 1) {
    console.error("usage: npm run generate:sample -- --invoices 100000 --out <folder> [--customers N] [--numcli 004200] [--seed 1] [--no-pdfs]");
    process.exit(2);
  }
  const started = performance.now();
  const result = await generateSample({
    invoices,
    customers: customers ? Number(customers) : undefined,
    out,
    numcli: argValue(argv, "--numcli"),
    seed: Number(argValue(argv, "--seed") ?? "1"),
    pdfs: !argv.includes("--no-pdfs"),
  });
  console.log(
    `wrote ${result.customers} customers, ${result.invoices} invoices and ${result.pdfs} PDFs to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
