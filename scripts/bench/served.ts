/**
 * Section b) of `npm run bench`: the production build served by the real Node server
 * (server/node.js, as `npm start` runs it) on the benchmark's DATA_DIR, signed in as the demo
 * resident through the login form, then each page under a closed-loop load (scripts/bench/load.ts)
 * at several numbers of requests in flight.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePort, ROOT } from "../../tests/server/built";
import { closedLoop, type LoadResult } from "./load";
import { DEMO_EMAIL, DEMO_PASSWORD } from "./raw";

export interface ServedPage {
  page: string;
  path: string;
  /** Expected Content-Type prefix: a page that answers something else is not measured. */
  contentType: string;
}

/** The pages measured served, by the names scripts/bench/pages.ts uses. */
export function servedPages(invoiceId: string): ServedPage[] {
  return [
    { page: "list", path: "/factures", contentType: "text/html" },
    { page: "detail", path: `/factures/${invoiceId}`, contentType: "text/html" },
    { page: "pdf", path: `/factures/${invoiceId}/pdf`, contentType: "application/pdf" },
    { page: "home", path: "/accueil", contentType: "text/html" },
  ];
}

export interface ServedResult extends LoadResult {
  page: string;
  path: string;
}

export interface Server {
  origin: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `node server/node.js` on `dataDir`, resolved once it listens. Background timers off: they are not what is measured. */
export async function startServer(dataDir: string): Promise<Server> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    SITE_URL: origin,
    DATA_DIR: dataDir,
    OUTBOX_POLL_SECONDS: "0",
    PAYMENTS_RECONCILE_SECONDS: "0",
    SUPABASE_URL: undefined,
    SUPABASE_ANON_KEY: undefined,
    SUPABASE_SERVICE_ROLE_KEY: undefined,
  };
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "server/node.js")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let text = "";
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-20_000);
  };
  child.stderr!.on("data", keep);
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (/listening on/.test(text)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`server/node.js exited (${code}) before listening:\n${text}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return;
    }
    await exited;
  };
  const timer = setTimeout(() => void stop(), 180_000);
  try {
    await listening;
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { origin, output: () => text, stop };
}

/** Signs in through the login form (app/routes/connexion/route.tsx) and answers the Cookie header to send. */
export async function signIn(origin: string): Promise<string> {
  const response = await fetch(`${origin}/connexion`, {
    method: "POST",
    redirect: "manual",
    // The Origin check of server/security.js: a form post from the portal's own pages.
    headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: DEMO_EMAIL, password: DEMO_PASSWORD, remember: "on", redirectTo: "/accueil" }),
  });
  await response.arrayBuffer();
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !/=$/.test(pair))
    .join("; ");
  if (response.status < 300 || response.status >= 400 || cookie === "") {
    throw new Error(`login as ${DEMO_EMAIL} failed: HTTP ${response.status}, no session cookie`);
  }
  const check = await fetch(`${origin}/accueil`, { headers: { Cookie: cookie }, redirect: "manual" });
  await check.arrayBuffer();
  if (check.status !== 200) throw new Error(`signed in, but /accueil answers HTTP ${check.status}`);
  return cookie;
}

export async function runServed(options: {
  origin: string;
  cookie: string;
  invoiceId: string;
  inFlight: number[];
  seconds: number;
  log: (line: string) => void;
}): Promise<ServedResult[]> {
  const headers = { Cookie: options.cookie, "Accept-Encoding": "gzip, br", Accept: "text/html,application/pdf,*/*" };
  const results: ServedResult[] = [];
  for (const page of servedPages(options.invoiceId)) {
    const probe = await fetch(options.origin + page.path, { headers, redirect: "manual" });
    await probe.arrayBuffer();
    const type = probe.headers.get("content-type") ?? "";
    if (probe.status !== 200 || !type.startsWith(page.contentType)) {
      throw new Error(`${page.path} answers HTTP ${probe.status} ${type} to the demo resident (expected 200 ${page.contentType})`);
    }
    for (const inFlight of options.inFlight) {
      options.log(`served: ${page.path} at ${inFlight} in flight for ${options.seconds} s`);
      const result = await closedLoop({ url: options.origin + page.path, headers, inFlight, seconds: options.seconds });
      results.push({ page: page.page, path: page.path, ...result });
    }
  }
  return results;
}
