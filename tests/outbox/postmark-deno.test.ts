import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBundle, EDGE_ESBUILD_OPTIONS } from "../../scripts/build-edge.js";

/**
 * Our Postmark transport and the `postmark` package under it, on Deno for real
 * (docs/decisions/0007-outbox-and-postmark.md, "Re-checked"): tests/outbox/postmark-driver.js sends
 * through it to a fake Postmark served by this process over node:http, run
 * - from source, as the Deno server runs the build (the package from node_modules);
 * - bundled with the esbuild settings of scripts/build-edge.js (EDGE_ESBUILD_OPTIONS) and run
 *   with --allow-net only from an empty folder, as the edge bundle is.
 * The driver's process must also end by itself after a timed-out request (postmark 4.x on Deno
 * left that connection open and the process running).
 */
const ROOT = process.cwd();
const DENO = join(ROOT, "node_modules/.bin/deno");
const DRIVER = join(ROOT, "tests/outbox/postmark-driver.js");
const run = promisify(execFile);

interface Call {
  path: string;
  token: string | undefined;
  userAgent: string | undefined;
  body: { To: string; MessageStream: string; Metadata: unknown };
}

let fake: Server;
let apiUrl: string;
const calls: Call[] = [];
const sockets = new Set<Socket>();
const dirs: string[] = [];

/** Postmark's answers, chosen by the recipient's local part; `slow` never gets one. */
function answer(to: string): [number, unknown] | undefined {
  const local = to.split("@")[0];
  if (local === "slow") return undefined;
  if (local === "inactive") return [422, { ErrorCode: 406, Message: `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${to}.` }];
  if (local === "rate") return [429, { ErrorCode: 429, Message: "Rate limit exceeded." }];
  if (local === "signature") return [422, { ErrorCode: 400, Message: "Sender signature not found." }];
  return [200, { To: to, SubmittedAt: "2026-11-30T10:00:00Z", MessageID: `deno-${local}`, ErrorCode: 0, Message: "OK" }];
}

beforeAll(async () => {
  fake = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw) as Call["body"];
      calls.push({ path: req.url ?? "", token: req.headers["x-postmark-server-token"] as string | undefined, userAgent: req.headers["user-agent"], body });
      const answered = answer(body.To);
      if (!answered) return;
      res.writeHead(answered[0], { "Content-Type": "application/json" });
      res.end(JSON.stringify(answered[1]));
    });
  });
  fake.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
  const address = fake.address();
  apiUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => fake.close(() => resolve()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const RECIPIENTS = ["ok@example.fr", "inactive@example.fr", "rate@example.fr", "signature@example.fr", "slow@example.fr"];
const EXPECTED = [
  { status: "accepted", messageId: "deno-ok" },
  { status: "permanent", error: "Postmark HTTP 422 ErrorCode 406: You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: inactive@example.fr." },
  { status: "transient", error: "Postmark HTTP 429 ErrorCode 429: Rate limit exceeded." },
  { status: "transient", error: "Postmark HTTP 422 ErrorCode 400: Sender signature not found." },
  { status: "transient", error: "Postmark timeout after 300 ms" },
];

async function deno(args: string[], cwd: string): Promise<unknown> {
  // execFile rejects on a non-zero exit, and on its own timeout if the process never ends.
  const { stdout } = await run(DENO, args, { cwd, timeout: 60_000, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" } });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

describe("the Postmark transport on Deno", () => {
  it("from source (the package from node_modules): each answer classified, the timed-out process still ends", async () => {
    const before = calls.length;
    expect(await deno(["run", "--allow-net=127.0.0.1", DRIVER, apiUrl, ...RECIPIENTS], ROOT)).toEqual(EXPECTED);
    const made = calls.slice(before);
    expect(made.map((c) => c.body.To)).toEqual(RECIPIENTS);
    expect(made[0]).toMatchObject({ path: "/email", token: "server-token-deno", body: { MessageStream: "outbound", Metadata: { outbox_id: "outbox-ok@example.fr" } } });
    expect(made[0]!.userAgent).toMatch(/^Postmark\.JS - 5\./);
  });

  it("bundled like the edge bundle: no import at all, runs with --allow-net only from an empty folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portail-postmark-edge-"));
    dirs.push(dir);
    const outfile = join(dir, "driver.js");
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: [DRIVER],
      outfile,
      ...EDGE_ESBUILD_OPTIONS,
      metafile: true,
      logLevel: "silent",
    });
    const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((entry) => entry.path));
    const code = readFileSync(outfile, "utf8");
    expect(imports).toEqual([]);
    expect(checkBundle(code, imports)).toEqual([]);
    expect(code).toContain("Postmark.JS");

    const before = calls.length;
    expect(await deno(["run", "--no-config", "--allow-net=127.0.0.1", outfile, apiUrl, ...RECIPIENTS], dir)).toEqual(EXPECTED);
    expect(calls.slice(before).map((c) => c.body.To)).toEqual(RECIPIENTS);
  });
});
