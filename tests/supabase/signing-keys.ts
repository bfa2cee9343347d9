import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { http, HttpResponse } from "msw";
import { SUPABASE_URL } from "./msw-supabase";

/**
 * A project's asymmetric JWT signing key, as Supabase Auth uses it (ES256, P-256): GoTrue signs
 * access tokens with the private key and publishes the public one at
 * `/auth/v1/.well-known/jwks.json` (`{keys: [{kty, crv, x, y, kid, alg, use, key_ops}]}`). The
 * fakes of msw-supabase.ts are HS256 (the legacy secret); `signed()` turns one into what a project
 * with signing keys issues, with a real signature the adapter verifies.
 */
export interface SigningKey {
  kid: string;
  /** The public key as GoTrue publishes it in its JWKS. */
  jwk: Record<string, unknown>;
  /** Signs these bytes (ECDSA P-256 / SHA-256, JOSE's raw r‖s form). */
  sign(data: string): Buffer;
}

export function es256Key(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    kid,
    jwk: { ...(publicKey.export({ format: "jwk" }) as Record<string, unknown>), kid, alg: "ES256", use: "sig", key_ops: ["verify"], ext: true },
    sign: (data) => sign("sha256", Buffer.from(data), { key: privateKey as KeyObject, dsaEncoding: "ieee-p1363" }),
  };
}

/** The access token `token` (claims kept) re-signed as GoTrue does with `key`: alg ES256, kid. */
export function resign(token: string, key: SigningKey, header: Record<string, unknown> = {}): string {
  const payload = token.split(".")[1]!;
  const head = Buffer.from(JSON.stringify({ alg: "ES256", typ: "JWT", kid: key.kid, ...header })).toString("base64url");
  return `${head}.${payload}.${key.sign(`${head}.${payload}`).toString("base64url")}`;
}

/** A GoTrue session body (fakeSession) whose access token is signed with `key`. */
export function signed<T extends { access_token: string }>(session: T, key: SigningKey): T {
  return { ...session, access_token: resign(session.access_token, key) };
}

/** GoTrue's JWKS endpoint publishing `keys`; `onFetch` counts the fetches. */
export function jwksHandler(keys: SigningKey[], onFetch: () => void = () => {}) {
  return http.get(`${SUPABASE_URL}/auth/v1/.well-known/jwks.json`, () => {
    onFetch();
    return HttpResponse.json({ keys: keys.map((key) => key.jwk) });
  });
}
