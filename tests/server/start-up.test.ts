import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, ROOT } from "./built";

/**
 * Starting the production build the way a maintainer does: the very `start` and `start:deno`
 * scripts of package.json, run by sh as npm runs them (so the Deno permissions under test are
 * the script's own). A DATA_DIR outside the project must work on Deno; a DATA_DIR that cannot be
 * opened must stop the start with a clear message, before anything listens. The build is made
 * first when missing or older than app/ (as tests/server/built-server.test.ts does).
 */
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;


interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** Resolves when the server listens ("listening") or when the process ends (its exit code). */
  outcome: Promise<"listening" | number>;
}

/** Runs a package.json script with sh, as npm does (node_modules/.bin on PATH), in its own process group. */
async function startScript(script: "start" | "start:deno", dataDir: string, extraEnv: Record<string, string> = {}): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: `${join(ROOT, "node_modules/.bin")}${delimiter}${process.env.PATH ?? ""}`,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    SITE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    SUPABASE_URL: undefined,
    SUPABASE_ANON_KEY: undefined,
    SUPABASE_SERVICE_ROLE_KEY: undefined,
    ...extraEnv,
  };
  const child = spawn("sh", ["-c", SCRIPTS[script]!], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
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

async function stop(started: Started | undefined) {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
  const exited = new Promise((resolve) => started.child.once("exit", resolve));
  try {
    process.kill(-started.child.pid!, "SIGTERM");
  } catch {
    return; // already gone
  }
  await exited;
}

/** The outcome, or "timeout" after `ms` (the process is then stopped). */
async function outcomeWithin(started: Started, ms: number): Promise<"listening" | number | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  const result = await Promise.race([started.outcome, timeout]);
  clearTimeout(timer);
  return result;
}

const tempDirs: string[] = [];
function outsideTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "portail-start-up-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("npm run start:deno with a DATA_DIR outside the project", () => {
  let server: Started | undefined;
  afterAll(() => stop(server), 30_000);

  it("serves /health and /connexion (was: 503 « database unreachable », Deno lacking read access to DATA_DIR), without Deno's legacy-abort warning", async () => {
    const dataDir = join(outsideTempDir(), "données portail"); // absolute, with a space, created by the server
    server = await startScript("start:deno", dataDir);
    expect(await outcomeWithin(server, 90_000), server.output()).toBe("listening");
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status, server.output()).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", backend: "embedded", database: "ok" });
    const login = await fetch(`http://127.0.0.1:${server.port}/connexion`);
    expect(login.status, server.output()).toBe(200);
    expect(existsSync(join(dataDir, "pglite"))).toBe(true);
    expect(server.output()).not.toMatch(/legacy behavior|request\.signal/);

    // The same folder, now given relative to the project: reopened after a clean stop (lock released).
    await stop(server);
    server = await startScript("start:deno", relative(ROOT, dataDir));
    expect(await outcomeWithin(server, 90_000), server.output()).toBe("listening");
    expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status, server.output()).toBe(200);
  }, 200_000);
});

for (const [runtime, script] of [
  ["node", "start"],
  ["deno", "start:deno"],
] as const) {
  describe(`a ${runtime} start whose DATA_DIR cannot be opened`, () => {
    const started: Started[] = [];
    afterAll(async () => {
      for (const s of started) await stop(s);
    }, 30_000);

    it("DATA_DIR is a regular file: exit 1 with what failed and what to check, never listening", async () => {
      const dataDir = join(outsideTempDir(), "not-a-folder");
      writeFileSync(dataDir, "");
      const server = await startScript(script, dataDir);
      started.push(server);
      const outcome = await outcomeWithin(server, 15_000);
      expect(outcome, server.output()).toBe(1);
      const output = server.output();
      expect(output).not.toMatch(/listening on/);
      expect(output).toContain("cannot open the embedded database");
      expect(output).toContain(`DATA_DIR=${dataDir}`);
      expect(output).toMatch(/read and write/);
    });

    it("DATA_DIR's lock is held by another live process: exit 1 naming that process, never listening", async () => {
      const dataDir = outsideTempDir();
      // This test process plays the other server (see app/.server/embedded/lock.ts): alive, fresh heartbeat.
      const owner = { pid: process.pid, host: hostname(), command: "another portal server", since: new Date().toISOString() };
      writeFileSync(join(dataDir, "portal.lock"), JSON.stringify(owner) + "\n");
      const server = await startScript(script, dataDir);
      started.push(server);
      const outcome = await outcomeWithin(server, 15_000);
      expect(outcome, server.output()).toBe(1);
      const output = server.output();
      expect(output).not.toMatch(/listening on/);
      expect(output).toContain("cannot open the embedded database");
      expect(output).toContain(`is in use by another process (pid ${process.pid}`);
      expect(output).toContain("portal.lock");
      expect(existsSync(join(dataDir, "pglite"))).toBe(false);
    });
  });
}

describe("what the start checks besides the embedded database", () => {
  const started: Started[] = [];
  afterAll(async () => {
    for (const s of started) await stop(s);
  }, 30_000);

  it("an invalid environment stops the start (exit 1, the variable named), never listening", async () => {
    const server = await startScript("start", outsideTempDir(), { SUPABASE_URL: "https://projet.supabase.co" });
    started.push(server);
    expect(await outcomeWithin(server, 15_000), server.output()).toBe(1);
    expect(server.output()).toContain("Invalid environment: SUPABASE_URL");
    expect(server.output()).not.toMatch(/listening on/);
  });

  it("with Supabase, an unreachable Supabase does not stop the start: it listens and /health says 503", async () => {
    const server = await startScript("start", outsideTempDir(), {
      SUPABASE_URL: "http://127.0.0.1:9",
      SUPABASE_ANON_KEY: "anon",
      SUPABASE_SERVICE_ROLE_KEY: "service",
    });
    started.push(server);
    expect(await outcomeWithin(server, 15_000), server.output()).toBe("listening");
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(503);
  });
});
