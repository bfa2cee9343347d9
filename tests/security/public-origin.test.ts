import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as forgotten from "~/routes/mot-de-passe-oublie/route";
import * as login from "~/routes/connexion/route";
import * as confirmation from "~/routes/_espace.paiement_.confirmation/route";
import * as demarrer from "~/routes/_espace.paiement_.demarrer/route";
import { exposureWarning, isLoopback, listenHost } from "../../server/listen.js";
import { wrapHandler } from "../../server/security.js";
import { Browser, lastEmailTo, startPortal } from "../support/route-harness";
import { SEED } from "../support/database";
import { DEMO } from "../support/residents";

/**
 * Links and server-side URLs come from configuration only (SITE_URL, else the address the
 * embedded default listens on), never from a request's Host or forwarded headers; the request
 * handed to the app carries the public origin, so cookies are Secure behind an HTTPS proxy.
 * The portal runs here WITHOUT SITE_URL: the case where a request could otherwise choose.
 */
const EVIL = "http://evil.example:8443";
const OWN = "http://localhost:3000";

/** Every request the server sends for itself; one to anywhere but its own origin fails the test. */
const outgoing: string[] = [];
const server = setupServer(
  http.all(`${OWN}/*`, ({ request }) => {
    outgoing.push(request.url);
    return HttpResponse.text("unreachable in this test", { status: 503 });
  }),
);

let db: Database;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: (request) => outgoing.push(`UNEXPECTED ${request.url}`) });
  ({ db } = await startPortal({ SITE_URL: "", PORT: "3000" }));
});
afterAll(async () => {
  server.close();
  await db?.close();
});

/** A request as an attacker sends it: Host and a matching Origin of their choosing. */
function forged(path: string, form: Record<string, string>, cookie = "", extra: Record<string, string> = {}) {
  return new Request(`${EVIL}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: EVIL,
      cookie,
      "x-client-ip": "203.0.113.90",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      ...extra,
    },
    body: new URLSearchParams(form).toString(),
  });
}

describe("e-mail links never come from the request", () => {
  it("a recovery asked with Host: evil.example still links to the portal's own origin", async () => {
    await forgotten.action({ request: forged("/mot-de-passe-oublie", { email: DEMO.email }), params: {}, context: {} });
    const email = await lastEmailTo(db, DEMO.email);
    expect(email?.kind).toBe("auth_recovery");
    expect(email!.text_body).toContain(`${OWN}/auth/confirm?token_hash=`);
    expect(email!.text_body + email!.html_body).not.toContain("evil.example");
  });
});

describe("the server's own calls never go where a request says", () => {
  it("starting a PayFiP payment with a forged Host calls the simulator at the configured origin", async () => {
    const demo = new Browser();
    demo.ip = "203.0.113.91";
    expect((await demo.call(login.action, "/connexion", { ...DEMO, redirectTo: "/accueil" })).status).toBe(302);
    const invoice = SEED.invoice2059Id;
    expect((await demo.call(confirmation.loader, `/paiement/confirmation?facture=${invoice}`)).status).toBe(200);
    outgoing.length = 0;
    try {
      await demarrer.action({ request: forged("/paiement/demarrer", { facture: invoice }, demo.cookieHeader()), params: {}, context: {} });
    } catch {
      // The simulator is unreachable in this test: whatever the page answers, what matters is where the call went.
    }
    expect(outgoing.length).toBeGreaterThan(0);
    expect(outgoing.every((url) => url.startsWith(`${OWN}/simulateur-dgfip/`))).toBe(true);
  });
});

describe("one public origin for the whole server (server/security.js)", () => {
  const capture = () => {
    const seen: Request[] = [];
    return { seen, handler: async (request: Request) => (seen.push(request), new Response("ok")) };
  };

  it("behind a trusted HTTPS proxy without SITE_URL, the app sees https and the session cookie is Secure", async () => {
    const wrapped = wrapHandler(
      (request) =>
        (login.action({ request, params: {}, context: {} }) as Promise<unknown>).then(
          (r) => r as Response,
          (thrown: unknown) => thrown as Response,
        ),
      { trustProxy: true },
    );
    const response = await wrapped(
      new Request("http://10.0.0.5:3000/connexion", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://factures.exemple.fr",
          "x-forwarded-proto": "https",
          "x-forwarded-host": "factures.exemple.fr",
          "x-client-ip": "203.0.113.92",
        },
        body: new URLSearchParams({ ...DEMO, redirectTo: "/accueil" }).toString(),
      }),
    );
    expect(response.status).toBe(302);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("pf_session="));
    expect(cookie).toMatch(/; Secure/);
    // The short-lived access cookie follows the same origin (docs/decisions/0015-…).
    expect(response.headers.getSetCookie().find((c) => c.startsWith("pf_access="))).toMatch(/; HttpOnly; SameSite=Lax; Secure/);
    expect(response.headers.get("Strict-Transport-Security")).toContain("max-age=");
  });

  it("with SITE_URL, the app sees SITE_URL's origin whatever Host and forwarded headers say, and the Origin check uses it", async () => {
    const { seen, handler } = capture();
    const wrapped = wrapHandler(handler, { trustProxy: true, siteUrl: "https://factures.exemple.fr" });
    const refused = await wrapped(forged("/connexion", {}));
    expect(refused.status).toBe(403); // Origin evil.example is not the portal's
    const ok = await wrapped(forged("/connexion?x=1", {}, "", { origin: "https://factures.exemple.fr" }));
    expect(ok.status).toBe(200);
    expect(seen[0]!.url).toBe("https://factures.exemple.fr/connexion?x=1");
    expect(await seen[0]!.text()).toBe("");
  });

  it("forwards the body of a POST to the rewritten request", async () => {
    const { seen, handler } = capture();
    const wrapped = wrapHandler(handler, { siteUrl: "https://factures.exemple.fr" });
    await wrapped(forged("/contact", { sujet: "Bonjour" }, "", { origin: "https://factures.exemple.fr" }));
    expect(await seen[0]!.text()).toBe("sujet=Bonjour");
  });
});

describe("the embedded default stays on this machine", () => {
  it("listens on 127.0.0.1 unless HOST says otherwise", () => {
    expect(listenHost(undefined)).toBe("127.0.0.1");
    expect(listenHost("")).toBe("127.0.0.1");
    expect(listenHost("0.0.0.0")).toBe("0.0.0.0");
  });

  it("warns at start when it is reachable from elsewhere, never on loopback or with Supabase", () => {
    expect(exposureWarning("0.0.0.0", {})).toMatch(/\/dev\/courriels/);
    expect(exposureWarning("192.0.2.4", {})).toMatch(/reachable from other machines/);
    expect(exposureWarning("::", {})).not.toBeNull();
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"]) {
      expect(isLoopback(host)).toBe(true);
      expect(exposureWarning(host, {})).toBeNull();
    }
    expect(exposureWarning("0.0.0.0", { SUPABASE_URL: "https://x.supabase.co" })).toBeNull();
  });
});
