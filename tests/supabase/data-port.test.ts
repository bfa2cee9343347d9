import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SupabaseAdapterError } from "~/.server/supabase/errors";
import { ANON_KEY, pgrst202, SERVICE_ROLE_KEY, SUPABASE_URL, testEnv } from "./msw-supabase";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const rpcUrl = (name: string) => `${SUPABASE_URL}/rest/v1/rpc/${name}`;

interface Seen {
  method: string;
  url: string;
  apikey: string | null;
  authorization: string | null;
  body: string;
}

async function record(request: Request): Promise<Seen> {
  return {
    method: request.method,
    url: request.url,
    apikey: request.headers.get("apikey"),
    authorization: request.headers.get("authorization"),
    body: await request.text(),
  };
}

describe("Supabase DataPort.portalPublicInfo", () => {
  it("calls POST /rest/v1/rpc/portal_public_info with the anon key and maps the row", async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(rpcUrl("portal_public_info"), async ({ request }) => {
        seen.push(await record(request));
        return HttpResponse.json([{ portal_name: "Le Portail des Factures" }]);
      }),
    );
    const backend = await createSupabaseBackend(testEnv());

    await expect(backend.data.portalPublicInfo()).resolves.toEqual({ portalName: "Le Portail des Factures" });

    expect(backend.kind).toBe("supabase");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: rpcUrl("portal_public_info"),
      apikey: ANON_KEY,
      authorization: `Bearer ${ANON_KEY}`,
    });
  });

  it("throws with the PostgREST code when the function does not exist (404 PGRST202)", async () => {
    server.use(http.post(rpcUrl("portal_public_info"), () => HttpResponse.json(pgrst202("portal_public_info"), { status: 404 })));
    const backend = await createSupabaseBackend(testEnv());

    const error = await backend.data.portalPublicInfo().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SupabaseAdapterError);
    expect(error).toMatchObject({ details: { operation: "rpc portal_public_info", code: "PGRST202", status: 404 } });
    expect((error as Error).message).toMatch(/portal_public_info failed \(HTTP 404 PGRST202\)/);
  });

  it("throws when Supabase refuses the key (401)", async () => {
    server.use(
      http.post(rpcUrl("portal_public_info"), () =>
        HttpResponse.json({ message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." }, { status: 401 }),
      ),
    );
    const backend = await createSupabaseBackend(testEnv());

    await expect(backend.data.portalPublicInfo()).rejects.toThrow(/HTTP 401.*Invalid API key/);
  });

  it("throws when the network fails", async () => {
    server.use(http.post(rpcUrl("portal_public_info"), () => HttpResponse.error()));
    const backend = await createSupabaseBackend(testEnv());

    const error = await backend.data.portalPublicInfo().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SupabaseAdapterError);
    expect((error as Error).message).toMatch(/portal_public_info failed \(network error\)/);
  });

  it("throws when the answer has no row", async () => {
    server.use(http.post(rpcUrl("portal_public_info"), () => HttpResponse.json([])));
    const backend = await createSupabaseBackend(testEnv());

    await expect(backend.data.portalPublicInfo()).rejects.toThrow(/without a portal_name row/);
  });
});

describe("Supabase DataPort.ping", () => {
  it("calls POST /rest/v1/rpc/health_check with the service-role key and resolves on true", async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(rpcUrl("health_check"), async ({ request }) => {
        seen.push(await record(request));
        return HttpResponse.json(true);
      }),
    );
    const backend = await createSupabaseBackend(testEnv());

    await expect(backend.data.ping()).resolves.toBeUndefined();

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: rpcUrl("health_check"),
      apikey: SERVICE_ROLE_KEY,
      authorization: `Bearer ${SERVICE_ROLE_KEY}`,
    });
  });

  it("throws when the role may not execute the function (401 42501)", async () => {
    server.use(
      http.post(rpcUrl("health_check"), () =>
        HttpResponse.json({ code: "42501", details: null, hint: null, message: "permission denied for function health_check" }, { status: 401 }),
      ),
    );
    const backend = await createSupabaseBackend(testEnv());

    await expect(backend.data.ping()).rejects.toThrow(/health_check failed \(HTTP 401 42501\): permission denied/);
  });

  it("throws when the database answers something else than true", async () => {
    server.use(http.post(rpcUrl("health_check"), () => HttpResponse.json(null)));
    const backend = await createSupabaseBackend(testEnv());

    await expect(backend.data.ping()).rejects.toThrow(/answered null instead of true/);
  });

  it("throws when the network fails", async () => {
    server.use(http.post(rpcUrl("health_check"), () => HttpResponse.error()));
    const backend = await createSupabaseBackend(testEnv());

    await expect(backend.data.ping()).rejects.toBeInstanceOf(SupabaseAdapterError);
  });
});

describe("createSupabaseBackend", () => {
  it("makes no request when it starts (onUnhandledRequest would fail the test)", async () => {
    await expect(createSupabaseBackend(testEnv())).resolves.toMatchObject({ kind: "supabase" });
  });

  it("refuses the embedded configuration", async () => {
    await expect(createSupabaseBackend(testEnv({ SUPABASE_URL: "", SUPABASE_ANON_KEY: "", SUPABASE_SERVICE_ROLE_KEY: "" }))).rejects.toThrow(
      /SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY are required/,
    );
  });
});
