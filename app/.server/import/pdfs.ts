/**
 * Invoice PDFs are matched by the invoice number written in their file name: the whole name
 * (`2017-020-002059.pdf`) or a part of it separated by spaces or underscores
 * (`Facture_2017-020-002059.pdf`, `FAC 2017-020-002059 SISTEC560.pdf`).
 */

/** The candidate invoice numbers a PDF file name carries (extension removed). */
export function numbersInFileName(fileName: string): string[] {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.pdf$/i, "");
  const parts = stem.split(/([\s_]+)/); // tokens at even indexes, separators at odd ones
  const candidates = new Set<string>([stem]);
  for (let i = 0; i < parts.length; i += 2) {
    let joined = "";
    for (let j = i; j < parts.length && j - i < 12; j++) {
      joined += parts[j];
      if ((j - i) % 2 === 0 && joined.trim() !== "") candidates.add(joined);
    }
  }
  return [...candidates];
}

export function isPdfName(fileName: string): boolean {
  return /\.pdf$/i.test(fileName);
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** A PDF starts with `%PDF-` (some tools put a few bytes before it: allowed in the first 1 KB). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 1024) - PDF_MAGIC.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < PDF_MAGIC.length; j++) if (bytes[i + j] !== PDF_MAGIC[j]) continue outer;
    return true;
  }
  return false;
}

type NodeCrypto = typeof import("node:crypto");
/**
 * node:crypto when the runtime offers it (process.getBuiltinModule, Node ≥ 20.16): Web Crypto's
 * digest is asynchronous and goes through a thread pool, about ten times the cost of hashing a
 * small PDF synchronously — the import hashes every PDF (docs/import.md, section 6). Web Crypto
 * elsewhere.
 */
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:crypto") as
  | NodeCrypto
  | undefined;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHash("sha256").update(bytes).digest("hex");
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function pdfObjectKey(numcli: string, invoiceNumber: string): string {
  return `${numcli}/${invoiceNumber}.pdf`;
}
