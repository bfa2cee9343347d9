import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "~/.server/backend";
import type { Database } from "~/.server/embedded/database";
import { parseEnv } from "~/.server/env";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import * as mailbox from "~/routes/dev.courriels/route";
import * as tipiPage from "~/routes/simulateur-dgfip.tpa.paiement[.]web/route";
import * as payfipPage from "~/routes/simulateur-dgfip.tpa.paiementws[.]web/route";
import * as soap from "~/routes/simulateur-dgfip.tpa.services.securite/route";
import { startPortal } from "../support/route-harness";

/**
 * /dev/courriels (every activation and recovery link) and the DGFiP simulator exist in the
 * embedded default only: with Supabase (production) each of them is a 404, before any work.
 */
const pages = [
  { name: "/dev/courriels", run: (request: Request) => mailbox.loader({ request, params: {}, context: {} }) },
  { name: "TIPI page (GET)", run: (request: Request) => tipiPage.loader({ request, params: {}, context: {} }) },
  { name: "TIPI page (POST)", run: (request: Request) => tipiPage.action({ request, params: {}, context: {} }) },
  { name: "PayFiP page (GET)", run: (request: Request) => payfipPage.loader({ request, params: {}, context: {} }) },
  { name: "PayFiP page (POST)", run: (request: Request) => payfipPage.action({ request, params: {}, context: {} }) },
  { name: "SOAP endpoint (GET)", run: (request: Request) => soap.loader({ request, params: {}, context: {} }) },
  { name: "SOAP endpoint (POST)", run: (request: Request) => soap.action({ request, params: {}, context: {} }) },
];

async function statusOf(run: (request: Request) => Promise<unknown>, method: string): Promise<number> {
  const request = new Request("https://factures.exemple.fr/x?idop=abc", method === "POST" ? { method, body: "a=b", headers: { "content-type": "application/x-www-form-urlencoded" } } : {});
  try {
    const result = await run(request);
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

describe("with Supabase (production)", () => {
  // No request may leave: the pages must answer 404 without asking Supabase anything.
  const server = setupServer();
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: "error" });
    const config = parseEnv({
      NODE_ENV: "production",
      SITE_URL: "https://factures.exemple.fr",
      SUPABASE_URL: "https://projet.supabase.co",
      SUPABASE_ANON_KEY: "anon-key",
      SUPABASE_SERVICE_ROLE_KEY: "service-role-key",
    });
    useBackend(await createSupabaseBackend(config));
  });
  afterAll(() => server.close());

  for (const page of pages) {
    it(`${page.name} is a 404`, async () => {
      expect(await statusOf(page.run, page.name.includes("POST") ? "POST" : "GET")).toBe(404);
    });
  }
});

describe("in the embedded default", () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await startPortal());
  });
  afterAll(async () => {
    await db?.close();
  });

  it("/dev/courriels is served (the same test fails if the pages were simply removed)", async () => {
    expect(await statusOf(pages[0]!.run, "GET")).toBe(200);
  });
});
