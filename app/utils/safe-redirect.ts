/**
 * Only same-site paths: "/factures?x=1" yes; "//evil", "https://…", "/\\evil" no. Shared by the
 * server (redirects after login or a link) and the login form (its hidden redirectTo field).
 */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/accueil"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // Control characters (tabs, newlines) could smuggle a different target past the checks above.
  if ([...to].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return fallback;
  return to;
}

/**
 * Paths served by resource routes (a file, not a page), e.g. an invoice's PDF: a redirect there
 * after a form that JavaScript submits must make the browser load the URL itself
 * (`redirectDocument`), otherwise Remix's client router fetches it as page data and nothing happens.
 */
export function isResourcePath(path: string): boolean {
  return /^\/factures\/[^/?#]+\/pdf(?:[?#]|$)/.test(path);
}
