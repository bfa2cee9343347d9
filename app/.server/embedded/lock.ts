/**
 * One process at a time on a DATA_DIR. PGlite does not refuse a second process on the same data
 * folder (checked: both open it, and their writes would corrupt it; its `postmaster.pid` holds a
 * fake pid, -42). So `openDatabase` takes `${DATA_DIR}/portal.lock`, created exclusively, holding
 * the owner's pid, host and command, and refreshed every 10 s. A lock is stale — taken over — when
 * its heartbeat is older than 30 s, or when its pid is gone on this host (Node can tell; Deno
 * without --allow-run cannot, and relies on the heartbeat). Node only (node:fs), like the embedded
 * adapter.
 */
const HEARTBEAT_MS = 10_000;
const STALE_MS = 30_000;

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another process (pid ${owner.pid} on ${owner.host}, "${owner.command}", since ${owner.since}). ` +
        "The embedded database is single-process: stop that process (e.g. the portal server) and try again.",
    );
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

function processAlive(pid: number): boolean | undefined {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return false;
    if (code === "EPERM") return true;
    return undefined; // cannot tell (e.g. Deno without --allow-run)
  }
}

export async function acquireDataDirLock(dataDir: string, command = describeCommand()): Promise<DataDirLock> {
  const { open, readFile, rm, stat, utimes } = await import("node:fs/promises");
  const path = `${dataDir.replace(/\/+$/, "")}/portal.lock`;
  const me: LockOwner = { pid: process.pid, host: await hostName(), command, since: new Date().toISOString() };

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(JSON.stringify(me) + "\n");
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let owner: LockOwner | undefined;
    let ageMs = Infinity;
    try {
      owner = JSON.parse(await readFile(path, "utf8")) as LockOwner;
      ageMs = Date.now() - (await stat(path)).mtimeMs;
    } catch {
      // Unreadable or vanished between the two calls: treat as stale.
    }
    // Our own pid on this host: a previous run of a container whose pid came back (or this very
    // process opening twice, which PGlite handles as one session anyway).
    const mine = owner?.pid === me.pid && owner.host === me.host;
    const alive = owner && owner.host === me.host && !mine ? processAlive(owner.pid) : undefined;
    const stale = !owner || mine || alive === false || (alive === undefined && ageMs > STALE_MS);
    if (!stale) throw new DataDirLockedError(dataDir, owner!);
    await rm(path, { force: true });
    if (attempt === 2) throw new Error(`Could not take the lock ${path}`);
  }

  const timer = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  (timer as { unref?: () => void }).unref?.();

  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        const owner = JSON.parse(await readFile(path, "utf8")) as LockOwner;
        if (owner.pid === me.pid && owner.host === me.host && owner.since === me.since) await rm(path, { force: true });
      } catch {
        // Already gone.
      }
    },
  };
}

/** The host name, or "localhost" where it may not be read (Deno without --allow-sys). */
async function hostName(): Promise<string> {
  try {
    const { hostname } = await import("node:os");
    return hostname();
  } catch {
    return "localhost";
  }
}

function describeCommand(): string {
  const argv = globalThis.process?.argv ?? [];
  return argv
    .slice(1)
    .map((a) => a.split("/").pop())
    .join(" ")
    .slice(0, 200);
}
