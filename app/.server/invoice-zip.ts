import { z } from "zod";
import type { ListedInvoicePdf } from "./ports/files";
import { requireResident } from "./resident";
import { withSession } from "./session-response";
import { INVOICE_TABS, type InvoiceTab } from "~/utils/invoices";
import { zipStream } from "./invoice-zip-stream";

/**
 * « Télécharger les PDF » (docs/resident-screens.md, docs/decisions/0038-invoice-pdf-zip.md):
 * GET /factures/pdf.zip?onglet=<tab> — the signed-in resident's PDFs of one tab of Mes factures,
 * newest first, in one zip streamed as it is written (app/.server/invoice-zip-stream.ts).
 *   * `onglet` (required): non-reglees, reglees or tresorerie;
 *   * `facture` (optional, repeated, at most ZIP_CAP): only these invoices of the tab — a
 *     selection, as a GET form of checkboxes named `facture` sends it, with or without JavaScript;
 *   * `apres` (optional): `<YYYY-MM-DD>.<uuid>`, the invoices after that one (the next archive
 *     of a tab holding more than ZIP_CAP invoices: LISEZMOI.txt gives its address);
 *   * `selection=1` (optional): sent by the selection screen (/factures/selection), where no
 *     invoice ticked is a French 400 page instead of the whole tab.
 * The list is one SQL call under RLS (public.my_invoice_pdf_list, through the files port); the
 * PDFs are then read one after another from the file store. Invalid parameters: a French 400
 * page; nothing to download: a French 404 page. Never a 500 for what a URL says.
 */

/** At most this many PDFs per archive: the newest; LISEZMOI.txt says how to get the rest. */
export const ZIP_CAP = 200;

/** The name of the text entry every archive ends with. */
export const README_NAME = "LISEZMOI.txt";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const QuerySchema = z.object({
  onglet: z.enum(INVOICE_TABS.map((t) => t.slug) as [InvoiceTab["slug"], ...InvoiceTab["slug"][]]),
  facture: z
    .array(z.string().regex(UUID).transform((id) => id.toLowerCase()))
    .max(ZIP_CAP)
    .transform((ids) => (ids.length === 0 ? null : [...new Set(ids)])),
  apres: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
    .refine((value) => isCalendarDate(value.slice(0, 10)))
    .transform((value) => ({ issuedOn: value.slice(0, 10), id: value.slice(11).toLowerCase() }))
    .nullable(),
  // Sent by the selection form (/factures/selection): there, no invoice ticked is a mistake to say,
  // not the whole tab.
  selection: z.literal("1").nullable(),
});

export type InvoiceZipQuery = z.infer<typeof QuerySchema>;

/** The query string, or null when it is not one this route answers (400). */
export function parseInvoiceZipQuery(url: URL): InvoiceZipQuery | null {
  const params = url.searchParams;
  const parsed = QuerySchema.safeParse({
    onglet: params.get("onglet") ?? undefined,
    facture: params.getAll("facture"),
    apres: params.get("apres"),
    selection: params.get(SELECTION_MARK),
  });
  return parsed.success ? parsed.data : null;
}

/** The selection screen's query (`onglet`, `apres`): anything invalid is the first tab's first page. */
export function invoiceSelectionQuery(url: URL): { tab: InvoiceTab; after: InvoiceZipQuery["apres"] } {
  const onglet = QuerySchema.shape.onglet.safeParse(url.searchParams.get("onglet") ?? undefined);
  const apres = QuerySchema.shape.apres.safeParse(url.searchParams.get("apres"));
  const slug = onglet.success ? onglet.data : "non-reglees";
  return { tab: INVOICE_TABS.find((t) => t.slug === slug)!, after: apres.success ? apres.data : null };
}

/** "2017-02-30" is not a date: the day must come back unchanged from a UTC Date. */
function isCalendarDate(iso: string): boolean {
  const time = Date.parse(`${iso}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === iso;
}

/** The zip route's path (app/routes/factures.pdf[.]zip/route.ts). */
export const INVOICE_ZIP_PATH = "/factures/pdf.zip";
/** The selection form's hidden field that tells the zip route where the request comes from. */
export const SELECTION_MARK = "selection";

function tabUrl(path: string, tab: InvoiceTab["slug"], after?: { issuedOn: string; id: string }): string {
  const params = new URLSearchParams({ onglet: tab });
  if (after) params.set("apres", `${after.issuedOn}.${after.id}`);
  return `${path}?${params}`;
}

/** The address of a tab's archive (the link of Mes factures), or of the one after an invoice. */
export function invoiceZipUrl(tab: InvoiceTab["slug"], after?: { issuedOn: string; id: string }): string {
  return tabUrl(INVOICE_ZIP_PATH, tab, after);
}

/** The selection screen of a tab (app/routes/_espace.factures_.selection/route.tsx), or its page after an invoice. */
export function invoiceSelectionUrl(tab: InvoiceTab["slug"], after?: { issuedOn: string; id: string }): string {
  return tabUrl("/factures/selection", tab, after);
}

/**
 * "Eau potable", "2017-020-002059" → "Eau-potable_2017-020-002059.pdf": ASCII letters, digits,
 * dot and dash only (accents dropped, anything else a dash), no path separator, no leading dot;
 * a name already `taken` (case-insensitively: Windows and macOS) gets "-2", "-3"…
 */
export function entryName(serviceName: string, invoiceNumber: string, taken: Set<string>): string {
  const base = `${safePart(serviceName, "service")}_${safePart(invoiceNumber, "sans-numero")}`;
  let name = `${base}.pdf`;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}.pdf`;
  taken.add(name.toLowerCase());
  return name;
}

function safePart(text: string, fallback: string): string {
  const ascii = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const safe = ascii
    .replace(/[^A-Za-z0-9.-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 60)
    .replace(/[-.]+$/g, "");
  return safe || fallback;
}

/** Today in France, `YYYY-MM-DD` (the archive's file name). */
export function dayInFrance(now: Date): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** What LISEZMOI.txt says: the contents, the PDFs missing, and the next archive when capped. */
export function readmeText(options: {
  tab: InvoiceTab;
  day: string;
  total: number;
  included: ListedInvoicePdf[];
  missing: ListedInvoicePdf[];
  selection: boolean;
  nextUrl: string | null;
}): string {
  const { tab, day, total, included, missing, selection, nextUrl } = options;
  const lines = [
    "Le Portail des Factures — Télécharger les PDF",
    "",
    `Onglet : ${tab.label}${selection ? " (factures choisies)" : ""}`,
    `Archive du ${day.split("-").reverse().join("/")}`,
    `Factures : ${included.length - missing.length} PDF sur ${included.length} facture(s) de cette archive.`,
  ];
  if (missing.length > 0) {
    lines.push("", "PDF non disponibles (absents de cette archive) :");
    for (const invoice of missing) {
      lines.push(`  - facture n° ${invoice.number} du ${invoice.issuedOn.split("-").reverse().join("/")} (${invoice.serviceName})`);
    }
    lines.push("Le service qui vous facture peut vous les transmettre : écrivez-lui depuis la page « Nous contacter » du portail.");
  }
  if (nextUrl) {
    lines.push(
      "",
      `Cet onglet contient ${total} factures : une archive en contient au plus ${ZIP_CAP}, les plus récentes.`,
      "Pour télécharger les suivantes, connectez-vous au portail puis ouvrez cette adresse :",
      `  ${nextUrl}`,
      "Chaque facture reste aussi téléchargeable une à une depuis sa page, dans « Mes factures ».",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The GET handler of app/routes/factures.pdf[.]zip/route.ts. */
export async function invoiceZipDownload(request: Request, now = new Date()): Promise<Response> {
  const { accounts, files } = await requireResident(request, { files: true });
  const session = withSession(accounts).headers;
  const url = new URL(request.url);
  const query = parseInvoiceZipQuery(url);
  if (!query) return page(400, BAD_REQUEST_PAGE, session);
  if (query.selection && query.facture === null) return page(400, EMPTY_SELECTION_PAGE, session);

  const tab = INVOICE_TABS.find((t) => t.slug === query.onglet)!;
  const list = await files.invoicePdfList({ status: tab.status, limit: ZIP_CAP + 1, after: query.apres, ids: query.facture });
  if (list.invoices.length === 0) return page(404, NOTHING_PAGE, session);

  const included = list.invoices.slice(0, ZIP_CAP);
  const last = included[included.length - 1]!;
  const nextUrl = list.invoices.length > ZIP_CAP ? `${url.origin}${invoiceZipUrl(tab.slug, { issuedOn: last.issuedOn, id: last.id })}` : null;
  const day = dayInFrance(now);
  const taken = new Set<string>();
  const sources = included.map((invoice) => ({
    item: invoice,
    name: entryName(invoice.serviceName, invoice.number, taken),
    date: new Date(`${invoice.issuedOn}T12:00:00`),
    open: () => invoice.open(),
  }));
  const body = zipStream(sources, README_NAME, (missing) =>
    readmeText({ tab, day, total: list.total, included, missing, selection: query.facture !== null, nextUrl }),
  );

  const headers = new Headers(session);
  headers.set("Content-Type", "application/zip");
  headers.set("Content-Disposition", `attachment; filename="factures-${tab.slug}-${day}.zip"`);
  // Personal data: never kept by a shared cache, nor sniffed as something else.
  headers.set("Cache-Control", "private, no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(body, { status: 200, headers });
}

/** A resource route renders no React: small French pages. */
const htmlPage = (title: string, text: string) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — Le Portail des Factures</title></head>
<body><main><h1>${title}</h1>
<p>${text}</p>
<p><a href="/factures">Voir mes factures</a></p></main></body></html>
`;

const BAD_REQUEST_PAGE = htmlPage(
  "Téléchargement impossible",
  "L'adresse de ce téléchargement n'est pas valide. Utilisez le lien « Télécharger les PDF » d'un onglet de « Mes factures ».",
);

const EMPTY_SELECTION_PAGE = htmlPage(
  "Aucune facture cochée",
  "Vous n'avez coché aucune facture. Revenez à la page précédente, cochez au moins une facture, puis choisissez « Télécharger la sélection (ZIP) ».",
);

const NOTHING_PAGE = htmlPage("Aucune facture à télécharger", "Il n'y a aucune facture à télécharger dans cet onglet.");

function page(status: 400 | 404, html: string, session: HeadersInit | undefined): Response {
  const headers = new Headers(session);
  headers.set("Content-Type", "text/html; charset=utf-8");
  headers.set("Cache-Control", "private, no-store");
  return new Response(html, { status, headers });
}
