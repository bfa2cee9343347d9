/**
 * The portal's PDF documents (invoices today; payment receipts and yearly payment certificates
 * next), built over pdfkit as TAGGED PDFs: a title shown by viewers, the language (fr-FR), a
 * structure tree in reading order — Document > H1/H2/P/Table (TR > TH/TD) — and decoration marked
 * as artifacts. Helvetica (a standard font, WinAnsiEncoding), A4.
 *
 * Deterministic: the dates come from the document (`date`), the file identifier from its content,
 * and streams are left uncompressed, so the same document gives the same bytes on Node (pdfkit's
 * Node build, scripts and tests), in the server build on Node and Deno and in the edge bundle
 * (pdfkit's browser build there: font metrics as modules, no file system). Synchronous: the bytes
 * are collected in memory as pdfkit writes them. Choice and measures:
 * docs/decisions/0023-pdf-library.md.
 */
// tsconfig's wildcards skip dot folders (app/.server), so the declarations are referenced by path.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./pdfkit-standard-fonts.d.ts" />
import { createHash } from "node:crypto";
import * as pdfkitExports from "pdfkit";
import PDFDocument from "pdfkit";
import Helvetica from "pdfkit/standard-fonts/Helvetica";
import HelveticaBold from "pdfkit/standard-fonts/HelveticaBold";

export const PDF_LANGUAGE = "fr-FR";

export interface PdfColumn {
  header: string;
  /** in points; the page's text width is PDF_TEXT_WIDTH */
  width: number;
  align?: "left" | "right";
}

export type PdfBlock =
  | { type: "heading"; level: 1 | 2; text: string }
  | { type: "paragraph"; text: string; size?: number; bold?: boolean }
  /** A data table: one header row (TH, column scope), then the rows (TD). */
  | { type: "table"; columns: PdfColumn[]; rows: string[][] }
  /** A horizontal line: decoration, marked as an artifact (not read). */
  | { type: "rule" }
  /** Vertical space, in lines of the current font size. */
  | { type: "space"; lines: number };

export interface PdfDocumentSpec {
  /** Document title (Info, XMP, shown by viewers instead of the file name). */
  title: string;
  author?: string;
  subject?: string;
  /** YYYY-MM-DD: creation and modification dates (midnight UTC), so the bytes do not depend on the clock. */
  date: string;
  blocks: PdfBlock[];
  /** A last paragraph at the foot of the last page. */
  footnote?: string;
}

const PAGE = { width: 595.28, height: 841.89 }; // A4
const MARGIN = 56;
export const PDF_TEXT_WIDTH = Math.floor(PAGE.width - 2 * MARGIN);
const PRODUCER = "Le Portail des Factures (PDFKit)";
const FONT = { regular: "Helvetica", bold: "Helvetica-Bold" } as const;
const SIZES = { h1: 18, h2: 13, text: 11, table: 10, footnote: 9 } as const;

// pdfkit's browser build (server build, edge bundle) needs the standard fonts registered; its Node
// build loads them by itself and has no registerStdFonts.
const { registerStdFonts } = pdfkitExports as unknown as { registerStdFonts?: (...fonts: unknown[]) => void };
registerStdFonts?.(Helvetica, HelveticaBold);

/** WinAnsiEncoding = Latin-1 plus these in 0x80–0x9F (what Helvetica can show without embedding a font). */
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

/** NFC, the narrow no-break space (French number formatting) as a no-break space; refuses what Helvetica cannot show. */
export function winAnsiText(text: string): string {
  const normalized = text.normalize("NFC").replace(/\u202f/g, "\u00a0");
  for (const ch of normalized) {
    const code = ch.codePointAt(0)!;
    const latin1 = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
    if (!latin1 && !WIN_ANSI_EXTRA.has(ch)) {
      throw new Error(`Character not in WinAnsiEncoding (Helvetica): ${JSON.stringify(ch)} (U+${code.toString(16).toUpperCase().padStart(4, "0")})`);
    }
  }
  return normalized;
}

/** pdfkit writes the title, author and subject into the XMP packet unescaped: keep them XML-safe. */
function metadataText(text: string): string {
  if (/[<>&]/.test(text)) throw new Error(`PDF metadata cannot contain <, > or &: ${JSON.stringify(text)}`);
  return winAnsiText(text);
}

function normalizedBlock(block: PdfBlock): PdfBlock {
  switch (block.type) {
    case "heading":
    case "paragraph":
      return { ...block, text: winAnsiText(block.text) };
    case "table":
      return {
        type: "table",
        columns: block.columns.map((column) => ({ ...column, header: winAnsiText(column.header) })),
        rows: block.rows.map((row) => {
          if (row.length !== block.columns.length) throw new Error(`Table row of ${row.length} cells for ${block.columns.length} columns`);
          return row.map(winAnsiText);
        }),
      };
    default:
      return block;
  }
}

function normalizedSpec(spec: PdfDocumentSpec): PdfDocumentSpec {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(spec.date) || Number.isNaN(Date.parse(`${spec.date}T00:00:00Z`))) {
    throw new Error(`PDF date must be YYYY-MM-DD: ${JSON.stringify(spec.date)}`);
  }
  return {
    title: metadataText(spec.title),
    ...(spec.author !== undefined ? { author: metadataText(spec.author) } : {}),
    ...(spec.subject !== undefined ? { subject: metadataText(spec.subject) } : {}),
    date: spec.date,
    blocks: spec.blocks.map(normalizedBlock),
    ...(spec.footnote !== undefined ? { footnote: winAnsiText(spec.footnote) } : {}),
  };
}

/** JSON with sorted keys: equal documents serialize equally whatever the order their objects were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The file identifier (trailer /ID): 16 bytes of the SHA-256 of the document's content. */
export function documentId(spec: PdfDocumentSpec): Uint8Array {
  return new Uint8Array(createHash("sha256").update(canonicalJson(normalizedSpec(spec))).digest().subarray(0, 16));
}

type Doc = PDFKit.PDFDocument;
type StructElement = PDFKit.PDFStructureElement;

/** A PDFDocument whose output is kept in memory as it is written (pdfkit writes through `push`). */
class MemoryDocument extends PDFDocument {
  declare collected: Uint8Array[] | undefined;

  push(chunk: Uint8Array | null): boolean {
    if (chunk !== null) (this.collected ??= []).push(chunk);
    return true;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const chunks = this.collected ?? [];
    const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
    chunks.reduce((offset, chunk) => (out.set(chunk, offset), offset + chunk.byteLength), 0);
    return out;
  }
}

/** A horizontal line across the text width at the current position, as a Layout artifact. */
function drawRule(doc: Doc): void {
  const y = doc.y + 2;
  doc.markContent("Artifact", { type: "Layout" });
  doc.save().lineWidth(0.5).strokeColor("#707070").moveTo(MARGIN, y).lineTo(MARGIN + PDF_TEXT_WIDTH, y).stroke().restore();
  doc.endMarkedContent();
  doc.y = y + 6;
}

/** One structure element holding one text block, drawn as it is added (the tree is attached). */
function addText(doc: Doc, parent: StructElement, tag: "H1" | "H2" | "P", text: string, font: string, size: number): void {
  parent.add(
    doc.struct(tag, {}, [
      () => {
        doc.font(font).fontSize(size).text(text, MARGIN, doc.y, { width: PDF_TEXT_WIDTH });
      },
    ]),
  );
}

function addTable(doc: Doc, parent: StructElement, block: Extract<PdfBlock, { type: "table" }>): void {
  doc.font(FONT.regular).fontSize(SIZES.table);
  drawRule(doc);
  // structParent: the table's Table/TR/TH/TD elements go under it (not in @types/pdfkit).
  const options: PDFKit.Mixins.TableOptions & { structParent: StructElement } = {
    structParent: parent,
    position: { x: MARGIN, y: doc.y },
    columnStyles: block.columns.map((column) => ({ width: column.width, align: { x: column.align ?? "left", y: "top" } })),
    defaultStyle: { border: 0, padding: [3, 4] },
  };
  const table = doc.table(options);
  table.row(block.columns.map((column) => ({ text: column.header, type: "TH", scope: "Column", font: { src: FONT.bold } }) as PDFKit.Mixins.RowOptions));
  drawRule(doc);
  for (const row of block.rows) table.row(row);
  table.end();
  drawRule(doc);
}

function addBlock(doc: Doc, root: StructElement, block: PdfBlock): void {
  switch (block.type) {
    case "heading":
      if (block.level === 2) doc.moveDown(0.6);
      addText(doc, root, block.level === 1 ? "H1" : "H2", block.text, FONT.bold, block.level === 1 ? SIZES.h1 : SIZES.h2);
      doc.moveDown(0.3);
      return;
    case "paragraph":
      addText(doc, root, "P", block.text, block.bold ? FONT.bold : FONT.regular, block.size ?? SIZES.text);
      return;
    case "table":
      addTable(doc, root, block);
      return;
    case "rule":
      drawRule(doc);
      return;
    case "space":
      doc.moveDown(block.lines);
      return;
  }
}

/** The footnote at the foot of the last page (on a new page if the content reaches it). */
function addFootnote(doc: Doc, root: StructElement, text: string): void {
  doc.font(FONT.regular).fontSize(SIZES.footnote);
  const height = doc.heightOfString(text, { width: PDF_TEXT_WIDTH });
  // A point of slack: pdfkit starts a new page when a line would end past the bottom margin.
  const top = Math.floor(PAGE.height - MARGIN - height) - 1;
  if (doc.y > top) doc.addPage();
  doc.y = top;
  addText(doc, root, "P", text, FONT.regular, SIZES.footnote);
}

/** Renders a document: a tagged, deterministic PDF, as bytes. */
export function renderPdf(input: PdfDocumentSpec): Uint8Array<ArrayBuffer> {
  const spec = normalizedSpec(input);
  const date = new Date(`${spec.date}T00:00:00Z`);
  const doc = new MemoryDocument({
    size: [PAGE.width, PAGE.height],
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    pdfVersion: "1.7",
    compress: false,
    tagged: true,
    lang: PDF_LANGUAGE,
    displayTitle: true,
    font: FONT.regular,
    info: {
      Title: spec.title,
      ...(spec.author ? { Author: spec.author } : {}),
      ...(spec.subject ? { Subject: spec.subject } : {}),
      Creator: PRODUCER,
      Producer: PRODUCER,
      CreationDate: date,
      ModDate: date,
    },
  });
  // pdfkit derives the identifier from the Info dictionary; ours comes from the whole content.
  Object.assign(doc, { _id: documentId(spec) });
  const root = doc.struct("Document");
  doc.addStructure(root);
  for (const block of spec.blocks) addBlock(doc, root, block);
  if (spec.footnote !== undefined) addFootnote(doc, root, spec.footnote);
  root.end();
  doc.end();
  return doc.bytes();
}
