import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_BUDGET_KIB, firstLoadJs, KIB } from "../../scripts/lib/first-load-js";
import { ROOT } from "./built";

/**
 * First-load JavaScript of every page of the production build (made once before all test files:
 * tests/server/global-build.ts), as `npm run bench:js` measures it (scripts/lib/first-load-js.ts).
 */
const CLIENT = join(ROOT, "build/client");

describe("first-load JavaScript of the production build", () => {
  const pages = firstLoadJs(CLIENT);

  it("finds the pages, with the entry and their route chain, and leaves resource routes out", () => {
    const urls = pages.map((p) => p.url);
    for (const url of ["/connexion", "/accueil", "/factures", "/factures/:id", "/contact", "/nous-contacter", "/mes-informations"]) {
      expect(urls).toContain(url);
    }
    // Resource routes (no component): a PDF, the health check, payment callbacks.
    for (const url of ["/factures/:id/pdf", "/health", "/paiement/notification"]) expect(urls).not.toContain(url);
    const contact = pages.find((p) => p.url === "/contact")!;
    expect(contact.files[0]).toMatch(/^\/assets\/entry\.client-/);
    expect(contact.files.some((f) => /^\/assets\/root-/.test(f))).toBe(true);
    expect(contact.gzip).toBeLessThan(contact.raw);
  });

  it(`stays within ${DEFAULT_BUDGET_KIB} KiB gzipped on every page`, () => {
    const over = pages.filter((p) => p.gzip > DEFAULT_BUDGET_KIB * KIB).map((p) => `${p.url}: ${(p.gzip / KIB).toFixed(1)} KiB`);
    expect(over).toEqual([]);
  });

  it("ships no zod to the browser: form schemas run on the server (app/.server/contact-form.ts)", () => {
    const assets = join(CLIENT, "assets");
    const withZod = readdirSync(assets)
      .filter((f) => f.endsWith(".js"))
      .filter((f) => readFileSync(join(assets, f), "utf8").includes("ZodError"));
    expect(withZod).toEqual([]);
  });
});
