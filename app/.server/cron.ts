/**
 * The shared guard of the cron routes (/taches/*): `Authorization: Bearer <secret>`, compared in
 * constant time. Without a configured secret the endpoint does not exist.
 */
async function secretMatches(given: string, expected: string): Promise<boolean> {
  // Compare digests so the time taken says nothing about the secret.
  const digest = async (v: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(v)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Checks the request's secret. Not configured: throws 404 "Page introuvable" (the endpoint does
 * not exist). Header missing or wrong: resolves to the 401 to return, `{ error: "unauthorized" }`
 * with `WWW-Authenticate: Bearer` (returned, not thrown, so that Remix answers it unchanged).
 * Right secret: resolves to undefined.
 */
export async function requireCronSecret(request: Request, secret: string | undefined): Promise<Response | undefined> {
  if (!secret) throw new Response("Page introuvable", { status: 404 });
  const given = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim() ?? "";
  if (!given || !(await secretMatches(given, secret))) {
    return Response.json({ error: "unauthorized" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  }
  return undefined;
}

/** The GET answer of a cron route: 405 (POST only) when it exists, 404 otherwise. */
export function cronRouteGet(secret: string | undefined): never {
  throw new Response("Page introuvable", { status: secret ? 405 : 404, headers: { Allow: "POST" } });
}
