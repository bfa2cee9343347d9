import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, constants, gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { precompress } from "../../scripts/precompress.js";
import { coalesce, COALESCE_BYTES, gzipStream } from "../../server/gzip.js";
import { compressResponse, wrapHandler } from "../../server/security.js";
import { encodingQuality, staticHeaders, staticRelativePath, staticVariants } from "../../server/static.js";

/**
 * Compressed responses: pages gzip-compressed on the fly by the wrapper (server/security.js),
 * static files precompressed at build (scripts/precompress.js) and chosen by Accept-Encoding
 * (server/static.js). docs/performance.md, "Bytes on the wire".
 */
const ORIGIN = "http://portail.test";
const PAGE = `<!doctype html><html lang="fr"><body>${"<p>Vos factures d'eau et d'assainissement</p>".repeat(200)}</body></html>`;

async function bytes(response: Response) {
  return Buffer.from(await response.arrayBuffer());
}

/** A document streamed in two parts, the second after a pause (as Remix does with defer). */
function streamedPage(contentType = "text/html; charset=utf-8") {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(PAGE.slice(0, 4000)));
          await new Promise((resolve) => setTimeout(resolve, 50));
          controller.enqueue(new TextEncoder().encode(PAGE.slice(4000)));
          controller.close();
        },
      }),
      { headers: { "Content-Type": contentType } },
    );
}

function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Request(`${ORIGIN}${path}`, { method, headers });
}

describe("wrapHandler: pages compressed on the fly", () => {
  it("a streamed document arrives gzip-compressed, without Content-Length, and decompresses to the original", async () => {
    const response = await wrapHandler(streamedPage())(get("/factures", { "Accept-Encoding": "gzip, deflate, br" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Encoding")).toBe("gzip");
    expect(response.headers.get("Vary")).toBe("Accept-Encoding");
    expect(response.headers.get("Content-Length")).toBeNull();
    expect(response.headers.get("Content-Security-Policy")).toContain("script-src");
    const body = await bytes(response);
    expect(body.length).toBeLessThan(PAGE.length / 5);
    expect(gunzipSync(body).toString("utf8")).toBe(PAGE);
  });

  it("streaming is kept: the first part can be read before the handler has written the rest", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const handler = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode(PAGE));
            await released;
            controller.enqueue(new TextEncoder().encode("<script>deferred</script>"));
            controller.close();
          },
        }),
        { headers: { "Content-Type": "text/html; charset=utf-8" } },
      );
    // The gzip server/node.js passes (Node's CompressionStream would hold the first part).
    const response = await wrapHandler(handler, { gzipStream })(get("/factures", { "Accept-Encoding": "gzip" }));
    expect(response.headers.get("Content-Encoding")).toBe("gzip");
    const reader = response.body!.getReader();
    const parts: Uint8Array[] = [];
    // Read until the first part decompresses, while the handler is still waiting.
    while (!gunzipSync(Buffer.concat(parts), { finishFlush: constants.Z_SYNC_FLUSH }).toString("utf8").endsWith("</html>")) {
      const { done, value } = await reader.read();
      expect(done).toBe(false);
      parts.push(value!);
    }
    release();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    expect(gunzipSync(Buffer.concat(parts)).toString("utf8")).toBe(`${PAGE}<script>deferred</script>`);
  });

  it("JSON and plain text are compressed too; Vary is added to an existing one", async () => {
    const json = JSON.stringify({ invoices: Array.from({ length: 100 }, (_, i) => ({ id: i, label: "Facture d'eau" })) });
    const handler = async () => new Response(json, { headers: { "Content-Type": "application/json; charset=utf-8", Vary: "Cookie" } });
    const response = await wrapHandler(handler)(get("/factures.data", { "Accept-Encoding": "gzip" }));
    expect(response.headers.get("Content-Encoding")).toBe("gzip");
    expect(response.headers.get("Vary")).toBe("Cookie, Accept-Encoding");
    expect(gunzipSync(await bytes(response)).toString("utf8")).toBe(json);
  });

  it("is not compressed: PDF, HEAD, no Accept-Encoding, gzip;q=0, already encoded, small known length, 204/304", async () => {
    const pdf = Buffer.alloc(8192, "%PDF-1.7 ");
    const cases: [string, () => Promise<Response>, Request][] = [
      ["pdf", async () => new Response(pdf, { headers: { "Content-Type": "application/pdf" } }), get("/facture.pdf", { "Accept-Encoding": "gzip, br" })],
      ["head", streamedPage(), get("/factures", { "Accept-Encoding": "gzip" }, "HEAD")],
      ["no accept-encoding", streamedPage(), get("/factures")],
      ["gzip;q=0", streamedPage(), get("/factures", { "Accept-Encoding": "gzip;q=0, identity" })],
      ["*;q=0", streamedPage(), get("/factures", { "Accept-Encoding": "br, *;q=0" })],
      ["encoded", async () => new Response(PAGE, { headers: { "Content-Type": "text/html", "Content-Encoding": "br" } }), get("/x", { "Accept-Encoding": "gzip" })],
      ["small", async () => new Response("OK", { headers: { "Content-Type": "text/plain", "Content-Length": "2" } }), get("/health", { "Accept-Encoding": "gzip" })],
      ["204", async () => new Response(null, { status: 204, headers: { "Content-Type": "text/plain" } }), get("/x", { "Accept-Encoding": "gzip" })],
      ["304", async () => new Response(null, { status: 304, headers: { "Content-Type": "text/html" } }), get("/x", { "Accept-Encoding": "gzip" })],
      ["octet-stream", async () => new Response(pdf, { headers: { "Content-Type": "application/octet-stream" } }), get("/x", { "Accept-Encoding": "gzip" })],
    ];
    for (const [name, handler, request] of cases) {
      const response = await wrapHandler(handler)(request);
      expect(response.headers.get("Content-Encoding") === "gzip", name).toBe(false);
    }
    const pdfResponse = await wrapHandler(cases[0]![1])(cases[0]![2]);
    expect(pdfResponse.headers.get("Vary")).toBeNull();
    expect(Buffer.compare(await bytes(pdfResponse), pdf)).toBe(0);
    const plain = await wrapHandler(streamedPage())(get("/factures", { "Accept-Encoding": "gzip;q=0" }));
    expect(plain.headers.get("Vary")).toBe("Accept-Encoding");
    expect((await bytes(plain)).toString("utf8")).toBe(PAGE);
  });

  it("the wrapper's own 403 and 413 pages stay readable, compressed or not", async () => {
    const never = async () => new Response("never");
    const forbidden = await wrapHandler(never)(new Request(`${ORIGIN}/connexion`, { method: "POST", body: "a=b", headers: { Origin: "https://ailleurs.example", "Accept-Encoding": "gzip" } }));
    expect(forbidden.status).toBe(403);
    const forbiddenBody = await bytes(forbidden);
    const forbiddenText = forbidden.headers.get("Content-Encoding") === "gzip" ? gunzipSync(forbiddenBody).toString("utf8") : forbiddenBody.toString("utf8");
    expect(forbiddenText).toContain("Requête refusée");
    const tooLarge = await wrapHandler(never, { maxBodyBytes: 16 })(
      new Request(`${ORIGIN}/connexion`, { method: "POST", body: "a".repeat(64), headers: { Origin: ORIGIN, "Accept-Encoding": "gzip" } }),
    );
    expect(tooLarge.status).toBe(413);
    const tooLargeBody = await bytes(tooLarge);
    const tooLargeText = tooLarge.headers.get("Content-Encoding") === "gzip" ? gunzipSync(tooLargeBody).toString("utf8") : tooLargeBody.toString("utf8");
    expect(tooLargeText).toContain("trop volumineux");
  });

  it("a strong or weak ETag is marked as the gzip variant's", async () => {
    const handler = async () => new Response(PAGE, { headers: { "Content-Type": "text/html", ETag: 'W/"abc"' } });
    const response = await wrapHandler(handler)(get("/x", { "Accept-Encoding": "gzip" }));
    expect(response.headers.get("ETag")).toBe('W/"abc-gzip"');
  });

  it("compressResponse uses the gzip stream it is given (server/node.js passes a flushing one)", async () => {
    let used = 0;
    const response = compressResponse(get("/x", { "Accept-Encoding": "gzip" }), await streamedPage()(), () => {
      used++;
      return new CompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
    });
    expect(used).toBe(1);
    expect(gunzipSync(await bytes(response)).toString("utf8")).toBe(PAGE);
  });
});

describe("Accept-Encoding", () => {
  it("parses q-values: q=0 refuses, * covers the rest, absent header accepts nothing", () => {
    expect(encodingQuality("gzip, deflate, br, zstd", "br")).toBe(1);
    expect(encodingQuality("gzip;q=0.5, br;q=0.8", "gzip")).toBe(0.5);
    expect(encodingQuality("gzip;q=0", "gzip")).toBe(0);
    expect(encodingQuality("GZIP ; Q=0.000", "gzip")).toBe(0);
    expect(encodingQuality("*", "br")).toBe(1);
    expect(encodingQuality("br;q=0, *", "br")).toBe(0);
    expect(encodingQuality("identity", "gzip")).toBe(0);
    expect(encodingQuality(null, "gzip")).toBe(0);
    expect(encodingQuality("", "gzip")).toBe(0);
  });
});

describe("static files: precompressed at build, chosen by Accept-Encoding", () => {
  const root = mkdtempSync(join(tmpdir(), "precompress-"));
  mkdirSync(join(root, "assets"));
  const script = `export const label = ${JSON.stringify("Payer ma facture d'eau. ".repeat(400))};\n`;
  writeFileSync(join(root, "assets/main-abc123.js"), script);
  writeFileSync(join(root, "assets/tiny-abc123.js"), "export {};\n");
  writeFileSync(join(root, "logo.png"), Buffer.alloc(4096, 7));
  const rows = precompress(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** What server/node.js and server/deno.js do: the first variant that exists, its headers. */
  function serve(relativePath: string, acceptEncoding: string | null, ifNoneMatch?: string) {
    const variant = staticVariants(relativePath, acceptEncoding).find((candidate) => existsSync(join(root, candidate.path)))!;
    const stats = statSync(join(root, variant.path));
    const requestHeaders = new Headers(ifNoneMatch ? { "If-None-Match": ifNoneMatch } : {});
    const { headers, notModified } = staticHeaders(relativePath, stats, requestHeaders, variant.encoding);
    return { headers, notModified, body: readFileSync(join(root, variant.path)) };
  }

  it("scripts/precompress.js writes .br and .gz beside compressible files of 1 KiB or more only", () => {
    expect(rows.map((row) => row.path)).toEqual([join("assets", "main-abc123.js")]);
    expect(existsSync(join(root, "assets/main-abc123.js.br"))).toBe(true);
    expect(existsSync(join(root, "assets/main-abc123.js.gz"))).toBe(true);
    expect(existsSync(join(root, "assets/tiny-abc123.js.gz"))).toBe(false);
    expect(existsSync(join(root, "logo.png.gz"))).toBe(false);
  });

  it("br is preferred, then gzip, then the file itself; headers and bytes are right", () => {
    const br = serve("assets/main-abc123.js", "gzip, deflate, br");
    expect(br.headers.get("Content-Encoding")).toBe("br");
    expect(br.headers.get("Vary")).toBe("Accept-Encoding");
    expect(br.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(br.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(br.headers.get("Content-Length")).toBe(String(br.body.length));
    expect(br.body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(br.body).toString("utf8")).toBe(script);

    const gzip = serve("assets/main-abc123.js", "gzip, br;q=0");
    expect(gzip.headers.get("Content-Encoding")).toBe("gzip");
    expect(gzip.headers.get("Content-Length")).toBe(String(gzip.body.length));
    expect(gunzipSync(gzip.body).toString("utf8")).toBe(script);

    const preferred = serve("assets/main-abc123.js", "br;q=0.5, gzip");
    expect(preferred.headers.get("Content-Encoding")).toBe("gzip");

    for (const accept of [null, "identity", "gzip;q=0, br;q=0", "deflate"]) {
      const plain = serve("assets/main-abc123.js", accept);
      expect(plain.headers.get("Content-Encoding"), String(accept)).toBeNull();
      expect(plain.headers.get("Vary")).toBe("Accept-Encoding");
      expect(plain.body.toString("utf8")).toBe(script);
    }
  });

  it("each encoding has its own ETag; If-None-Match matches only the same encoding", () => {
    const br = serve("assets/main-abc123.js", "br");
    const gzip = serve("assets/main-abc123.js", "gzip");
    const plain = serve("assets/main-abc123.js", null);
    const tags = [br, gzip, plain].map((answer) => answer.headers.get("ETag"));
    expect(new Set(tags).size).toBe(3);
    expect(serve("assets/main-abc123.js", "br", tags[0]!).notModified).toBe(true);
    expect(serve("assets/main-abc123.js", "gzip", tags[0]!).notModified).toBe(false);
  });

  it("images get no variant and no Vary", () => {
    expect(staticVariants("logo.png", "br, gzip")).toEqual([{ path: "logo.png", encoding: null }]);
    expect(serve("logo.png", "br").headers.get("Vary")).toBeNull();
  });

  it(".br and .gz files are not served as files of their own", () => {
    expect(staticRelativePath("/assets/main-abc123.js.br")).toBeNull();
    expect(staticRelativePath("/assets/main-abc123.js.gz")).toBeNull();
    expect(staticRelativePath("/assets/main-abc123.js.GZ")).toBeNull();
    expect(staticRelativePath("/assets/main-abc123.js")).toBe("assets/main-abc123.js");
  });
});

describe("server/gzip.js coalesce: a tick's chunks joined before gzip (docs/performance.md, section Served path)", () => {
  const text = (chunk: Uint8Array | undefined) => new TextDecoder().decode(chunk);

  it("chunks written in one tick come out as one, without waiting for the end; a later tick's chunk is not held", async () => {
    const { writable, readable } = coalesce();
    const writer = writable.getWriter();
    const reader = readable.getReader();
    const encoder = new TextEncoder();
    for (const part of ["<html>", "<body>", "<p>Facture</p>"]) void writer.write(encoder.encode(part));
    const first = await reader.read();
    expect(text(first.value)).toBe("<html><body><p>Facture</p>");
    void writer.write(encoder.encode("</body></html>"));
    const second = await reader.read();
    expect(text(second.value)).toBe("</body></html>");
    void writer.close();
    expect((await reader.read()).done).toBe(true);
  });

  it("past COALESCE_BYTES the waiting chunks leave at once, in order, and nothing is lost at the end", async () => {
    const { writable, readable } = coalesce();
    const writer = writable.getWriter();
    const half = Math.ceil(COALESCE_BYTES / 2);
    const parts = [new Uint8Array(half).fill(1), new Uint8Array(half).fill(2), new Uint8Array(10).fill(3)];
    const collected = (async () => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of readable as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
      return chunks;
    })();
    for (const part of parts) void writer.write(part);
    await writer.close();
    const chunks = await collected;
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([2 * half, 10]);
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat(parts));
  });

  it("gzipStream: a document written in many small chunks decompresses to the same text", async () => {
    const pair = gzipStream();
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < PAGE.length; i += 100) controller.enqueue(new TextEncoder().encode(PAGE.slice(i, i + 100)));
        controller.close();
      },
    });
    const compressed = await bytes(new Response(source.pipeThrough(pair)));
    expect(gunzipSync(compressed).toString("utf8")).toBe(PAGE);
  });
});
