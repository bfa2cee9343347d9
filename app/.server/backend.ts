import { env } from "./env";
import type { Backend } from "./ports/backend";
import type { EmbeddedExtras } from "./ports/dev";

/**
 * Chooses the adapters once per process: Supabase when SUPABASE_URL is set, otherwise the
 * embedded default (PGlite in DATA_DIR). Adapters are imported lazily so that the embedded
 * one (and its WASM) is never loaded in a Supabase deployment, and conversely. The edge bundle
 * (build/edge/server.js) is built with "./embedded/backend" replaced by a module that throws
 * EmbeddedAdapterUnavailableError (vite.config.ts): it has the Supabase adapters only.
 * Opening the backend starts no timer: the servers start the jobs (./jobs.ts) in startBackend.
 */
let backend: Promise<Backend> | undefined;

export function getBackend(): Promise<Backend> {
  if (!backend) {
    const config = env();
    backend =
      config.backend === "supabase"
        ? import("./supabase/backend").then((m) => m.createSupabaseBackend(config))
        : import("./embedded/backend").then((m) => m.createEmbeddedBackend(config));
    backend.catch(() => {
      backend = undefined; // let the next request try again instead of caching a failure
    });
  }
  return backend;
}

/**
 * The embedded default's local-only services (the outbox viewer of /dev/courriels, the DGFiP
 * simulator of /simulateur-dgfip/*), or null with Supabase: those routes then answer 404. They
 * are not members of `Backend`: the embedded adapter returns them beside its ports
 * (app/.server/embedded/backend.ts), and this is the one way routes reach them.
 */
export async function getEmbeddedExtras(): Promise<EmbeddedExtras | null> {
  const instance: Backend & { readonly extras?: EmbeddedExtras } = await getBackend();
  return instance.kind === "embedded" ? (instance.extras ?? null) : null;
}

export interface StartedBackend {
  kind: "embedded" | "supabase";
  /** The embedded default's DATA_DIR, as configured. */
  dataDir?: string;
}

/**
 * The start-up check of the HTTP servers (server/node.js, server/deno.js), run once before they
 * listen. Both modes: the environment is validated (app/.server/env.ts). Embedded default: the
 * database in DATA_DIR is opened now (lock, migrations, seed: ./embedded/database.ts) and pinged,
 * so a start that cannot open it stops instead of serving 503s. Supabase: nothing is called, on
 * purpose: Supabase being briefly unreachable must not prevent a start (/health reports it, and
 * each request tries again). Throws an Error whose message, in English, says what failed and
 * what to check; the servers print it and exit 1. Then starts the in-process jobs (./jobs.ts):
 * only here, so that a script or a test importing this module schedules nothing.
 */
export async function startBackend(): Promise<StartedBackend> {
  const config = env();
  if (config.backend === "supabase") {
    // Jobs are off with Supabase unless configured (a cron calls the /taches/* routes); opening
    // the Supabase adapters calls nothing.
    if (config.OUTBOX_POLL_SECONDS || config.PAYMENTS_RECONCILE_SECONDS)
      void getBackend()
        .then((opened) => startJobs(opened, config))
        .catch((error: unknown) => console.error("jobs: not started, the Supabase adapters did not open", error));
    return { kind: "supabase" };
  }
  let opened: Backend;
  try {
    opened = await getBackend();
    await opened.data.ping();
  } catch (error) {
    // The edge bundle has no embedded adapter (vite.config.ts, docs/deploy-edge.md): its own
    // message says which variables to set, there is no DATA_DIR to check.
    if (error instanceof Error && error.name === "EmbeddedAdapterUnavailableError") throw error;
    throw new Error(await openFailure(config.DATA_DIR, error), { cause: error });
  }
  await startJobs(opened, config);
  return { kind: "embedded", dataDir: config.DATA_DIR };
}

/** The jobs' modules are loaded when a server starts, not when this module is imported. */
async function startJobs(opened: Backend, config: ReturnType<typeof env>): Promise<void> {
  const jobs = await import("./jobs");
  jobs.startJobs(opened, config);
}

async function openFailure(dataDir: string, error: unknown): Promise<string> {
  let absolute = dataDir;
  try {
    const { resolve } = await import("node:path");
    absolute = resolve(dataDir);
  } catch {
    // Keep DATA_DIR as given.
  }
  const where = absolute === dataDir ? `DATA_DIR=${dataDir}` : `DATA_DIR=${dataDir} (${absolute})`;
  const reason = error instanceof Error ? error.message : String(error);
  const lockFile = `${absolute.replace(/\/+$/, "")}/portal.lock`;
  const locked = error instanceof Error && error.name === "DataDirLockedError";
  const checks = locked
    ? [
        "that process is meant to own this DATA_DIR: then stop it first, or give this server another DATA_DIR;",
        `it is gone: ${lockFile} is taken over once its heartbeat (the file's modification time) is older than 30 s, see app/.server/embedded/lock.ts.`,
      ]
    : [
        "DATA_DIR is a folder (or can be created) that this user may read and write;",
        "with Deno, the start:deno script of package.json grants read and write access to DATA_DIR: a custom command must grant both (--allow-read, --allow-write);",
        `no other process uses this DATA_DIR (lock file ${lockFile}, see app/.server/embedded/lock.ts);`,
        "the disk is not full, and the folder holds a database of this portal, not something else.",
      ];
  return [`cannot open the embedded database in ${where}: ${reason}`, locked ? "Check whether:" : "Check that:", ...checks.map((c) => `  - ${c}`)].join("\n");
}

/**
 * Uses an already built backend for this process. For tests, which open their own embedded
 * database (from a snapshot) and then call loaders and actions exactly as the server would.
 */
export function useBackend(instance: Backend): void {
  backend = Promise.resolve(instance);
}

// The servers find the start-up check here: they import the Remix build, whose only exports are
// Remix's own (the same hand-over as __portalShutdown in ./embedded/backend.ts).
(globalThis as { __portalStartBackend?: () => Promise<StartedBackend> }).__portalStartBackend = startBackend;
