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

/** A PDF starts with `%PDF-` (some tools put a few bytes before it: allowed in the first 1 KB). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 1024));
  return head.includes("%PDF-");
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function pdfObjectKey(numcli: string, invoiceNumber: string): string {
  return `${numcli}/${invoiceNumber}.pdf`;
}
