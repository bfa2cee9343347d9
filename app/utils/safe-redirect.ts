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
