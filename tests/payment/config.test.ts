import { describe, expect, test } from "vitest";
import type { Env } from "~/.server/env";
import { paymentUrls, portalOrigin } from "~/.server/payment/config";

const embedded = (vars: Partial<Env> = {}): Env => ({ backend: "embedded", PORT: 3000, ...vars }) as Env;

describe("portalOrigin", () => {
  test("SITE_URL first, then the request's origin", () => {
    const request = new Request("http://127.0.0.1:41717/paiement/demarrer");
    expect(portalOrigin(embedded({ SITE_URL: "https://factures.example.fr/x" }), request)).toBe("https://factures.example.fr");
    expect(portalOrigin(embedded(), request)).toBe("http://127.0.0.1:41717");
  });

  test("without a request (the reconciliation job), the address the server listens on, not a fixed :3000", () => {
    // Regression (e2e): the job of a server on another port asked localhost:3000's simulator.
    expect(portalOrigin(embedded({ PORT: 41717, HOST: "127.0.0.1" }))).toBe("http://127.0.0.1:41717");
    expect(portalOrigin(embedded({ PORT: 8080, HOST: "0.0.0.0" }))).toBe("http://localhost:8080");
    expect(portalOrigin(embedded({ PORT: 8080, HOST: "::1" }))).toBe("http://[::1]:8080");
    expect(portalOrigin(embedded())).toBe("http://localhost:3000");
    expect(paymentUrls(embedded({ PORT: 41717, HOST: "127.0.0.1" }), portalOrigin(embedded({ PORT: 41717, HOST: "127.0.0.1" })))).toMatchObject({
      payfipWs: "http://127.0.0.1:41717/simulateur-dgfip/tpa/services/securite",
    });
  });
});
