import { describe, expect, it, vi } from "vitest";
import { clientIp, publicOrigin, wrapHandler } from "../../server/security.js";
import { staticRelativePath } from "../../server/static.js";

const ORIGIN = "http://portail.test";

function okHandler() {
  return vi.fn(async (request: Request) => new Response(`nonce=${request.headers.get("x-csp-nonce")}`));
}

function post(url: string, headers: Record<string, string> = {}) {
  return new Request(url, { method: "POST", body: "email=a%40b.fr", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers } });
}

function expectSecurityHeaders(response: Response) {
  const csp = response.headers.get("Content-Security-Policy") ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+=*'/);
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("img-src 'self' data:");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("base-uri 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).not.toContain("unsafe-inline");
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
  expect(response.headers.get("X-Frame-Options")).toBe("DENY");
  expect(response.headers.get("Permissions-Policy")).toBe("camera=(), microphone=(), geolocation=()");
  expect(response.headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
}

describe("wrapHandler: security headers", () => {
  it("adds them to a GET document response", async () => {
    const response = await wrapHandler(okHandler())(new Request(`${ORIGIN}/connexion`));
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
  });

  it("adds them to a same-origin POST response", async () => {
    const response = await wrapHandler(okHandler())(post(`${ORIGIN}/connexion`, { Origin: ORIGIN }));
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
  });

  it("adds them to error responses from the handler", async () => {
    const handler = async () => new Response("Page introuvable", { status: 404 });
    const response = await wrapHandler(handler)(new Request(`${ORIGIN}/nulle-part`));
    expect(response.status).toBe(404);
    expectSecurityHeaders(response);
  });

  it("answers a French 500 page with the headers when the handler throws", async () => {
    const onError = vi.fn();
    const handler = async (): Promise<Response> => {
      throw new Error("boom");
    };
    const response = await wrapHandler(handler, { onError })(new Request(`${ORIGIN}/`));
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("Une erreur est survenue");
    expect(onError).toHaveBeenCalledOnce();
    expectSecurityHeaders(response);
  });

  it("adds them to responses whose headers are immutable (fetch responses)", async () => {
    const immutable = Response.error(); // headers guard "immutable", like fetch() results
    expect(() => immutable.headers.set("x-test", "1")).toThrow();
    const fetched = await fetch("data:text/plain,bonjour");
    const response = await wrapHandler(async () => fetched)(new Request(`${ORIGIN}/fichier.txt`));
    expect(await response.text()).toBe("bonjour");
    expectSecurityHeaders(response);
  });

  it("sends HSTS only over https", async () => {
    const http = await wrapHandler(okHandler())(new Request(`${ORIGIN}/`));
    expect(http.headers.get("Strict-Transport-Security")).toBeNull();

    const https = await wrapHandler(okHandler())(new Request("https://portail.test/"));
    expect(https.headers.get("Strict-Transport-Security")).toBe("max-age=63072000; includeSubDomains");
  });

  it("trusts X-Forwarded-Proto for HSTS only when told to", async () => {
    const proxied = () => new Request(`${ORIGIN}/`, { headers: { "X-Forwarded-Proto": "https" } });
    const untrusted = await wrapHandler(okHandler())(proxied());
    expect(untrusted.headers.get("Strict-Transport-Security")).toBeNull();
    const trusted = await wrapHandler(okHandler(), { trustProxy: true })(proxied());
    expect(trusted.headers.get("Strict-Transport-Security")).toContain("max-age=63072000");
  });

  it("adds the payment provider to form-action when configured", async () => {
    const origins = ["https://www.payfip.gouv.fr"];
    const response = await wrapHandler(okHandler(), { formActionOrigins: origins })(new Request(`${ORIGIN}/`));
    expect(response.headers.get("Content-Security-Policy")).toContain("form-action 'self' https://www.payfip.gouv.fr;");
  });

  it("loosens the CSP for Vite in development, but never allows eval", async () => {
    const response = await wrapHandler(okHandler(), { mode: "development" })(new Request(`${ORIGIN}/`));
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("connect-src 'self' ws: wss:");
    expect(csp).not.toContain("unsafe-eval");
  });
});

describe("wrapHandler: CSP nonce", () => {
  it("gives Remix a fresh nonce per request, the one in the CSP", async () => {
    const handler = okHandler();
    const wrapped = wrapHandler(handler);
    const first = await wrapped(new Request(`${ORIGIN}/`));
    const second = await wrapped(new Request(`${ORIGIN}/`));
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get("Content-Security-Policy") ?? "")?.[1];
    const firstNonce = nonceOf(first);
    expect(firstNonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(await first.text()).toBe(`nonce=${firstNonce}`);
    expect(nonceOf(second)).not.toBe(firstNonce);
    expect(await second.text()).toBe(`nonce=${nonceOf(second)}`);
  });

  it("strips a nonce sent by the client", async () => {
    const handler = okHandler();
    const response = await wrapHandler(handler)(new Request(`${ORIGIN}/`, { headers: { "x-csp-nonce": "choisi-par-l-attaquant" } }));
    const seen = handler.mock.calls[0]?.[0].headers.get("x-csp-nonce");
    expect(seen).not.toBe("choisi-par-l-attaquant");
    expect(seen).not.toContain(",");
    expect(response.headers.get("Content-Security-Policy")).toContain(`'nonce-${seen}'`);
    expect(response.headers.get("Content-Security-Policy")).not.toContain("choisi-par-l-attaquant");
  });
});

describe("wrapHandler: Origin check on state-changing requests", () => {
  it.each([
    ["without Origin", {}],
    ["with a foreign Origin", { Origin: "https://malveillant.example" }],
    ["with Origin null", { Origin: "null" }],
    ["with the same host over another scheme", { Origin: "https://portail.test" }],
    ["with Sec-Fetch-Site same-origin but no Origin", { "Sec-Fetch-Site": "same-origin" }],
  ])("refuses a POST %s with a French 403 page, without calling Remix", async (_label, headers) => {
    const handler = okHandler();
    const response = await wrapHandler(handler)(post(`${ORIGIN}/connexion`, headers));
    expect(response.status).toBe(403);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(await response.text()).toContain("Requête refusée : elle ne vient pas du portail. Revenez sur le portail et recommencez.");
    expect(handler).not.toHaveBeenCalled();
    expectSecurityHeaders(response);
  });

  it.each(["PUT", "PATCH", "DELETE"])("refuses %s without Origin", async (method) => {
    const handler = okHandler();
    const response = await wrapHandler(handler)(new Request(`${ORIGIN}/x`, { method }));
    expect(response.status).toBe(403);
    expect(handler).not.toHaveBeenCalled();
  });

  it("lets a same-origin POST through, body intact", async () => {
    const handler = vi.fn(async (request: Request) => new Response(await request.text()));
    const response = await wrapHandler(handler)(post(`${ORIGIN}/connexion`, { Origin: ORIGIN }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("email=a%40b.fr");
    expect(handler).toHaveBeenCalledOnce();
  });

  it("lets GET, HEAD and OPTIONS through without Origin", async () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const handler = okHandler();
      const response = await wrapHandler(handler)(new Request(`${ORIGIN}/`, { method }));
      expect(response.status, method).toBe(200);
      expect(handler, method).toHaveBeenCalledOnce();
    }
  });

  it("lets the payment provider post to an explicitly exempted path only", async () => {
    const handler = okHandler();
    const wrapped = wrapHandler(handler, { crossOriginPostPaths: ["/paiement/notification"] });
    expect((await wrapped(post(`${ORIGIN}/paiement/notification`))).status).toBe(200);
    expect((await wrapped(post(`${ORIGIN}/connexion`))).status).toBe(403);
    expect(handler).toHaveBeenCalledOnce();
  });

  it("behind a trusted proxy, compares with the forwarded origin", async () => {
    const proxied = (origin: string) =>
      post("http://127.0.0.1:3000/connexion", {
        Origin: origin,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "factures.example.fr",
      });
    const handler = okHandler();
    const trusted = wrapHandler(handler, { trustProxy: true });
    expect((await trusted(proxied("https://factures.example.fr"))).status).toBe(200);
    expect((await trusted(proxied("http://127.0.0.1:3000"))).status).toBe(403);

    const untrusted = wrapHandler(okHandler());
    expect((await untrusted(proxied("https://factures.example.fr"))).status).toBe(403);
  });
});

describe("helpers", () => {
  it("publicOrigin ignores forwarded headers unless the proxy is trusted", () => {
    const request = new Request("http://127.0.0.1:3000/", { headers: { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "a.fr, b.fr" } });
    expect(publicOrigin(request, false)).toBe("http://127.0.0.1:3000");
    expect(publicOrigin(request, true)).toBe("https://a.fr");
  });

  it("clientIp takes the socket address, or the right-most forwarded one behind a trusted proxy", () => {
    const headers = new Headers({ "X-Forwarded-For": "6.6.6.6, 203.0.113.7" });
    expect(clientIp("10.0.0.2", headers, false)).toBe("10.0.0.2");
    expect(clientIp("10.0.0.2", headers, true)).toBe("203.0.113.7");
    expect(clientIp("10.0.0.2", new Headers(), true)).toBe("10.0.0.2");
  });

  it("staticRelativePath refuses traversal, dot-files and directories", () => {
    expect(staticRelativePath("/assets/root-abc.js")).toBe("assets/root-abc.js");
    expect(staticRelativePath("/favicon.ico")).toBe("favicon.ico");
    for (const bad of ["/../package.json", "/%2e%2e/package.json", "/assets/..%2f..%2fpackage.json", "/.vite/manifest.json", "/assets/", "/", "/a%00b", "/a%5cb", "/%E0%A4%A"]) {
      expect(staticRelativePath(bad), bad).toBeNull();
    }
  });
});

describe("payment options of both servers (server/payment.js)", () => {
  it("exempts exactly the provider's callbacks and the bearer-secret cron endpoints from the Origin check, not the payment start", async () => {
    const { paymentSecurityOptions } = await import("../../server/payment.js");
    const handler = okHandler();
    const wrapped = wrapHandler(handler, paymentSecurityOptions({}));
    for (const path of ["/paiement/notification", "/paiement/retour-payfip", `/paiement/resultat-tipi/${"a".repeat(64)}`, "/simulateur-dgfip/tpa/services/securite"]) {
      expect((await wrapped(post(`${ORIGIN}${path}`))).status).toBe(200);
    }
    // A scheduler (pg_net, curl) sends no Origin: the routes check the bearer secret themselves.
    for (const path of ["/taches/rapprochement-paiements", "/taches/envoi-courriels", "/taches/rappels", "/taches/purge"]) {
      expect((await wrapped(post(`${ORIGIN}${path}`))).status, path).toBe(200);
    }
    for (const path of ["/paiement/demarrer", "/paiement/confirmation", "/paiement", "/paiement/retour", "/simulateur-dgfip/tpa/paiementws.web", "/taches"]) {
      expect((await wrapped(post(`${ORIGIN}${path}`, { Origin: "https://evil.example" }))).status).toBe(403);
      expect((await wrapped(post(`${ORIGIN}${path}`))).status).toBe(403);
    }
  });

  it("lets forms go to DGFiP and to configured provider URLs (CSP form-action)", async () => {
    const { paymentSecurityOptions } = await import("../../server/payment.js");
    const options = paymentSecurityOptions({ TIPI_PAYMENT_URL: "https://www.tipi-client.budget.gouv.fr/tpa/paiement.web", PAYFIP_PAYMENT_URL: "not a url" });
    expect(options.formActionOrigins).toEqual(["https://www.payfip.gouv.fr", "https://www.tipi-client.budget.gouv.fr"]);
    const response = await wrapHandler(okHandler(), options)(new Request(`${ORIGIN}/paiement/confirmation`));
    expect(response.headers.get("Content-Security-Policy")).toContain(
      "form-action 'self' https://www.payfip.gouv.fr https://www.tipi-client.budget.gouv.fr",
    );
  });
});

describe("Origin-check exemptions match the exact path, never a prefix", () => {
  const TOKEN = "0123456789abcdef".repeat(4);

  it("exempts the provider's exact callback paths (and the TIPI result of a 64-hex token) only", async () => {
    const { paymentSecurityOptions } = await import("../../server/payment.js");
    const handler = okHandler();
    const wrapped = wrapHandler(handler, paymentSecurityOptions({}));
    for (const path of ["/paiement/notification", "/paiement/retour-payfip", `/paiement/resultat-tipi/${TOKEN}`]) {
      expect((await wrapped(post(`${ORIGIN}${path}`, { Origin: "https://www.payfip.gouv.fr" }))).status, path).toBe(200);
    }
    for (const path of [
      // The result page is a document: Remix itself would abort a cross-origin POST there (a blank 500).
      "/paiement/retour",
      "/paiement/retourx",
      "/paiement/retour/..%2F..%2Fdeconnexion",
      "/paiement/retour-payfip/x",
      "/paiement/retour-payfip.data",
      "/paiement/notificationx",
      "/paiement/notification/",
      "/paiement/notification.data",
      "/paiement/resultat-tipi/",
      "/paiement/resultat-tipi/jeton-invente",
      `/paiement/resultat-tipi/${TOKEN}0`,
      `/paiement/resultat-tipi/${TOKEN.toUpperCase()}`,
      `/paiement/resultat-tipi/${TOKEN}/x`,
      `/paiement/resultat-tipi/${TOKEN}.data`,
      "/simulateur-dgfip/tpa/services/securitex",
      "/taches/envoi-courriels/x",
    ]) {
      expect((await wrapped(post(`${ORIGIN}${path}`, { Origin: "https://www.payfip.gouv.fr" }))).status, path).toBe(403);
      expect((await wrapped(post(`${ORIGIN}${path}`))).status, path).toBe(403);
    }
  });

  it("accepts exact strings and anchored patterns in crossOriginPostPaths", async () => {
    const wrapped = wrapHandler(okHandler(), { crossOriginPostPaths: ["/rappel", /^\/rappel\/[0-9]{3}$/] });
    expect((await wrapped(post(`${ORIGIN}/rappel`))).status).toBe(200);
    expect((await wrapped(post(`${ORIGIN}/rappel/123`))).status).toBe(200);
    for (const path of ["/rappel/", "/rappel/1234", "/x/rappel/123", "/rappels"]) expect((await wrapped(post(`${ORIGIN}${path}`))).status, path).toBe(403);
    // A pattern that is not anchored still has to cover the whole path.
    const loose = wrapHandler(okHandler(), { crossOriginPostPaths: [/\/rappel/] });
    expect((await loose(post(`${ORIGIN}/rappel`))).status).toBe(200);
    expect((await loose(post(`${ORIGIN}/rappel/x`))).status).toBe(403);
  });
});

describe("wrapHandler: the request handed to Remix names the public origin in Host too", () => {
  it("sets Host to the public origin's host and drops X-Forwarded-Host, so Remix's own Origin/Host comparison agrees with ours", async () => {
    const handler = okHandler();
    const wrapped = wrapHandler(handler, { siteUrl: "https://factures.example.fr" });
    // A reverse proxy that rewrites Host to the upstream address and adds no X-Forwarded-Host.
    const request = post("http://127.0.0.1:3000/connexion", { Origin: "https://factures.example.fr", Host: "127.0.0.1:3000", "X-Forwarded-Host": "autre.example" });
    expect((await wrapped(request)).status).toBe(200);
    const seen = handler.mock.calls[0]![0];
    expect(new URL(seen.url).origin).toBe("https://factures.example.fr");
    expect(seen.headers.get("host")).toBe("factures.example.fr");
    expect(seen.headers.get("x-forwarded-host")).toBeNull();
  });
});

describe("wrapHandler: request bodies are capped (server/body-limit.js)", () => {
  const KIB = 1024;

  /** A body of `total` bytes in chunks of `chunk` bytes, without Content-Length (chunked), counting what is pulled. */
  function chunked(total: number, chunk = 8 * KIB) {
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        const size = Math.min(chunk, total - sent);
        sent += size;
        controller.enqueue(new Uint8Array(size).fill(0x61));
      },
    });
    return { stream, pulled: () => sent };
  }

  function postBody(body: BodyInit, headers: Record<string, string> = {}) {
    return new Request(`${ORIGIN}/nous-contacter`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, ...headers },
      duplex: "half",
    } as RequestInit);
  }

  it("answers 413 with a French page, without calling Remix nor reading the body, when Content-Length says far more than 64 KiB", async () => {
    const handler = okHandler();
    const { stream, pulled } = chunked(2048 * KIB);
    const response = await wrapHandler(handler)(postBody(stream, { "Content-Length": String(2048 * KIB) }));
    expect(response.status).toBe(413);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(response.headers.get("Connection")).toBe("close"); // the body was left unread
    expect(await response.text()).toContain("Le formulaire envoyé est trop volumineux (64 Kio au maximum). Raccourcissez votre message et recommencez.");
    expect(handler).not.toHaveBeenCalled();
    expect(pulled()).toBeLessThanOrEqual(16 * KIB); // not read (at most what the stream pre-pulls)
    expectSecurityHeaders(response);
  });

  it("reads a body a little over the cap to its end, keeping none of it, so that the client gets the 413 (connection kept)", async () => {
    const handler = okHandler();
    const { stream, pulled } = chunked(200 * KIB);
    const response = await wrapHandler(handler)(postBody(stream, { "Content-Length": String(200 * KIB) }));
    expect(response.status).toBe(413);
    expect(response.headers.get("Connection")).toBeNull();
    expect(handler).not.toHaveBeenCalled();
    expect(pulled()).toBe(200 * KIB);
  });

  it("stops reading a chunked body 1 MiB past the cap, and answers 413 closing the connection", async () => {
    const handler = okHandler();
    const { stream, pulled } = chunked(10 * 1024 * KIB);
    const response = await wrapHandler(handler)(postBody(stream));
    expect(response.status).toBe(413);
    expect(response.headers.get("Connection")).toBe("close");
    expect(handler).not.toHaveBeenCalled();
    expect(pulled()).toBeLessThanOrEqual(64 * KIB + 1024 * KIB + 3 * 8 * KIB);
  });

  it("hands a body of exactly 64 KiB to Remix intact (also chunked)", async () => {
    const body = `message=${"é".repeat(5000)}&x=${"a".repeat(64 * KIB - 8 - 10_000 - 3)}`;
    expect(new TextEncoder().encode(body).byteLength).toBe(64 * KIB);
    for (const make of [() => postBody(body), () => postBody(new Blob([body]).stream())]) {
      const handler = vi.fn(async (request: Request) => new Response(await request.text()));
      const response = await wrapHandler(handler)(make());
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(body);
    }
    const over = await wrapHandler(okHandler())(postBody(`${body}a`));
    expect(over.status).toBe(413);
  });

  it("takes the cap from maxBodyBytes, and checks Origin before reading anything", async () => {
    const small = wrapHandler(okHandler(), { maxBodyBytes: 10 * KIB });
    expect((await small(postBody(`a=${"1".repeat(10 * KIB - 2)}`))).status).toBe(200);
    const over = await small(postBody(`a=${"1".repeat(10 * KIB)}`));
    expect(over.status).toBe(413);
    expect(await over.text()).toContain("(10 Kio au maximum)");
    const { stream, pulled } = chunked(1024 * KIB);
    const refused = await wrapHandler(okHandler())(postBody(stream, { Origin: "https://malveillant.example" }));
    expect(refused.status).toBe(403);
    expect(pulled()).toBeLessThanOrEqual(16 * KIB);
  });
});
