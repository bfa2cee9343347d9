import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as login from "~/routes/connexion/route";
import type { Database } from "~/.server/embedded/database";
import { safeRedirectPath } from "~/utils/safe-redirect";
import { Browser, startPortal } from "../support/route-harness";

/**
 * `redirectTo` ends up in a Location header: anything outside printable ASCII must never reach
 * it raw (a header refuses characters above U+00FF, and Latin-1 bytes are read differently by
 * each browser). Non-ASCII characters are percent-encoded as UTF-8, like a browser does.
 */
describe("safeRedirectPath and characters outside printable ASCII", () => {
  it("percent-encodes non-ASCII characters and spaces, keeping what was already encoded", () => {
    expect(safeRedirectPath("/€")).toBe("/%E2%82%AC");
    expect(safeRedirectPath("/factures?objet=Été 2026")).toBe("/factures?objet=%C3%89t%C3%A9%202026");
    expect(safeRedirectPath("/factures?q=%C3%A9")).toBe("/factures?q=%C3%A9");
    expect(safeRedirectPath("/🦊")).toBe("/%F0%9F%A6%8A");
  });

  it("is stable: the encoded path comes back unchanged (the login form sends it again)", () => {
    for (const raw of ["/€", "/mes-informations?x=é&y=1", "/a b"]) {
      const once = safeRedirectPath(raw);
      expect(safeRedirectPath(once)).toBe(once);
    }
  });

  it("always gives something a Location header accepts", () => {
    for (const raw of ["/€", "/\u00e9", "/\u0100", "/\ud83e\udd8a", "/\ud800", "/a\u00a0b", "/\u2028x", "/\ufeff"]) {
      const path = safeRedirectPath(raw);
      expect(path).toMatch(/^\/[\x21-\x7e]*$/);
      expect(() => new Headers({ Location: path })).not.toThrow();
    }
  });

  it("falls back for a lone surrogate (no UTF-8 form) and still refuses off-site targets", () => {
    expect(safeRedirectPath("/\ud800x")).toBe("/accueil");
    expect(safeRedirectPath("//€.example")).toBe("/accueil");
    expect(safeRedirectPath("/\\€.example")).toBe("/accueil");
    expect(safeRedirectPath("https://€.example/")).toBe("/accueil");
    expect(safeRedirectPath("/\t/evil.example")).toBe("/accueil");
  });
});

describe("login with a non-ASCII redirectTo", () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await startPortal());
  });
  afterAll(async () => {
    await db?.close();
  });

  it("/connexion?redirectTo=/€ logs in and redirects (302) to the encoded path, never a 500", async () => {
    const browser = new Browser();
    const result = await browser.call(login.action, "/connexion?redirectTo=%2F%E2%82%AC", {
      email: "demo@demo.fr",
      password: "demo-factures",
      redirectTo: "/€",
    });
    expect(result).toRedirectTo("/%E2%82%AC", { status: 302 });
    expect(browser.cookies.has("pf_session")).toBe(true);
  });
});
