import { describe, expect, test } from "vitest";
import { parseEnv } from "~/.server/env";
import { paymentUrls, portalOrigin, tipiTrustedSources } from "~/.server/payment/config";
import { isTrustedSource, parseSourceList } from "~/.server/payment/trust";

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

describe("TIPI_TRUSTED_SOURCES: where classic TIPI results are believed from", () => {
  const supabase = (vars: Record<string, string> = {}) =>
    parseEnv({
      NODE_ENV: "test", SITE_URL: "https://factures.example.fr", SUPABASE_URL: "https://x.supabase.co", SUPABASE_ANON_KEY: "a",
      SUPABASE_SERVICE_ROLE_KEY: "s", ...vars,
    });

  test("default: the embedded default trusts its own loopback (its simulator posts from there); Supabase trusts nobody", () => {
    const local = tipiTrustedSources(embedded());
    for (const ip of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(isTrustedSource(ip, local), ip).toBe(true);
    for (const ip of ["198.51.100.10", "10.0.0.1", "::2", "unknown", ""]) expect(isTrustedSource(ip, local), ip).toBe(false);
    const hosted = tipiTrustedSources(supabase());
    expect(hosted).toEqual([]);
    expect(isTrustedSource("127.0.0.1", hosted)).toBe(false);
  });

  test("a list of addresses and CIDR ranges, IPv4 and IPv6; `none` trusts nobody", () => {
    const list = tipiTrustedSources(supabase({ TIPI_TRUSTED_SOURCES: " 192.0.2.0/24, 198.51.100.7 ,2001:db8:a::/48, [2001:db8::1]" }));
    for (const ip of ["192.0.2.1", "192.0.2.255", "::ffff:192.0.2.9", "198.51.100.7", "2001:db8:a:1::5", "2001:db8::1", "2001:DB8:0:0:0:0:0:1"]) {
      expect(isTrustedSource(ip, list), ip).toBe(true);
    }
    for (const ip of ["192.0.3.1", "198.51.100.8", "2001:db8:b::1", "2001:db8::2", "127.0.0.1", "192.0.2.1.5", "fe80::1%eth0"]) {
      expect(isTrustedSource(ip, list), ip).toBe(false);
    }
    expect(isTrustedSource("fe80::1%eth0", tipiTrustedSources(supabase({ TIPI_TRUSTED_SOURCES: "fe80::/10" })))).toBe(true);
    expect(tipiTrustedSources(embedded({ TIPI_TRUSTED_SOURCES: "none" }))).toEqual([]);
  });

  test("a malformed entry stops the start-up with the entry named", () => {
    for (const bad of ["192.0.2.0/33", "300.1.1.1", "2001:db8::/129", "exemple.fr", "192.0.2.0/24;10.0.0.1", "1.2.3", "::1::2", "192.0.2.0/"]) {
      expect(() => embedded({ TIPI_TRUSTED_SOURCES: bad }), bad).toThrow(/TIPI_TRUSTED_SOURCES/);
    }
    expect(parseSourceList("10.0.0.0/8, 2001:db8::/32").invalid).toEqual([]);
  });
});
