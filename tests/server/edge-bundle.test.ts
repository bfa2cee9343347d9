import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, ROOT } from "./built";
import { checkBundle, clientFilesModule } from "../../scripts/build-edge.js";
import { EDGE_BUNDLE } from "./global-build";

/**
 * The edge bundle (build/edge/server.js, scripts/build-edge.js, docs/deploy-edge.md) as it is
 * deployed: `deno run --allow-net --allow-env` and nothing else — no read or write permission —
 * from an empty folder, against a tiny fake Supabase in this process (node:http: the PostgREST
 * calls of the login page and of /health, 404 for anything else, every call recorded). Built once
 * for all test files by tests/server/global-build.ts.
 */
const DENO = join(ROOT, "node_modules/.bin/deno");
const CLIENT_DIR = join(ROOT, "build/edge/remix/client");
const ANON_KEY = "anon-key-edge-test";
const SERVICE_KEY = "service-role-key-edge-test";
const PORTAL_NAME = "Portail des factures de la régie d'essai";

interface Call {
  method: string;
  path: string;
  apikey: string | undefined;
  authorization: string | undefined;
}

/** A PostgREST stand-in: the two RPCs the tested pages make; 404 (PostgREST's shape) for anything else. */
async function startFakeSupabase(): Promise<{ url: string; calls: Call[]; close: () => Promise<void> }> {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    calls.push({
      method: req.method ?? "",
      path: req.url ?? "",
      apikey: req.headers.apikey as string | undefined,
      authorization: req.headers.authorization,
    });
    req.resume();
    req.on("end", () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(body));
      };
      const path = (req.url ?? "").split("?")[0];
      if (req.method === "POST" && path === "/rest/v1/rpc/portal_public_info") return json(200, [{ portal_name: PORTAL_NAME }]);
      if (req.method === "POST" && path === "/rest/v1/rpc/health_check") return json(200, true);
      return json(404, { code: "PGRST202", message: `not served by the fake Supabase: ${req.method} ${req.url}` });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** "listening" once the server prints its listening line, else the exit code. */
  outcome: Promise<"listening" | number>;
}

const workDirs: string[] = [];

/** `deno run --allow-net --allow-env build/edge/server.js`, from an empty folder, with exactly `env` (plus PATH/HOME). */
async function startEdge(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), "portail-edge-"));
  workDirs.push(cwd);
  const child = spawn(DENO, ["run", "--allow-net", "--allow-env", EDGE_BUNDLE], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? cwd,
      ...(process.env.DENO_DIR ? { DENO_DIR: process.env.DENO_DIR } : {}),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  const output = () => chunks.join("");
  const outcome = new Promise<"listening" | number>((resolve) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      chunks.push(chunk.toString());
      if (/listening on/.test(output())) resolve("listening");
    });
    child.stderr!.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1)));
  });
  return { child, port, output, outcome };
}

async function stop(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
  const exited = new Promise((resolve) => started.child.once("exit", resolve));
  started.child.kill("SIGTERM");
  await exited;
}

/** A raw GET (fetch would decode Content-Encoding itself): status, headers, the bytes as sent. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** A client file of the edge build that has a brotli variant, with the given extension. */
function assetWithBrotli(extension: string): string {
  const assets = readdirSync(join(CLIENT_DIR, "assets"));
  const name = assets.find((file) => file.endsWith(extension) && assets.includes(`${file}.br`));
  if (!name) throw new Error(`no ${extension} file with a .br variant in ${CLIENT_DIR}/assets`);
  return `assets/${name}`;
}

afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe("the edge bundle file", () => {
  const code = readFileSync(EDGE_BUNDLE, "utf8");

  it("has nothing of the embedded default: no PGlite, no file system module, no simulator, no dev mailbox", () => {
    expect(code).not.toMatch(/pglite/i);
    expect(code).not.toMatch(/["']node:(fs|fs\/promises|os|child_process)["']/);
    expect(code).not.toContain("DgfipSimulator");
    expect(code).not.toContain("createEmbeddedDevMailbox");
    expect(code).toContain("EmbeddedAdapterUnavailableError");
  });

  it("is self-contained: its module graph (deno info) is itself and node: built-ins Deno serves without permissions", () => {
    // From an empty folder, without configuration: the project's package.json and tsconfig would add type files.
    const cwd = mkdtempSync(join(tmpdir(), "portail-edge-info-"));
    workDirs.push(cwd);
    const output = execFileSync(DENO, ["info", "--json", "--no-config", EDGE_BUNDLE], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    const info = JSON.parse(output) as {
      modules: { specifier: string; dependencies?: { specifier: string }[] }[];
    };
    const bundle = pathToFileURL(EDGE_BUNDLE).href;
    expect(info.modules.map((m) => m.specifier)).toContain(bundle);
    const others = info.modules.map((m) => m.specifier).filter((specifier) => specifier !== bundle);
    for (const specifier of others) expect(specifier).toMatch(/^node:(path|buffer|events|util|stream|crypto|async_hooks)$/);
    const imported = info.modules.find((m) => m.specifier === bundle)?.dependencies?.map((d) => d.specifier) ?? [];
    for (const specifier of imported) expect(specifier).toMatch(/^node:/);
  });
});

describe("the checks of scripts/build-edge.js", () => {
  it("checkBundle refuses PGlite and any import but the allowed node: built-ins", () => {
    expect(checkBundle("const x = 1;", ["node:path"])).toEqual([]);
    expect(checkBundle('import("@electric-sql/pglite")', [])).toHaveLength(1);
    expect(checkBundle("", ["node:fs/promises", "npm:@supabase/supabase-js@2", "ws"])).toEqual([
      'it imports "node:fs/promises"',
      'it imports "npm:@supabase/supabase-js@2"',
      'it imports "ws"',
    ]);
  });

  it("clientFilesModule embeds every client file but dot-files, as base64 with its modification time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portail-edge-client-"));
    workDirs.push(dir);
    mkdirSync(join(dir, "assets"));
    mkdirSync(join(dir, ".vite"));
    writeFileSync(join(dir, "assets/a.js"), "console.log('é');");
    writeFileSync(join(dir, "favicon.ico"), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(dir, ".vite/manifest.json"), "{}");
    const moduleFile = join(dir, "client-files.mjs");
    writeFileSync(moduleFile, clientFilesModule(dir));
    const { CLIENT_FILES } = (await import(pathToFileURL(moduleFile).href)) as { CLIENT_FILES: Record<string, { mtimeMs: number; base64: string }> };
    expect(Object.keys(CLIENT_FILES).sort()).toEqual(["assets/a.js", "favicon.ico"]);
    expect(Buffer.from(CLIENT_FILES["assets/a.js"]!.base64, "base64").toString("utf8")).toBe("console.log('é');");
    expect([...Buffer.from(CLIENT_FILES["favicon.ico"]!.base64, "base64")]).toEqual([0, 1, 2, 255]);
    expect(CLIENT_FILES["favicon.ico"]!.mtimeMs).toBeGreaterThan(0);
  });
});

describe("deno run --allow-net --allow-env build/edge/server.js with Supabase configured", () => {
  let supabase: Awaited<ReturnType<typeof startFakeSupabase>>;
  let server: Started | undefined;
  let origin: string;

  beforeAll(async () => {
    supabase = await startFakeSupabase();
    const port = await freePort();
    server = await startEdge({
      PORT: String(port),
      SITE_URL: `http://127.0.0.1:${port}`,
      SUPABASE_URL: supabase.url,
      SUPABASE_ANON_KEY: ANON_KEY,
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY,
    });
    origin = `http://127.0.0.1:${port}`;
    expect(await server.outcome, server.output()).toBe("listening");
  }, 120_000);

  afterAll(async () => {
    await stop(server);
    await supabase?.close();
  }, 30_000);

  it("GET /connexion: the French login page, with the portal's name from Supabase and the security headers", async () => {
    const before = supabase.calls.length;
    const response = await fetch(`${origin}/connexion`);
    const html = await response.text();
    expect(response.status, server!.output() + html.slice(0, 500)).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toMatch(/<html lang="fr"/);
    expect(html).toContain("Se souvenir de moi");
    expect(html).toContain("régie d&#x27;essai");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    // Its scripts come from the embedded client build, with the page's nonce.
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(html).toContain(`nonce="${nonce}"`);
    const called = supabase.calls.slice(before);
    expect(called).toContainEqual(expect.objectContaining({ method: "POST", path: "/rest/v1/rpc/portal_public_info", apikey: ANON_KEY }));
  });

  it("POST: the form body reaches the action (an invalid e-mail is answered in French, echoed back); without the portal's Origin, 403", async () => {
    const body = new URLSearchParams({ email: "pas-une-adresse-edge", password: "" }).toString();
    const headers = { "Content-Type": "application/x-www-form-urlencoded", Origin: origin };
    const response = await fetch(`${origin}/connexion`, { method: "POST", headers, body, redirect: "manual" });
    const html = await response.text();
    expect(response.status, server!.output() + html.slice(0, 500)).toBe(400);
    expect(html).toContain('value="pas-une-adresse-edge"');
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");

    const forged = await fetch(`${origin}/connexion`, { method: "POST", headers: { ...headers, Origin: "https://ailleurs.example" }, body, redirect: "manual" });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("Requête refusée");
  });

  it("GET /health: 200, the Supabase backend, after calling public.health_check with the service role", async () => {
    const before = supabase.calls.length;
    const response = await fetch(`${origin}/health`);
    expect(response.status, server!.output()).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", backend: "supabase", database: "ok" });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(supabase.calls.slice(before)).toEqual([
      { method: "POST", path: "/rest/v1/rpc/health_check", apikey: SERVICE_KEY, authorization: `Bearer ${SERVICE_KEY}` },
    ]);
  });

  it("a static asset from memory: its type, immutable cache, brotli or gzip when asked (the build's own bytes), identity otherwise, 304 on its ETag", async () => {
    const path = assetWithBrotli(".js");
    const original = readFileSync(join(CLIENT_DIR, path));

    const br = await rawGet(`${origin}/${path}`, { "Accept-Encoding": "gzip, br" });
    expect(br.status).toBe(200);
    expect(br.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers["x-content-type-options"]).toBe("nosniff");
    expect(br.body.equals(readFileSync(join(CLIENT_DIR, `${path}.br`)))).toBe(true);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);

    const gzip = await rawGet(`${origin}/${path}`, { "Accept-Encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.body).equals(original)).toBe(true);

    const identity = await rawGet(`${origin}/${path}`);
    expect(identity.status).toBe(200);
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.headers["content-length"]).toBe(String(original.length));
    expect(identity.body.equals(original)).toBe(true);

    const again = await rawGet(`${origin}/${path}`, { "Accept-Encoding": "br", "If-None-Match": String(br.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);

    const css = assetWithBrotli(".css");
    const style = await rawGet(`${origin}/${css}`, { "Accept-Encoding": "br" });
    expect(style.status).toBe(200);
    expect(style.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(brotliDecompressSync(style.body).equals(readFileSync(join(CLIENT_DIR, css)))).toBe(true);
  });

  it("the requests above left no Deno legacy-abort warning (its signal is never read: server/deno-serve.js)", () => {
    expect(server!.output()).not.toMatch(/legacy behavior|request\.signal/);
  });

  it("no variant or dot-file served on its own, an unknown asset is Remix's 404", async () => {
    const path = assetWithBrotli(".js");
    expect((await rawGet(`${origin}/${path}.br`)).status).toBe(404);
    expect((await rawGet(`${origin}/.vite/manifest.json`)).status).toBe(404);
    expect((await rawGet(`${origin}/assets/absent-0000.js`)).status).toBe(404);
  });
});

describe("deno run --allow-net --allow-env build/edge/server.js without Supabase", () => {
  const started: Started[] = [];
  afterAll(async () => {
    for (const s of started) await stop(s);
  }, 30_000);

  it("the embedded configuration: exit 1 naming the variables to set, never listening, and never a file-system permission error", async () => {
    const server = await startEdge({ SITE_URL: "http://127.0.0.1:3000" });
    started.push(server);
    expect(await server.outcome, server.output()).toBe(1);
    const output = server.output();
    expect(output).toContain("Le Portail des Factures did not start");
    expect(output).toContain("it has the Supabase adapters only");
    expect(output).toContain("SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY and SITE_URL");
    expect(output).not.toMatch(/listening on/);
    // Had anything tried the file system (PGlite, DATA_DIR, a static file), Deno would have refused it.
    expect(output).not.toMatch(/NotCapable|PermissionDenied|Requires (read|write) access|--allow-(read|write)/);
    expect(output).not.toContain("cannot open the embedded database");
  });

  it("an incomplete Supabase configuration: exit 1 with the variable named", async () => {
    const server = await startEdge({ SUPABASE_URL: "https://projet.supabase.co", SITE_URL: "https://factures.example.fr" });
    started.push(server);
    expect(await server.outcome, server.output()).toBe(1);
    expect(server.output()).toContain("Invalid environment: SUPABASE_URL");
    expect(server.output()).not.toMatch(/listening on/);
  });
});
