import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, realpathSync, rmSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, ROOT } from "./built";

/**
 * The production build served for real, by server/node.js and by server/deno.js, over HTTP: what
 * only the whole chain shows — the security wrapper, then Remix's own request handling (which
 * aborts a document POST whose Origin is not its Host with a blank 500), then the routes — and
 * the body cap on a real socket. The build is made first when missing or older than app/.
 * Each server gets a free port and a fresh embedded database under .tmp/.
 */
const PAYFIP = "https://www.payfip.gouv.fr";
const TOKEN = "0123456789abcdef".repeat(4);
const KIB = 1024;


interface Running {
  port: number;
  origin: string;
  child: ChildProcess;
  dataDir: string;
  output: string[];
}

async function start(runtime: "node" | "deno"): Promise<Running> {
  const port = await freePort();
  const dataDir = join(".tmp", `built-server-${runtime}-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const env = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), SITE_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir };
  const [command, args] =
    runtime === "node"
      ? [process.execPath, ["server/node.js"]]
      : [
          join(ROOT, "node_modules/.bin/deno"),
          ["run", "--unstable-no-legacy-abort", "--allow-net", `--allow-read=.,${realpathSync(join(ROOT, "node_modules"))}`, `--allow-write=${dataDir}`, "--allow-env", "server/deno.js"],
        ];
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runtime} server did not start:\n${output.join("")}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (/listening on/.test(output.join(""))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("exit", (code) => reject(new Error(`${runtime} server exited (${code}):\n${output.join("")}`)));
  });
  return { port, origin: `http://127.0.0.1:${port}`, child, dataDir, output };
}

async function stop(server: Running | undefined) {
  if (!server) return;
  if (server.child.exitCode === null) {
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGTERM");
    await exited;
  }
  rmSync(server.dataDir, { recursive: true, force: true });
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's bytes as received (still encoded). */
  raw?: Buffer;
  /** Bytes of the request body written before the answer came (for bodies sent in chunks). */
  written: number;
}

/**
 * One HTTP request with exactly these headers (Host included). `body`: sent with Content-Length
 * unless a Transfer-Encoding header says otherwise; `chunks`: that many 8 KiB chunks, chunked,
 * stopping as soon as the server answers.
 */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  { body, chunks }: { body?: string | Buffer; chunks?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, setHost: !("Host" in headers) }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => {
        const raw = Buffer.concat(parts);
        resolve({ status: res.statusCode!, headers: res.headers, body: raw.toString("utf8"), raw, written });
      });
      res.on("error", reject);
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (answered) return;
      // A server that stops reading a body may reset the connection before its answer is read.
      if (chunks !== undefined && (error.code === "ECONNRESET" || error.code === "EPIPE")) resolve({ status: 0, headers: {}, body: error.code, written });
      else reject(error);
    });
    if (chunks === undefined) {
      req.end(body);
      return;
    }
    const chunk = Buffer.alloc(8 * KIB, "a");
    void (async () => {
      for (let i = 0; i < chunks && !answered && !req.destroyed; i++) {
        written += chunk.length;
        if (!req.write(chunk)) {
          await new Promise((resume) => {
            req.once("drain", resume);
            req.once("close", resume);
            req.once("response", resume);
          });
        }
      }
      if (!req.destroyed) req.end();
    })();
  });
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

for (const runtime of ["node", "deno"] as const) {
  describe(`the build served by server/${runtime}.js`, () => {
    let server: Running;
    let cookie = "";

    beforeAll(async () => {
      server = await start(runtime);
      const login = await send(server.port, "POST", "/connexion", { ...FORM, Origin: server.origin }, { body: "email=demo%40demo.fr&password=demo-factures" });
      expect(login.status, login.body.slice(0, 300)).toBe(302);
      cookie = [login.headers["set-cookie"] ?? []].flat().map((c) => c.split(";")[0]).join("; ");
    }, 240_000);
    afterAll(() => stop(server), 30_000);

    it("PayFiP's browser return, posted from PayFiP's site to urlredirect, goes on to the French result page (was: a blank 500)", async () => {
      const back = await send(server.port, "POST", "/paiement/retour-payfip", { ...FORM, Origin: PAYFIP }, { body: "idop=inconnu" });
      expect([back.status, back.headers.location], back.body.slice(0, 300)).toEqual([303, "/paiement/retour?idop=inconnu"]);
      const page = await send(server.port, "GET", back.headers.location!, { Cookie: cookie });
      expect(page.status).toBe(200);
      expect(page.body).toContain("Paiement introuvable");
      // PayFiP may also come back by GET, with the idop in the query string.
      const byGet = await send(server.port, "GET", "/paiement/retour-payfip?idop=inconnu", {});
      expect([byGet.status, byGet.headers.location]).toEqual([303, "/paiement/retour?idop=inconnu"]);
    });

    it("the other provider callbacks answer the provider (TIPI's urlcl with its token's shape, PayFiP's notification without Origin)", async () => {
      const tipi = await send(server.port, "POST", `/paiement/resultat-tipi/${TOKEN}`, { ...FORM, Origin: PAYFIP }, { body: "numcli=004281&resultrans=P" });
      expect([tipi.status, tipi.headers.location], tipi.body.slice(0, 300)).toEqual([303, "/paiement/retour"]);
      const notified = await send(server.port, "POST", "/paiement/notification", FORM, { body: "idop=inconnu" });
      expect([notified.status, notified.body]).toEqual([200, "OK"]);
    });

    it("a cross-origin POST anywhere else is a French 403, never a blank 500 (exemptions are exact paths)", async () => {
      for (const path of [
        "/paiement/retour",
        "/paiement/retourx",
        "/paiement/retour/..%2F..%2Fdeconnexion",
        "/paiement/retour-payfip/x",
        "/paiement/notificationx",
        "/paiement/resultat-tipi/jeton-invente",
        `/paiement/resultat-tipi/${TOKEN}x`,
        "/connexion",
      ]) {
        const answer = await send(server.port, "POST", path, { ...FORM, Origin: PAYFIP }, { body: "idop=inconnu" });
        expect(answer.status, `${path}: ${answer.body.slice(0, 200)}`).toBe(403);
        expect(answer.body, path).toContain("Requête refusée");
      }
    });

    it("a same-origin POST through a proxy that rewrote Host reaches the action (was: Remix's Origin/Host check, a blank 500)", async () => {
      const answer = await send(server.port, "POST", "/connexion", { ...FORM, Origin: server.origin, Host: "interne.example:8080" }, { body: "email=&password=" });
      expect(answer.status).toBe(400);
      expect(answer.body).toContain("Saisissez votre adresse mail.");
    });

    it("a body that is not a form is a 400 with a French page, never a 500", async () => {
      const json = await send(server.port, "POST", "/connexion", { "Content-Type": "application/json", Origin: server.origin }, { body: '{"email":"demo@demo.fr"}' });
      expect(json.status).toBe(400);
      expect(json.body).toContain("Demande impossible");
      const plain = await send(server.port, "POST", "/nous-contacter", { "Content-Type": "text/plain", Origin: server.origin }, { body: "body=Bonjour" });
      expect(plain.status).toBe(400);
      const callback = await send(server.port, "POST", "/paiement/notification", { "Content-Type": "application/json" }, { body: '{"idop":"x"}' });
      expect([callback.status, callback.body]).toEqual([400, "Le formulaire envoyé est illisible. Rechargez la page et recommencez."]);
    });

    it("a NUL in a field is a 400; in a message, the error shows beside the field (was: 503)", async () => {
      const login = await send(server.port, "POST", "/connexion", { ...FORM, Origin: server.origin }, { body: "email=demo%40demo.fr&password=demo%00factures" });
      expect(login.status).toBe(400);
      const contact = await send(server.port, "POST", "/contact", { ...FORM, Origin: server.origin, Cookie: cookie }, { body: "intent=envoyer&subject=Test&body=Bonjour%00" });
      expect(contact.status).toBe(400);
      expect(contact.body).toContain("caractère invisible non autorisé");
    });

    it("bodies are capped at 64 KiB: 413 in French, without reading the rest; the server goes on serving", async () => {
      const declared = await send(server.port, "POST", "/connexion", { ...FORM, Origin: server.origin }, { body: Buffer.alloc(100 * KIB, "a") });
      expect(declared.status).toBe(413);
      expect(declared.body).toContain("Le formulaire envoyé est trop volumineux (64 Kio au maximum)");
      // A little over the cap: read to its end and thrown away, so the client gets its 413.
      const little = await send(server.port, "POST", "/nous-contacter", { ...FORM, Origin: server.origin, "Transfer-Encoding": "chunked" }, { chunks: 32 });
      expect(little.status).toBe(413);
      // Far over it: the server stops reading 1 MiB past the cap and closes the connection (the
      // client may then see a reset instead of the 413): it never takes the 32 MiB.
      const flood = await send(server.port, "POST", "/nous-contacter", { ...FORM, Origin: server.origin, "Transfer-Encoding": "chunked" }, { chunks: 4096 });
      expect([413, 0], flood.body.slice(0, 200)).toContain(flood.status);
      expect(flood.written).toBeLessThan(4096 * 8 * KIB);
      // Under the cap: the form is read (here, too long a message for its schema).
      const message = `intent=envoyer&email=a%40b.fr&body=${"a".repeat(60 * KIB)}`;
      const under = await send(server.port, "POST", "/nous-contacter", { ...FORM, Origin: server.origin }, { body: message });
      expect(under.status).toBe(400);
      expect(under.body).toContain("Votre message dépasse 5 000 caractères");
      expect((await send(server.port, "GET", "/health", {})).status).toBe(200);
    });

    it("/connexion and the main script come back compressed (gzip, br) and decompress to the same content", async () => {
      const plainPage = await send(server.port, "GET", "/connexion", {});
      expect([plainPage.status, plainPage.headers["content-encoding"]]).toEqual([200, undefined]);
      const page = await send(server.port, "GET", "/connexion", { "Accept-Encoding": "gzip, deflate, br" });
      expect([page.status, page.headers["content-encoding"], page.headers.vary]).toEqual([200, "gzip", "Accept-Encoding"]);
      const html = gunzipSync(page.raw!).toString("utf8");
      expect(html).toContain("</html>");
      expect(html).toContain("Connexion");
      // The main script: the largest one the page loads.
      const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
      const sized = await Promise.all([...new Set(scripts)].map(async (path) => ({ path, answer: await send(server.port, "GET", path, {}) })));
      const main = sized.sort((a, b) => b.answer.raw!.length - a.answer.raw!.length)[0]!;
      expect(main.answer.headers["content-encoding"]).toBeUndefined();
      const br = await send(server.port, "GET", main.path, { "Accept-Encoding": "gzip, deflate, br" });
      const gzip = await send(server.port, "GET", main.path, { "Accept-Encoding": "gzip" });
      expect([br.status, br.headers["content-encoding"], br.headers.vary, br.headers["content-length"]]).toEqual([200, "br", "Accept-Encoding", String(br.raw!.length)]);
      expect([gzip.status, gzip.headers["content-encoding"], gzip.headers["content-length"]]).toEqual([200, "gzip", String(gzip.raw!.length)]);
      expect(br.headers.etag).not.toBe(gzip.headers.etag);
      expect(Buffer.compare(brotliDecompressSync(br.raw!), main.answer.raw!)).toBe(0);
      expect(Buffer.compare(gunzipSync(gzip.raw!), main.answer.raw!)).toBe(0);
      expect((await send(server.port, "GET", `${main.path}.br`, {})).status).toBe(404);
      console.log(
        `[${runtime}] bytes on the wire: ${main.path} ${main.answer.raw!.length} / gzip ${gzip.raw!.length} / br ${br.raw!.length}; ` +
          `/connexion ${plainPage.raw!.length} / gzip ${page.raw!.length} (br, not sent for pages: ${brotliCompressSync(plainPage.raw!).length})`,
      );
    });
  });
}
