import { env } from "./env";

/**
 * "Fermer" on the home page's announcement: hidden for the rest of the browser session, without
 * JavaScript (a POST sets this cookie). The cookie has no Max-Age (it ends with the browser
 * session) and is cleared on logout, so the announcement is back at the next login. Its value is
 * a digest of the resident and the announcement's text: another resident on the same browser, or
 * a new announcement, shows again.
 */
export const ANNOUNCEMENT_COOKIE = "pf_annonce_fermee";

export async function announcementDigest(userId: string, announcement: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${userId}\n${announcement}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function readAnnouncementCookie(request: Request): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === ANNOUNCEMENT_COOKIE) return rest.join("=");
  }
  return undefined;
}

function secure(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || env().siteOrigin.startsWith("https:");
}

export function dismissAnnouncementCookie(request: Request, digest: string): string {
  return [`${ANNOUNCEMENT_COOKIE}=${digest}`, "Path=/", "HttpOnly", "SameSite=Lax", ...(secure(request) ? ["Secure"] : [])].join("; ");
}

export function clearAnnouncementCookie(request: Request): string {
  return [`${ANNOUNCEMENT_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure(request) ? ["Secure"] : [])].join("; ");
}
