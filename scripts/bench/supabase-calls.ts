/**
 * Section c) of `npm run bench`: how many HTTP calls the Supabase adapter makes per page. The
 * production build's Remix handler (build/server/index.js through createRequestHandler, as
 * server/node.js uses it) runs with the environment selecting the Supabase adapters
 * (app/.server/env.ts, app/.server/backend.ts); the fake Supabase of ./fake-supabase.ts answers
 * from the benchmark database and records every call. Each page is requested once to warm up,
 * then once more, counted: the steady state of a signed-in resident.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/server-runtime";
import type { Database } from "../../app/.server/embedded/database";
import { ANON_KEY, AUTH_COOKIE, cookieValueFor, fakeSession, SERVICE_ROLE_KEY, SUPABASE_URL } from "../../tests/supabase/msw-supabase";
import { signed } from "../../tests/supabase/signing-keys";
import { createFakeSupabase, type SeenCall } from "./fake-supabase";
import { DEMO_INVOICE_NUMBER, type DemoResident } from "./raw";

const SITE = "https://factures.example.fr";

export interface CallCount {
  page: string;
  path: string;
  status: number;
  /** The page shows the demo resident's data (their name, the invoice number), or the PDF is one. */
  ok: boolean;
  auth: number;
  rest: number;
  storage: number;
  other: number;
  /** What was called, in order, e.g. "rest rpc/my_customers (authenticated)". */
  calls: string[];
}

/** The pages behind login, by the names of scripts/bench/pages.ts. */
export function supabasePages(invoiceId: string): Array<{ page: string; path: string; shows: string[] }> {
  const name = "Test SISTEC560"; // the demo customer's name, in the layout's header
  return [
    { page: "home", path: "/accueil", shows: [name] },
    { page: "list", path: "/factures", shows: [name, DEMO_INVOICE_NUMBER] },
    { page: "detail", path: `/factures/${invoiceId}`, shows: [name, DEMO_INVOICE_NUMBER] },
    { page: "pdf", path: `/factures/${invoiceId}/pdf`, shows: ["%PDF-"] },
    { page: "info", path: "/mes-informations", shows: [name] },
    { page: "contact", path: "/contact", shows: [name] },
    { page: "payment", path: "/paiement", shows: [name, DEMO_INVOICE_NUMBER] },
  ];
}

/**
 * The build and Remix's runtime are plain JavaScript for Node: imported by Node itself, as
 * server/node.js imports them, not through vite-node's transform (which cannot read outside the
 * project and would re-transform the whole bundle). vite-node hands data: URLs to Node's own
 * import(), and a module imported that way has Node's import() for absolute file URLs.
 */
const loader = "data:text/javascript," + encodeURIComponent("export default (url) => import(url);");
async function nativeImport(path: string): Promise<unknown> {
  const load = ((await import(/* @vite-ignore */ loader)) as { default: (url: string) => Promise<unknown> }).default;
  return load(pathToFileURL(path).href);
}

function describeCall(c: SeenCall): string {
  const path = c.path.replace(/^\/(rest|auth|storage)\/v1\//, "");
  return `${c.service} ${c.method} ${path} (${c.role}${c.status >= 400 ? `, HTTP ${c.status}` : ""})`;
}

export async function countSupabaseCalls(options: { db: Database; dataDir: string; demo: DemoResident; buildPath: string }): Promise<CallCount[]> {
  const { db, dataDir, demo } = options;
  // Read once by app/.server/env.ts, at the build's first request.
  Object.assign(process.env, {
    NODE_ENV: "production",
    SUPABASE_URL,
    SUPABASE_ANON_KEY: ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
    SITE_URL: SITE,
    OUTBOX_POLL_SECONDS: "0",
    PAYMENTS_RECONCILE_SECONDS: "0",
  });
  const fake = createFakeSupabase(db, dataDir);
  await fake.listen();
  try {
    const build = (await nativeImport(options.buildPath)) as ServerBuild;
    const runtime = createRequire(join(process.cwd(), "package.json")).resolve("@remix-run/server-runtime");
    const { createRequestHandler } = (await nativeImport(runtime)) as typeof import("@remix-run/server-runtime");
    const handle = createRequestHandler(build, "production");
    const cookie = `${AUTH_COOKIE}=${cookieValueFor(signed(fakeSession(demo.userId, demo.email, { sessionId: demo.sessionId }), fake.signingKey))}`;
    const get = async (path: string) => {
      const response = await handle(new Request(SITE + path, { headers: { Cookie: cookie, Accept: "text/html", "Accept-Encoding": "gzip, br" } }));
      return { status: response.status, text: Buffer.from(await response.arrayBuffer()).toString("latin1") };
    };
    const counts: CallCount[] = [];
    for (const { page, path, shows } of supabasePages(demo.invoiceId)) {
      await get(path);
      fake.seen.length = 0;
      const { status, text } = await get(path);
      const ok = status === 200 && shows.every((s) => text.includes(s));
      const seen = [...fake.seen];
      const n = (service: SeenCall["service"]) => seen.filter((c) => c.service === service).length;
      counts.push({ page, path, status, ok, auth: n("auth"), rest: n("rest"), storage: n("storage"), other: n("other"), calls: seen.map(describeCall) });
    }
    return counts;
  } finally {
    fake.close();
  }
}
