import type { MetaFunction } from "@remix-run/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as aide from "~/routes/aide/route";
import * as plan from "~/routes/plan-du-site/route";
import { allPages, PUBLIC_PAGES, RESIDENT_PAGES } from "~/utils/site-map";
import { Browser, ORIGIN, startPortal, type Handler } from "../support/route-harness";
import { DEMO, loggedIn } from "../support/residents";

/**
 * /plan-du-site and /aide (public, one publicPage loader each), and the site map of
 * app/utils/site-map.ts: every path it lists is a real page that answers (a visitor: public pages
 * 200, the resident's pages a redirect to /connexion; the resident: 200), under the title the
 * page gives itself, and every page of app/routes/ is listed or left out for a stated reason.
 */

interface RouteModule {
  loader?: Handler;
  meta?: MetaFunction;
  default?: unknown;
}

const ROUTE_FILES = import.meta.glob<RouteModule>("../../app/routes/*/route.tsx");

/** The URL of a route folder (Remix flat routes), or null for a dynamic one. */
function folderPath(folder: string): string | null {
  if (folder.includes("$")) return null;
  const segments = folder
    .split(/\.(?![^[]*\])/)
    .filter((s) => !s.startsWith("_"))
    .map((s) => s.replace(/_$/, "").replace(/\[\.\]/g, "."));
  return `/${segments.join("/")}`;
}

const FOLDERS = Object.keys(ROUTE_FILES).map((file) => file.split("/").at(-2)!);

function folderOf(path: string): string | undefined {
  const pathname = new URL(path, ORIGIN).pathname;
  return FOLDERS.find((folder) => folderPath(folder) === pathname);
}

async function moduleOf(folder: string): Promise<RouteModule> {
  return ROUTE_FILES[`../../app/routes/${folder}/route.tsx`]!();
}

/** Built on other branches at the same time as the site map: checked here as soon as their folder exists. */
const BUILT_ELSEWHERE = new Set<string>();

/** Pages of app/routes/ the site map leaves out, and why. */
const NOT_LISTED: Record<string, string> = {
  $: "the 404 page",
  _espace: "the resident's layout, not a page",
  "_espace.factures_.$id": "one invoice, reached from « Mes factures »",
  "_espace.paiement_.confirmation": "a step of the payment journey",
  "_espace.paiement_.demarrer": "a step of the payment journey (the form posted to the provider)",
  "_espace.paiement_.retour": "the payment's result",
  "auth.confirm": "opened from an e-mail link",
  "nouveau-mot-de-passe": "opened from an e-mail link",
  desabonnement: "opened from a reminder e-mail's signed unsubscribe link",
  "dev.courriels": "the embedded default's local mailbox",
  "simulateur-dgfip.tpa.paiement[.]web": "the local DGFiP simulator",
  "simulateur-dgfip.tpa.paiementws[.]web": "the local DGFiP simulator",
};

const PUBLIC = allPages(PUBLIC_PAGES);
const RESIDENT = allPages(RESIDENT_PAGES);

// The seeded portal, and its demo resident signed in.
let db: Database | undefined;
let resident: Browser;
beforeAll(async () => {
  db = (await startPortal()).db;
  resident = await loggedIn(DEMO.email, DEMO.password);
});
afterAll(() => db?.close());

describe("/plan-du-site and /aide", () => {
  for (const [name, route, path] of [
    ["Plan du site", plan, "/plan-du-site"],
    ["Aide", aide, "/aide"],
  ] as const) {
    it(`${path} answers a visitor and a signed-in resident, and says which one it is`, async () => {
      const visitor = await new Browser().call(route.loader, path);
      expect(visitor.status).toBe(200);
      expect(visitor.data).toMatchObject({ portalName: "Le Portail des Factures", signedIn: false });
      const signedIn = await resident.call(route.loader, path);
      expect(signedIn.status).toBe(200);
      expect(signedIn.data).toMatchObject({ portalName: "Le Portail des Factures", signedIn: true });
    });

    it(`${path} is titled « ${name} — Le Portail des Factures »`, () => {
      const meta = route.meta({} as Parameters<typeof route.meta>[0]) as { title: string }[];
      expect(meta).toEqual([{ title: `${name} — Le Portail des Factures` }]);
    });
  }
});

describe("the site map (app/utils/site-map.ts)", () => {
  it("lists each path once", () => {
    const paths = [...PUBLIC, ...RESIDENT].map((p) => p.path);
    expect(paths.length).toBeGreaterThan(15);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("lists every page of app/routes/, or says why not", async () => {
    const listed = new Set([...PUBLIC, ...RESIDENT].map((p) => folderOf(p.path)));
    const missing: string[] = [];
    for (const folder of FOLDERS) {
      const mod = await moduleOf(folder);
      if (typeof mod.default === "function" && !listed.has(folder) && !(folder in NOT_LISTED)) missing.push(folder);
    }
    expect(missing).toEqual([]);
    expect(Object.keys(NOT_LISTED).filter((folder) => !FOLDERS.includes(folder)), "NOT_LISTED rows without a folder").toEqual([]);
  });

  for (const page of [...PUBLIC, ...RESIDENT]) {
    const afterLogin = RESIDENT.includes(page);
    it(`${page.path} « ${page.title} » ${afterLogin ? "sends a visitor to /connexion and answers the resident" : "answers a visitor"}`, async () => {
      const folder = folderOf(page.path);
      if (!folder) {
        expect(BUILT_ELSEWHERE.has(page.path), `${page.path} has no route folder`).toBe(true);
        return;
      }
      const mod = await moduleOf(folder);
      expect(mod.loader, `${folder} has a loader`).toBeTypeOf("function");
      const visitor = await new Browser().call(mod.loader!, page.path);
      if (afterLogin) {
        // Back to the page after login (the home page is where login leads anyway).
        expect(visitor).toRedirectTo(page.path === "/accueil" ? "/connexion" : `/connexion?redirectTo=${encodeURIComponent(page.path)}`, { status: 302 });
        expect((await resident.call(mod.loader!, page.path)).status).toBe(200);
      } else {
        expect(visitor.status).toBe(200);
      }
      // The page's own title (a tab's title also names the tab: its label is the page's title here).
      if (!page.path.includes("?")) {
        const meta = mod.meta!({ data: undefined, params: {}, matches: [], location: { pathname: page.path } } as unknown as Parameters<MetaFunction>[0]);
        expect(meta).toContainEqual({ title: expect.stringMatching(new RegExp(`(^| — )${escape(page.title)} — Le Portail des Factures$`)) });
      }
    });
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
