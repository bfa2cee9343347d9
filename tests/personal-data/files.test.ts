import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CSV_COLUMNS,
  CSV_SECTIONS,
  csvCell,
  csvEuros,
  PERSONAL_DATA_FORMAT,
  personalDataCsv,
  personalDataFileName,
  personalDataJson,
} from "~/.server/personal-data";
import type { PersonalData } from "~/.server/ports/personal-data";
import { parseCsv } from "./csv-parse";

/**
 * The two files of « Télécharger mes données » (app/.server/personal-data.ts), from a fixed
 * PersonalData: the JSON against the schema docs/personal-data-export.md documents (strict: a field
 * added or renamed fails here until the document and `version` follow), the CSV as a French
 * spreadsheet reads it, with every kind of cell a spreadsheet would run as a formula.
 */

const SAMPLE: PersonalData = {
  generatedAt: "2026-11-30T23:30:00.000Z", // already 1 December in France
  portalName: "Le Portail des Factures",
  account: { email: "demo@demo.fr", createdAt: "2026-01-05T08:00:00.000Z", activatedAt: "2026-01-05T08:10:00.000Z", lastSignInAt: null },
  customers: [{ customerNumber: "SISTEC560", displayName: "Test SISTEC560", email: "demo@demo.fr", paperInvoices: false, serviceName: "Service Multi Services" }],
  invoices: [
    // The second: a large amount, and an object a spreadsheet would take for a formula.
    { number: "2017-020-002059", issuedOn: "2017-07-10", dueOn: "2017-07-21", amountCents: 24311, object: "Multi Services", status: "unpaid", paidAt: null },
    { number: "2017-020-001512", issuedOn: "2017-04-10", dueOn: "2017-04-21", amountCents: 123456705, object: "-Assainissement", status: "paid", paidAt: "2017-04-18T08:32:00.000Z" },
  ].map((i) => ({ ...i, status: i.status as "unpaid" | "paid", customerNumber: "SISTEC560", serviceName: "Service Multi Services" })),
  payments: [
    {
      createdAt: "2026-11-02T09:00:00.000Z",
      amountCents: 5,
      invoiceNumbers: ["2017-020-001512", "2017-020-002059"],
      provider: "payfip_ws",
      serviceName: "Service Multi Services",
      refdet: "2017020001512P123456",
      idop: "cc0cb210-1cd4-11ea-8cca-0213ad91a1ff",
      numauto: "A12345",
      status: "paid",
      transactionAt: "2026-11-02T09:03:00.000Z",
    },
  ],
  messages: [
    {
      createdAt: "2026-07-14T22:30:00.000Z",
      serviceName: "Service Multi Services",
      senderName: "@moi",
      senderEmail: "demo@demo.fr",
      customerNumbers: ["SISTEC560"],
      subject: '=HYPERLINK("http://exemple.invalid";"cliquez")',
      body: '+33 6 12 34 56 78; merci\r\n"ma facture"\n\tbien payée ?',
    },
  ],
  paperOptoutRequests: [{ requestedAt: "2026-11-05T11:00:00.000Z", customerNumber: null, serviceName: null }],
};

const isoTimestamp = z.iso.datetime();
const sqlDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const cents = z.number().int().nonnegative();
const euros = z.number().nonnegative().multipleOf(0.01);

/** The JSON file, version 1, as docs/personal-data-export.md describes it. */
const PersonalDataFileV1 = z.strictObject({
  format: z.literal("portail-des-factures/donnees-personnelles"),
  version: z.literal(1),
  genereLe: isoTimestamp,
  portail: z.string(),
  compte: z.strictObject({
    adresseMail: z.string(),
    creeLe: isoTimestamp.nullable(),
    activeLe: isoTimestamp.nullable(),
    derniereConnexionLe: isoTimestamp.nullable(),
  }),
  contrats: z.array(
    z.strictObject({
      numeroAbonne: z.string(),
      nom: z.string(),
      service: z.string(),
      adresseMailConnueDuService: z.string().nullable(),
      facturesPapier: z.boolean(),
    }),
  ),
  factures: z.array(
    z.strictObject({
      numero: z.string(),
      service: z.string(),
      numeroAbonne: z.string(),
      objet: z.string(),
      emiseLe: sqlDate,
      echeanceLe: sqlDate,
      montantCentimes: cents,
      montantEuros: euros,
      statut: z.enum(["non_reglee", "reglee", "tresorerie"]),
      regleeLe: isoTimestamp.nullable(),
    }),
  ),
  paiementsEnLigne: z.array(
    z.strictObject({
      creeLe: isoTimestamp,
      service: z.string().nullable(),
      factures: z.array(z.string()),
      montantCentimes: cents,
      montantEuros: euros,
      prestataire: z.enum(["PayFiP", "TIPI"]),
      referenceDette: z.string(),
      identifiantOperation: z.string().nullable(),
      numeroAutorisation: z.string().nullable(),
      statut: z.enum(["en_attente", "paye", "refuse", "abandonne", "expire", "erreur", "signale", "rejete"]),
      regleLe: isoTimestamp.nullable(),
    }),
  ),
  messagesAuService: z.array(
    z.strictObject({
      envoyeLe: isoTimestamp,
      service: z.string().nullable(),
      nomExpediteur: z.string(),
      adresseMailExpediteur: z.string(),
      numerosAbonne: z.array(z.string()),
      objet: z.string().nullable(),
      message: z.string(),
    }),
  ),
  demandesArretPapier: z.array(
    z.strictObject({ demandeeLe: isoTimestamp, numeroAbonne: z.string().nullable(), service: z.string().nullable() }),
  ),
});

describe("the JSON file", () => {
  it("matches the documented, versioned schema", () => {
    const file = JSON.parse(JSON.stringify(personalDataJson(SAMPLE))) as unknown;
    const parsed = PersonalDataFileV1.parse(file);
    expect(parsed.format).toBe(PERSONAL_DATA_FORMAT);
    expect(Object.keys(parsed)).toEqual(["format", "version", "genereLe", "portail", "compte", "contrats", "factures", "paiementsEnLigne", "messagesAuService", "demandesArretPapier"]);
  });

  it("keeps the cents exact and gives the euros beside them", () => {
    const file = personalDataJson(SAMPLE);
    expect(file.factures.map((f) => [f.montantCentimes, f.montantEuros])).toEqual([
      [24311, 243.11],
      [123456705, 1234567.05],
    ]);
    expect(file.paiementsEnLigne[0]).toMatchObject({ montantCentimes: 5, montantEuros: 0.05, statut: "paye", prestataire: "PayFiP" });
    expect(file.factures.map((f) => f.statut)).toEqual(["non_reglee", "reglee"]);
  });

  it("the schema refuses a file with an extra or a missing field (so it can fail)", () => {
    const file = JSON.parse(JSON.stringify(personalDataJson(SAMPLE))) as Record<string, unknown>;
    expect(PersonalDataFileV1.safeParse({ ...file, internalId: "x" }).success).toBe(false);
    const { compte: _compte, ...withoutAccount } = file;
    expect(PersonalDataFileV1.safeParse(withoutAccount).success).toBe(false);
  });
});

describe("CSV cells", () => {
  it("defuses what a spreadsheet would run as a formula: = + - @ tab CR at the start", () => {
    const cases: [string, string][] = [
      ["=1+1", "'=1+1"],
      ["+33 6", "'+33 6"],
      ["-2", "'-2"],
      ["@SUM(A1)", "'@SUM(A1)"],
      ["\tcmd", "'\tcmd"],
      ["\rcmd", `"'\rcmd"`],
      ["a=b", "a=b"],
      ["", ""],
    ];
    for (const [cell, written] of cases) expect(csvCell(cell), JSON.stringify(cell)).toBe(written);
  });

  it("quotes a cell with ; \" or a line break, doubling its quotes", () => {
    expect(csvCell("a;b")).toBe('"a;b"');
    expect(csvCell('il a dit "oui"')).toBe('"il a dit ""oui"""');
    expect(csvCell("ligne 1\nligne 2")).toBe('"ligne 1\nligne 2"');
    expect(csvCell('=HYPERLINK("x";"y")')).toBe(`"'=HYPERLINK(""x"";""y"")"`);
  });

  it("writes euros with a decimal comma and no thousands separator", () => {
    expect(csvEuros(24311)).toBe("243,11");
    expect(csvEuros(5)).toBe("0,05");
    expect(csvEuros(0)).toBe("0,00");
    expect(csvEuros(123456705)).toBe("1234567,05");
  });
});

describe("the CSV file", () => {
  const text = personalDataCsv(SAMPLE);
  const rows = parseCsv(text.slice(1));
  const header = rows[0]!;
  const cell = (row: string[], column: (typeof CSV_COLUMNS)[number]) => row[header.indexOf(column)]!;
  const section = (name: string) => rows.filter((r) => r[0] === name);

  it("is UTF-8 with a BOM, `;`-separated, CRLF, one header and the same number of cells on every line", () => {
    expect(text.startsWith("\uFEFFRubrique;Date;Heure;")).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(header).toEqual([...CSV_COLUMNS]);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
  });

  it("has a row per account fact, customer, invoice, payment, message and opt-out, named in « Rubrique »", () => {
    expect(rows.slice(1).map((r) => r[0])).toEqual([
      CSV_SECTIONS.accountCreated,
      CSV_SECTIONS.accountActivated,
      CSV_SECTIONS.lastSignIn,
      CSV_SECTIONS.customer,
      CSV_SECTIONS.invoice,
      CSV_SECTIONS.invoice,
      CSV_SECTIONS.payment,
      CSV_SECTIONS.message,
      CSV_SECTIONS.paperOptout,
    ]);
    const [created, , lastSignIn] = rows.slice(1);
    expect([cell(created!, "Date"), cell(created!, "Heure"), cell(created!, "Adresse mail")]).toEqual(["05/01/2026", "09:00", "demo@demo.fr"]);
    expect([cell(lastSignIn!, "Date"), cell(lastSignIn!, "Heure")]).toEqual(["", ""]);
    expect(cell(section(CSV_SECTIONS.customer)[0]!, "Factures papier")).toBe("Non");
  });

  it("writes dates JJ/MM/AAAA and times in France, amounts with a decimal comma and in cents", () => {
    const [unpaid, paid] = section(CSV_SECTIONS.invoice);
    expect([cell(unpaid!, "Date"), cell(unpaid!, "Échéance"), cell(unpaid!, "Montant (euros)"), cell(unpaid!, "Montant (centimes)"), cell(unpaid!, "Statut")]).toEqual([
      "10/07/2017",
      "21/07/2017",
      "243,11",
      "24311",
      "Non réglée",
    ]);
    expect([cell(paid!, "Réglé le"), cell(paid!, "Montant (euros)"), cell(paid!, "Objet")]).toEqual(["18/04/2017", "1234567,05", "'-Assainissement"]);
    const payment = section(CSV_SECTIONS.payment)[0]!;
    expect([cell(payment, "Date"), cell(payment, "Heure"), cell(payment, "Numéro de facture"), cell(payment, "Prestataire"), cell(payment, "Statut")]).toEqual([
      "02/11/2026",
      "10:00",
      "2017-020-001512, 2017-020-002059",
      "PayFiP",
      "Payé",
    ]);
    // 22:30 UTC on 14 July is 00:30 on 15 July in Paris (summer time).
    const message = section(CSV_SECTIONS.message)[0]!;
    expect([cell(message, "Date"), cell(message, "Heure")]).toEqual(["15/07/2026", "00:30"]);
  });

  it("keeps a message's text whole (`;`, quotes, line breaks) and defuses its formulas", () => {
    const message = section(CSV_SECTIONS.message)[0]!;
    expect(cell(message, "Objet")).toBe(`'${SAMPLE.messages[0]!.subject!}`);
    expect(cell(message, "Message")).toBe(`'${SAMPLE.messages[0]!.body}`);
    expect(cell(message, "Nom")).toBe("'@moi");
    // No cell of the file starts with a formula character.
    for (const row of rows) for (const value of row) expect(value, value).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("leaves a no-longer-linked customer's number empty on the opt-out row", () => {
    const optout = section(CSV_SECTIONS.paperOptout)[0]!;
    expect([cell(optout, "Date"), cell(optout, "Numéro d'abonné"), cell(optout, "Service")]).toEqual(["05/11/2026", "", ""]);
  });
});

describe("the file name", () => {
  it("is mes-donnees-portail-AAAA-MM-JJ with the day in France", () => {
    expect(personalDataFileName("2026-11-30T23:30:00.000Z", "json")).toBe("mes-donnees-portail-2026-12-01.json");
    expect(personalDataFileName("2026-11-30T12:00:00.000Z", "csv")).toBe("mes-donnees-portail-2026-11-30.csv");
  });
});
