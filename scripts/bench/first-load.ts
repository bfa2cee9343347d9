/**
 * Section d) of `npm run bench`: the JavaScript a browser loads for a page's first view, in KB
 * gzipped, for the benchmark's pages. The measure itself is scripts/lib/first-load-js.ts (the
 * one `npm run bench:js` and tests/server/first-load-js.test.ts use): entry and route chain
 * modules with their static imports, each file counted once, gzip level 9.
 */
import { join } from "node:path";
import { firstLoadJs as measure } from "../lib/first-load-js";

export interface FirstLoad {
  page: string;
  routeId: string;
  files: number;
  /** Bytes as built. */
  raw: number;
  /** Bytes gzipped (level 9). */
  gzip: number;
}

/** The pages' routes (app/routes/<folder>), by the names of scripts/bench/pages.ts; the login page too. */
export const FIRST_LOAD_ROUTES: Record<string, string> = {
  login: "routes/connexion",
  home: "routes/_espace.accueil",
  list: "routes/_espace.factures",
  detail: "routes/_espace.factures_.$id",
  info: "routes/_espace.mes-informations",
  contact: "routes/_espace.contact",
  payment: "routes/_espace.paiement",
};

export async function firstLoadJs(clientDir = join(process.cwd(), "build/client"), routes = FIRST_LOAD_ROUTES): Promise<FirstLoad[]> {
  const byRoute = new Map(measure(clientDir).map((p) => [p.route, p]));
  return Object.entries(routes).map(([page, routeId]) => {
    const p = byRoute.get(routeId);
    if (!p) throw new Error(`route ${routeId} is not a page of the build's manifest: run npm run build`);
    return { page, routeId, files: p.files.length, raw: p.raw, gzip: p.gzip };
  });
}
