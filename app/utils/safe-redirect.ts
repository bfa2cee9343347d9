/**
 * Only same-site paths: "/factures?x=1" yes; "//evil", "https://…", "/\\evil" no. Shared by the
 * server (redirects after login or a link) and the login form (its hidden redirectTo field).
 *
 * The result goes into a Location header, so it is printable ASCII only: spaces and characters
 * beyond ASCII are percent-encoded as UTF-8, as a browser does ("/€" → "/%E2%82%AC"; a header
 * refuses characters above U+00FF, which made the login answer a 500). Encoding is idempotent:
 * the login form sends the encoded path back unchanged. A lone surrogate (no UTF-8 form) falls back.
 */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/accueil"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // Control characters (tabs, newlines) could smuggle a different target past the checks above.
  if ([...to].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return fallback;
  if (/^[\x21-\x7e]*$/.test(to)) return to;
  try {
    // Code point by code point: a pair of surrogates is one character, a lone one throws.
    return [...to].map((c) => (/^[\x21-\x7e]$/.test(c) ? c : encodeURIComponent(c))).join("");
  } catch {
    return fallback;
  }
}

/**
 * Paths served by resource routes (a file, not a page), e.g. an invoice's PDF: a redirect there
 * after a form that JavaScript submits must make the browser load the URL itself
 * (`redirectDocument`), otherwise Remix's client router fetches it as page data and nothing happens.
 */
export function isResourcePath(path: string): boolean {
  return /^\/factures\/[^/?#]+\/pdf(?:[?#]|$)/.test(path);
}
