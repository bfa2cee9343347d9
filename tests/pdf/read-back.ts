import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/types/src/display/api";

/**
 * A PDF read back as a reader would (pdfjs-dist, Firefox's PDF engine): for tests/pdf/. The
 * structure tree is flattened in reading order, each element with the text of its marked content.
 */
export interface Tagged {
  role: string;
  text: string;
  depth: number;
  scope?: string;
}

export interface ReadBack {
  pdf: PDFDocumentProxy;
  pages: number;
  info: Record<string, unknown>;
  xmpTitle: string | null | undefined;
  /** MarkInfo /Marked: the catalog says the document is tagged */
  marked: boolean;
  viewer: Map<unknown, unknown> | null;
  /**
   * The tagged elements in reading order, page after page, each with its text on that page;
   * an element with content on two pages (the Document, a long Table) is listed under both.
   */
  tagged: Tagged[];
  /** every text item with its page and the tag of its marked content */
  items: { text: string; tag: string | null; page: number }[];
}

interface StructNode {
  role?: string;
  type?: string;
  id?: string;
  scope?: string;
  children?: StructNode[];
}

interface MarkedItem {
  type?: string;
  id?: string | null;
  tag?: string;
  str?: string;
}

/** Text of each marked content id, and every text item with the tag it sits in. */
async function markedText(page: PDFPageProxy) {
  const content = await page.getTextContent({ includeMarkedContent: true });
  const byId = new Map<string, string>();
  const items: { text: string; tag: string | null }[] = [];
  const stack: { id: string | null; tag: string }[] = [];
  for (const raw of content.items as MarkedItem[]) {
    if (raw.type === "beginMarkedContentProps" || raw.type === "beginMarkedContent") stack.push({ id: raw.id ?? null, tag: raw.tag ?? "" });
    else if (raw.type === "endMarkedContent") stack.pop();
    // pdf.js adds space-only items where it guesses a gap (between table cells): left out.
    else if (raw.str !== undefined && raw.str.trim() !== "") {
      const top = stack.at(-1) ?? null;
      items.push({ text: raw.str, tag: top?.tag ?? null });
      if (top?.id) byId.set(top.id, `${byId.get(top.id) ?? ""}${raw.str}`);
    }
  }
  return { byId, items };
}

function flatten(node: StructNode, byId: Map<string, string>, depth: number, out: Tagged[]): string {
  let text = "";
  for (const child of node.children ?? []) {
    if (child.type === "content") text += byId.get(child.id ?? "") ?? "";
    else if (child.role) {
      const entry: Tagged = { role: child.role, text: "", depth, ...(child.scope ? { scope: child.scope } : {}) };
      const at = out.push(entry) - 1;
      entry.text = flatten(child, byId, depth + 1, out);
      if (entry.text === "") out.splice(at, 1); // nothing of it on this page
      text += entry.text;
    }
  }
  return text;
}

export async function readBack(bytes: Uint8Array): Promise<ReadBack> {
  const pdf = await getDocument({ data: bytes.slice(), verbosity: 0 }).promise;
  const meta = await pdf.getMetadata();
  const tagged: Tagged[] = [];
  const items: ReadBack["items"] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const marked = await markedText(page);
    items.push(...marked.items.map((item) => ({ ...item, page: n })));
    const tree = (await page.getStructTree()) as StructNode | null;
    if (tree) flatten(tree, marked.byId, 0, tagged);
  }
  const markInfo = (await pdf.getMarkInfo()) as Map<string, boolean> | { Marked: boolean } | null;
  return {
    pdf,
    pages: pdf.numPages,
    info: meta.info as Record<string, unknown>,
    xmpTitle: meta.metadata?.get("dc:title"),
    marked: markInfo instanceof Map ? markInfo.get("Marked") === true : markInfo?.Marked === true,
    viewer: await pdf.getViewerPreferences(),
    tagged,
    items,
  };
}

/** Hex of bytes, as pdf.js gives the file identifier (`fingerprints`). */
export const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
