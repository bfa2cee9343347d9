import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "~/.server/embedded/auth";
import { DEFAULT_SESSION_COOKIE } from "./matchers";

const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } });
const withCookies = (...lines: string[]) => {
  const headers = new Headers();
  for (const line of lines) headers.append("set-cookie", line);
  return new Response(null, { headers });
};
/** The failure message of an assertion that must fail, without colours; throws if it passes. */
function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return stripVTControlCharacters((error as Error).message);
  }
  throw new Error("expected the assertion to fail, it passed");
}

/** A route-harness Outcome (tests/support/route-harness.ts), as the matchers see it. */
const outcome = (status: number, location: string | null, url = "http://localhost:3000/connexion") => ({
  status,
  headers: new Headers(location === null ? {} : { location }),
  location,
  url,
  data: null,
});

describe("toRedirectTo", () => {
  it("passes on a 3xx with that path and query", () => {
    expect(redirect("/accueil")).toRedirectTo("/accueil");
    expect(redirect("/mes-informations?papier=demande", 303)).toRedirectTo("/mes-informations?papier=demande");
    expect(outcome(302, "/connexion?redirectTo=%2Ffactures")).toRedirectTo("/connexion?redirectTo=%2Ffactures");
  });

  it("fails on another path, another query or a missing query", () => {
    expect(failureOf(() => expect(redirect("/accueil")).toRedirectTo("/factures"))).toContain(`redirect to "/factures"`);
    expect(() => expect(redirect("/contact?envoye=1")).toRedirectTo("/contact")).toThrow(/^expected /);
    expect(() => expect(redirect("/contact")).toRedirectTo("/contact?envoye=1")).toThrow(/^expected /);
    expect(() => expect(redirect("/paiement?erreur=empty")).toRedirectTo("/paiement?erreur=blocked")).toThrow(/^expected /);
  });

  it("fails on a status outside 3xx, or on a 3xx other than the one asked", () => {
    expect(failureOf(() => expect(new Response(null, { status: 200, headers: { location: "/accueil" } })).toRedirectTo("/accueil"))).toContain("got status 200");
    expect(failureOf(() => expect(redirect("/accueil", 302)).toRedirectTo("/accueil", { status: 303 }))).toContain("a 303 redirect");
    expect(redirect("/accueil", 303)).toRedirectTo("/accueil", { status: 303 });
  });

  it("fails without a Location", () => {
    expect(failureOf(() => expect(new Response(null, { status: 302 })).toRedirectTo("/accueil"))).toContain("Location null");
    expect(() => expect(outcome(200, null)).toRedirectTo("/accueil")).toThrow(/^expected /);
  });

  it("resolves Location against the request: same origin matches, another origin does not", () => {
    expect(outcome(302, "http://localhost:3000/accueil")).toRedirectTo("/accueil");
    expect(() => expect(outcome(302, "https://evil.example/accueil")).toRedirectTo("/accueil")).toThrow(/^expected /);
    expect(() => expect(outcome(302, "//evil.example/accueil")).toRedirectTo("/accueil")).toThrow(/^expected /);
    expect(outcome(302, "accueil", "http://localhost:3000/espace/x")).toRedirectTo("/espace/accueil");
    expect(() => expect(redirect("https://evil.example/accueil")).toRedirectTo("/accueil")).toThrow(/^expected /);
  });

  it("compares an absolute expectation with its origin", () => {
    expect(outcome(303, "http://localhost:3000/paiement/retour?idop=1")).toRedirectTo("http://localhost:3000/paiement/retour?idop=1");
    expect(() => expect(outcome(303, "/paiement/retour?idop=1")).toRedirectTo("https://autre.example/paiement/retour?idop=1")).toThrow(/^expected /);
  });

  it("negates: .not passes on a non-redirect and fails on the redirect", () => {
    expect(new Response("ok")).not.toRedirectTo("/accueil");
    expect(failureOf(() => expect(redirect("/accueil")).not.toRedirectTo("/accueil"))).toContain("not a 3xx redirect");
  });

  it("refuses what is neither a Response nor an outcome", () => {
    expect(() => expect("/accueil").toRedirectTo("/accueil")).toThrow(TypeError);
    expect(() => expect({ status: 302 }).toRedirectTo("/accueil")).toThrow(TypeError);
  });
});

describe("toHaveSessionCookie", () => {
  it("passes when the session cookie is set", () => {
    expect(withCookies("pf_session=abc; Path=/; HttpOnly; SameSite=Lax")).toHaveSessionCookie();
    expect(withCookies("pf_access=x", "pf_session=abc; Max-Age=2592000")).toHaveSessionCookie();
    expect(withCookies("sb-x-auth-token=abc; Path=/")).toHaveSessionCookie("sb-x-auth-token");
  });

  it("fails with no Set-Cookie, another cookie only, a similar name, or a deletion", () => {
    expect(failureOf(() => expect(new Response(null)).toHaveSessionCookie())).toContain(`to set the cookie "pf_session"`);
    expect(() => expect(withCookies("pf_access=abc")).toHaveSessionCookie()).toThrow(/^expected /);
    expect(() => expect(withCookies("pf_session_old=abc")).toHaveSessionCookie()).toThrow(/^expected /);
    expect(() => expect(withCookies("pf_session=; Max-Age=0; Path=/")).toHaveSessionCookie()).toThrow(/^expected /);
    expect(() => expect(withCookies("pf_session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")).toHaveSessionCookie()).toThrow(/^expected /);
  });

  it("negates: .not fails when the cookie is set", () => {
    expect(withCookies("pf_session=; Max-Age=0")).not.toHaveSessionCookie();
    expect(failureOf(() => expect(withCookies("pf_session=abc")).not.toHaveSessionCookie())).toContain("not to set");
  });

  it("defaults to the embedded session cookie's name", () => {
    expect(DEFAULT_SESSION_COOKIE).toBe(SESSION_COOKIE);
  });
});

describe("toClearSessionCookie", () => {
  it("passes on an empty value with Max-Age=0 or a past Expires", () => {
    expect(withCookies("pf_session=; Path=/; Max-Age=0; HttpOnly")).toClearSessionCookie();
    expect(withCookies("pf_session=; Path=/; max-age=0")).toClearSessionCookie();
    expect(withCookies("pf_session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")).toClearSessionCookie();
    expect(outcome(302, "/connexion")).not.toClearSessionCookie();
  });

  it("fails when the cookie is set, kept with a value, absent or another one is cleared", () => {
    expect(failureOf(() => expect(withCookies("pf_session=abc; Path=/")).toClearSessionCookie())).toContain(`to delete the cookie "pf_session"`);
    expect(() => expect(withCookies("pf_session=abc; Max-Age=0")).toClearSessionCookie()).toThrow(/^expected /);
    expect(() => expect(withCookies("pf_session=; Max-Age=60")).toClearSessionCookie()).toThrow(/^expected /);
    expect(() => expect(new Response(null)).toClearSessionCookie()).toThrow(/^expected /);
    expect(() => expect(withCookies("pf_access=; Max-Age=0")).toClearSessionCookie()).toThrow(/^expected /);
  });

  it("negates: .not fails when the cookie is deleted", () => {
    expect(failureOf(() => expect(withCookies("pf_session=; Max-Age=0")).not.toClearSessionCookie())).toContain("not to delete");
  });
});
