import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { HtmlValidate, type ConfigData } from "html-validate";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RouteErrorPage } from "~/components/error-page";
import { allPages, PUBLIC_PAGES, RESIDENT_PAGES } from "~/utils/site-map";
import { freePort, ROOT } from "../server/built";

/**
 * RGAA 8.2 (« le code source de chaque page est-il valide selon le type de document ? »): the HTML
 * the production build serves, validated with html-validate. Every page of the site map
 * (app/utils/site-map.ts), the pages it leaves out (a link from an e-mail, an invoice, the payment
 * steps), the error pages, and every form sent back with its errors. The server is the real one
 * (server/node.js on the build, a fresh embedded database under .tmp/), so what is validated is
 * exactly what a browser receives, Remix's scripts and the footer included.
 *
 * The rules are html-validate's "standard" preset: the conformance requirements of the HTML
 * standard (content models, permitted parents and attributes, required attributes, duplicate ids,
 * character references, labels' `for`, autocomplete tokens…), which is the W3C validity RGAA means.
 * Its two rules about html-validate's own configuration (unused `html-validate-disable` comments,
 * deprecated rule names) are left out: they say nothing about a page. No stylistic preset
 * ("recommended", "prettier") is used: RGAA asks for valid code, not for a coding style.
 */
const VALIDITY_RULES: ConfigData = {
  extends: ["html-validate:standard"],
  rules: { "no-unused-disable": "off", "deprecated-rule": "off" },
};

const validator = new HtmlValidate(VALIDITY_RULES);

/** The problems html-validate finds in `html`, one line each (empty when valid). */
async function problems(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} (line ${m.line}): ${m.message} — ${m.selector ?? ""}`));
}

/** demo@demo.fr (supabase/seed.sql) and one of its unpaid invoices. */
const DEMO = { email: "demo@demo.fr", password: "demo-factures" };
const INVOICE_ID = "1a000000-0000-4000-8000-000000000001";
const NOUVEAU = "nouveau@demo.fr";

let server: { child: ChildProcess; origin: string; dataDir: string } | undefined;

async function startServer() {
  const port = await freePort();
  const dataDir = join(".tmp", `html-validity-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const origin = `http://127.0.0.1:${port}`;
  const env = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), SITE_URL: origin, DATA_DIR: dataDir };
  const child = spawn(process.execPath, ["server/node.js"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (/listening on/.test(output.join(""))) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${output.join("")}`)));
  });
  server = { child, origin, dataDir };
}

beforeAll(startServer);
afterAll(async () => {
  if (!server) return;
  if (server.child.exitCode === null) {
    const exited = new Promise((resolve) => server!.child.once("exit", resolve));
    server.child.kill("SIGTERM");
    await exited;
  }
  rmSync(server.dataDir, { recursive: true, force: true });
});

/** A browser without JavaScript: keeps cookies, follows nothing by itself. */
class Visitor {
  private cookies = new Map<string, string>();

  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === "" || /max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}) {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  async get(path: string): Promise<Response> {
    const response = await fetch(new URL(path, server!.origin), { headers: this.headers(), redirect: "manual" });
    this.keep(response);
    return response;
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const response = await fetch(new URL(path, server!.origin), {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: this.headers({ origin: server!.origin, "content-type": "application/x-www-form-urlencoded" }),
      redirect: "manual",
    });
    this.keep(response);
    return response;
  }
}

/** The page's HTML, checked to be a page of that status. */
async function html(response: Response, status: number): Promise<string> {
  expect(response.status, response.url).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  return response.text();
}

async function signedIn(): Promise<Visitor> {
  const resident = new Visitor();
  const response = await resident.post("/connexion", { email: DEMO.email, password: DEMO.password, redirectTo: "/accueil" });
  expect(response.status).toBe(302);
  return resident;
}

describe("the validity rules", () => {
  it("find what they look for (a duplicate id, a misplaced element, an unknown attribute value)", async () => {
    const page = (body: string) => `<!doctype html><html lang="fr"><head><title>t</title></head><body>${body}</body></html>`;
    expect(await problems(page("<main><p>ok</p></main>"))).toEqual([]);
    expect(await problems(page('<p id="a"></p><p id="a"></p>'))).toEqual([expect.stringMatching(/^no-dup-id/)]);
    expect(await problems(page("<ul><p>x</p></ul>"))).not.toEqual([]);
    expect(await problems(page('<input type="mail">'))).toEqual([expect.stringMatching(/^attribute-allowed-values/)]);
  });
});

describe("the HTML of every page is valid (RGAA 8.2)", () => {
  it("the public pages of the site map, the link page, and the 404 page", async () => {
    const visitor = new Visitor();
    const found: string[] = [];
    for (const { path } of allPages(PUBLIC_PAGES)) found.push(...(await problems(await html(await visitor.get(path), 200))).map((p) => `${path}: ${p}`));
    // Opened without a link's parameters: the page that says the link is not valid.
    found.push(...(await problems(await html(await visitor.get("/auth/confirm"), 400))).map((p) => `/auth/confirm: ${p}`));
    const notFound = await html(await visitor.get("/page-inconnue"), 404);
    expect(notFound).toContain("<title>Page introuvable — Le Portail des Factures</title>");
    found.push(...(await problems(notFound)).map((p) => `/page-inconnue: ${p}`));
    expect(found).toEqual([]);
  });

  it("the resident's pages of the site map, an invoice, an unknown invoice and the payment steps", async () => {
    const resident = await signedIn();
    const paths = [...allPages(RESIDENT_PAGES).map((p) => p.path), `/factures/${INVOICE_ID}`, `/paiement/confirmation?facture=${INVOICE_ID}`, "/paiement/retour"];
    const found: string[] = [];
    for (const path of paths) found.push(...(await problems(await html(await resident.get(path), 200))).map((p) => `${path}: ${p}`));
    const unknown = await html(await resident.get("/factures/1a000000-0000-4000-8000-0000000009ff"), 404);
    expect(unknown).toContain("<title>Facture introuvable — Le Portail des Factures</title>");
    found.push(...(await problems(unknown)).map((p) => `unknown invoice: ${p}`));
    expect(found).toEqual([]);
  });

  it("every form sent back with its errors", async () => {
    const visitor = new Visitor();
    const resident = await signedIn();
    const sent: [string, Visitor, string, Record<string, string>, number][] = [
      ["login", visitor, "/connexion", { email: "pas-une-adresse", password: "" }, 400],
      ["activation", visitor, "/activation", { email: "pas-une-adresse" }, 400],
      ["forgotten password", visitor, "/mot-de-passe-oublie", { email: "pas-une-adresse" }, 400],
      ["public contact", visitor, "/nous-contacter", { intent: "envoyer", email: "pas-une-adresse", body: "" }, 400],
      ["contact", resident, "/contact", { intent: "envoyer", body: "" }, 400],
      ["e-mail change", resident, "/mes-informations/adresse-mail", { email: "pas-une-adresse" }, 400],
      ["password change", resident, "/mes-informations/mot-de-passe", { currentPassword: "", newPassword: "court" }, 400],
    ];
    const found: string[] = [];
    for (const [name, who, path, fields, status] of sent) {
      const page = await html(await who.post(path, fields), status);
      expect(page, name).toContain('aria-invalid="true"');
      found.push(...(await problems(page)).map((p) => `${name}: ${p}`));
    }
    expect(found).toEqual([]);
  });

  it("the new-password page reached from an activation link, and its form with an error", async () => {
    const visitor = new Visitor();
    expect((await visitor.post("/activation", { email: NOUVEAU })).status).toBe(200);
    const mailbox = await (await visitor.get("/dev/courriels")).text();
    const link = /href="https?:\/\/[^/"]+(\/auth\/confirm\?token_hash=[^"]+)"/.exec(mailbox.replace(/&amp;/g, "&"))?.[1];
    expect(link).toBeDefined();
    const confirm = await html(await visitor.get(link!), 200);
    const fields = Object.fromEntries([...confirm.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, "&")]));
    expect(fields).toHaveProperty("token_hash");
    const confirmed = await visitor.post(link!, fields);
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe("/nouveau-mot-de-passe");
    const found = (await problems(await html(await visitor.get("/nouveau-mot-de-passe"), 200))).map((p) => `new password: ${p}`);
    const refused = await html(await visitor.post("/nouveau-mot-de-passe", { password: "court" }), 400);
    expect(refused).toContain('aria-invalid="true"');
    found.push(...(await problems(refused)).map((p) => `new password refused: ${p}`));
    expect(found).toEqual([]);
  });

  it("the markup of each kind of error page (404, other 4xx, 503 busy, 500)", async () => {
    const errors = [
      { status: 404, statusText: "", internal: false, data: "" },
      { status: 400, statusText: "", internal: false, data: "" },
      { status: 503, statusText: "", internal: false, data: { reason: "portal_busy" } },
      new Error("boom"),
    ];
    const found: string[] = [];
    for (const error of errors) {
      const body = renderToStaticMarkup(createElement(RouteErrorPage, { error }));
      const page = `<!doctype html><html lang="fr"><head><title>Erreur</title></head><body>${body}</body></html>`;
      found.push(...(await problems(page)).map((p) => `${error instanceof Error ? 500 : error.status}: ${p}`));
    }
    expect(found).toEqual([]);
  });
});
