import { describe, expect, test } from "vitest";
import { parseEnv } from "~/.server/env";
import { paymentUrls, portalOrigin } from "~/.server/payment/config";

const embedded = (vars: Record<string, string> = {}) => parseEnv({ NODE_ENV: "test", ...vars });

describe("portalOrigin: configuration only", () => {
  test("SITE_URL's origin when set", () => {
    expect(portalOrigin(embedded({ SITE_URL: "https://factures.example.fr/x" }))).toBe("https://factures.example.fr");
  });

  test("without SITE_URL, the address the server listens on, not a fixed :3000", () => {
    // Regression (e2e): the job of a server on another port asked localhost:3000's simulator.
    expect(portalOrigin(embedded({ PORT: "41717", HOST: "127.0.0.1" }))).toBe("http://127.0.0.1:41717");
    expect(portalOrigin(embedded({ PORT: "8080", HOST: "0.0.0.0" }))).toBe("http://localhost:8080");
    expect(portalOrigin(embedded({ PORT: "8080", HOST: "::1" }))).toBe("http://[::1]:8080");
    expect(portalOrigin(embedded())).toBe("http://localhost:3000");
    const config = embedded({ PORT: "41717", HOST: "127.0.0.1" });
    expect(paymentUrls(config, portalOrigin(config))).toMatchObject({
      payfipWs: "http://127.0.0.1:41717/simulateur-dgfip/tpa/services/securite",
    });
  });

});
