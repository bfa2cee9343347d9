/**
 * Section d) of `npm run bench`: the JavaScript a browser loads for a page's first view, in KB
 * gzipped, from the production build's client files and Remix's manifest
 * (build/client/assets/manifest-*.js): the entry module and its imports, plus the module and
 * imports of every route from root down to the page's route (the modules the page's HTML
 * preloads). Each file counted once, gzipped at level 9 as scripts/precompress.js does. Not
 * counted: the inline scripts of the HTML (in the page's bytes of section b) and CSS.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

interface ManifestEntry {
  module: string;
  imports?: string[];
}

interface Manifest {
  /** The manifest's own URL (/assets/manifest-….js), which every page loads. */
  url: string;
  entry: ManifestEntry;
  routes: Record<string, ManifestEntry & { id: string; parentId?: string }>;
}

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

export async function readManifest(clientDir: string): Promise<Manifest> {
  const assets = join(clientDir, "assets");
  const name = (await readdir(assets)).find((f) => /^manifest-[\w-]+\.js$/.test(f));
  if (!name) throw new Error(`no Remix manifest in ${assets}: run npm run build`);
  const text = await readFile(join(assets, name), "utf8");
  const json = text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1);
  return { ...(JSON.parse(json) as Omit<Manifest, "url">), url: `/assets/${name}` };
}

/** The module URLs (/assets/…) a first view of `routeId` loads. */
export function firstLoadModules(manifest: Manifest, routeId: string): string[] {
  const chain: ManifestEntry[] = [];
  for (let id: string | undefined = routeId; id; ) {
    const route: (ManifestEntry & { parentId?: string }) | undefined = manifest.routes[id];
    if (!route) throw new Error(`route ${id} is not in the build's manifest`);
    chain.unshift(route);
    id = route.parentId;
  }
  const modules = new Set<string>([manifest.url]);
  for (const entry of [manifest.entry, ...chain]) {
    modules.add(entry.module);
    for (const m of entry.imports ?? []) modules.add(m);
  }
  return [...modules];
}

export async function firstLoadJs(clientDir = join(process.cwd(), "build/client"), routes = FIRST_LOAD_ROUTES): Promise<FirstLoad[]> {
  const manifest = await readManifest(clientDir);
  const sizes = new Map<string, { raw: number; gzip: number }>();
  const sizeOf = async (url: string) => {
    if (!sizes.has(url)) {
      const content = await readFile(join(clientDir, url.replace(/^\//, "")));
      sizes.set(url, { raw: content.length, gzip: gzipSync(content, { level: 9 }).length });
    }
    return sizes.get(url)!;
  };
  const results: FirstLoad[] = [];
  for (const [page, routeId] of Object.entries(routes)) {
    const modules = firstLoadModules(manifest, routeId);
    let raw = 0;
    let gzip = 0;
    for (const m of modules) {
      const s = await sizeOf(m);
      raw += s.raw;
      gzip += s.gzip;
    }
    results.push({ page, routeId, files: modules.length, raw, gzip });
  }
  return results;
}
