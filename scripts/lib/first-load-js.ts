/**
 * The JavaScript a browser downloads on the first load of each page of the production build
 * (`npm run bench:js`: scripts/first-load-js.ts).
 *
 * A page's first load, as Remix's <Scripts> emits it with lazy route discovery (no manifest
 * file is loaded): the client entry and its static imports, then, for every route the URL matches
 * (root, layouts, the page), its module and its static imports; each file counted once. Figures
 * come from the build's route manifest (build/client/assets/manifest-*.js), with each file
 * compressed here as scripts/precompress.js serves it (gzip level 9, brotli quality 11). The
 * inline scripts of the HTML (loader data, the partial manifest) are not counted: they depend on
 * the request. Resource routes (no default export, no page) are left out.
 *
 * Sizes and budgets are in KiB (1024 bytes), of gzip for the budget. Used by scripts/first-load-js.ts and
 * tests/server/first-load-js.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const DEFAULT_BUDGET_KIB = 90;

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; module: string; imports?: string[] };
type RemixManifest = { entry: { module: string; imports: string[] }; routes: Record<string, ManifestRoute> };

export type PageFirstLoad = {
  /** Route id, e.g. "routes/_espace.contact". */
  route: string;
  /** URL pattern, e.g. "/contact", "/factures/:id". */
  url: string;
  /** Files loaded, in load order (entry first). */
  files: string[];
  raw: number;
  gzip: number;
  brotli: number;
};

/** Reads the route manifest Remix writes for the browser (window.__remixManifest = {...}). */
export function readRemixManifest(clientDir: string): RemixManifest {
  const assets = join(clientDir, "assets");
  const name = existsSync(assets) ? readdirSync(assets).find((f) => /^manifest-[\w-]+\.js$/.test(f)) : undefined;
  if (!name) throw new Error(`no route manifest in ${assets}: run \`npm run build\` first`);
  const source = readFileSync(join(assets, name), "utf8");
  const json = source.replace(/^\s*window\.__remixManifest\s*=\s*/, "").replace(/;\s*$/, "");
  return JSON.parse(json) as RemixManifest;
}

/** The source file of a route id (app/root.tsx, app/routes/<name>/route.tsx or app/routes/<name>.tsx). */
function routeSource(appDir: string, id: string): string | undefined {
  const base = id === "root" ? [join(appDir, "root")] : [join(appDir, id, "route"), join(appDir, id)];
  for (const stem of base) {
    for (const ext of [".tsx", ".ts", ".jsx", ".js"]) if (existsSync(stem + ext)) return stem + ext;
  }
  return undefined;
}

/** A page is a route module with a default export (a component); the others are resource routes. */
function isPage(appDir: string, id: string): boolean {
  const file = routeSource(appDir, id);
  if (!file) return true; // Unknown source: count it rather than hide it.
  return /export\s+default\b|export\s*\{[^}]*\bas\s+default\b/.test(readFileSync(file, "utf8"));
}

function chain(manifest: RemixManifest, id: string): ManifestRoute[] {
  const routes: ManifestRoute[] = [];
  for (let route: ManifestRoute | undefined = manifest.routes[id]; route; route = route.parentId ? manifest.routes[route.parentId] : undefined) {
    routes.unshift(route);
  }
  return routes;
}

function urlOf(routes: ManifestRoute[]): string {
  const segments = routes.map((r) => r.path ?? "").filter((p) => p !== "");
  return "/" + segments.join("/");
}

/** First-load JavaScript of every page of the build in `clientDir`, biggest (gzip) first. */
export function firstLoadJs(clientDir: string, appDir = resolve(clientDir, "../../app")): PageFirstLoad[] {
  const manifest = readRemixManifest(clientDir);
  const sizes = new Map<string, { raw: number; gzip: number; brotli: number }>();
  const sizeOf = (file: string) => {
    let size = sizes.get(file);
    if (!size) {
      const bytes = readFileSync(join(clientDir, file));
      size = {
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
        brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      };
      sizes.set(file, size);
    }
    return size;
  };
  const pages: PageFirstLoad[] = [];
  for (const id of Object.keys(manifest.routes)) {
    if (id === "root" || !isPage(appDir, id)) continue;
    const routes = chain(manifest, id);
    const files = [manifest.entry.module, ...manifest.entry.imports, ...routes.flatMap((r) => [r.module, ...(r.imports ?? [])])];
    const unique = [...new Set(files)];
    const total = { raw: 0, gzip: 0, brotli: 0 };
    for (const file of unique) {
      const size = sizeOf(file);
      total.raw += size.raw;
      total.gzip += size.gzip;
      total.brotli += size.brotli;
    }
    pages.push({ route: id, url: urlOf(routes), files: unique, ...total });
  }
  // Layout routes with children are matched with a child, never alone: keep only leaves.
  const parents = new Set(Object.values(manifest.routes).map((r) => r.parentId));
  return pages.filter((p) => !parents.has(p.route) || manifest.routes[p.route]?.index).sort((a, b) => b.gzip - a.gzip);
}

/** 1024: the unit of the budget. */
export const KIB = 1024;
const kib = (bytes: number) => (bytes / KIB).toFixed(1);

export function formatTable(pages: PageFirstLoad[], budgetKib: number): string {
  const rows = pages.map((p) => [p.url, p.route.replace(/^routes\//, ""), String(p.files.length), kib(p.raw), kib(p.gzip), kib(p.brotli), p.gzip > budgetKib * KIB ? "OVER" : "ok"]);
  const header = ["page", "route", "files", "raw KiB", "gzip KiB", "brotli KiB", `≤ ${budgetKib} KiB gzip`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
