/**
 * A fake Supabase for section c) of `npm run bench`, served by MSW inside the bench process: it
 * counts every HTTP call the Supabase adapter makes (Auth, PostgREST, Storage) and answers from
 * the benchmark's real embedded database, as Supabase would:
 *
 * - PostgREST `POST /rest/v1/rpc/<fn>`: runs `public.<fn>(name => value, …)` on PGlite in one
 *   transaction with the caller's role and claims (Database.run, the way PostgREST does), and
 *   answers rows or the bare value by the function's declared result (set, composite, scalar).
 *   Any function works, today's or future ones, without a handler per function.
 * - Storage `GET /storage/v1/object/<bucket>/<key>`: the object's row read through the
 *   storage.objects policy as the caller, then the file from `${DATA_DIR}/storage/<bucket>/<key>`.
 *   The embedded adapter never writes storage.objects, so `listen()` first gives the bucket
 *   `invoices` one row per invoice PDF, as the Supabase project's bucket has.
 * - Auth (GoTrue): the project has an asymmetric signing key (ES256, as docs/supabase.md asks):
 *   the JWKS publishes it, `POST /token` answers a fresh session signed with it, `GET /user`
 *   answers the token's user (tests/supabase/msw-supabase.ts fakes); anything else 501 (still
 *   counted). `signingKey` signs the sessions the bench puts in its cookies.
 *
 * The fake believes the tokens it gets (the adapter is what verifies them). It measures how many
 * calls a page costs, not Supabase's speed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Database } from "../../app/.server/embedded/database";
import type { Caller } from "../../app/.server/ports/accounts";
import { ANON_KEY, fakeSession, fakeUser, SERVICE_ROLE_KEY, SUPABASE_URL } from "../../tests/supabase/msw-supabase";
import { es256Key, signed } from "../../tests/supabase/signing-keys";

export type SupabaseService = "auth" | "rest" | "storage" | "other";

export interface SeenCall {
  service: SupabaseService;
  method: string;
  /** Path without the project URL, e.g. /rest/v1/rpc/my_invoices. */
  path: string;
  role: Caller["role"];
  status: number;
}

interface Shape {
  set: boolean;
  composite: boolean;
}

function serviceOf(path: string): SupabaseService {
  if (path.startsWith("/auth/v1/")) return "auth";
  if (path.startsWith("/rest/v1/")) return "rest";
  if (path.startsWith("/storage/v1/")) return "storage";
  return "other";
}

function claimsOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The caller PostgREST or Storage would see: the apikey's role, or the user of the bearer token. */
function callerOf(request: Request): Caller {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "") || (request.headers.get("apikey") ?? "");
  if (token === SERVICE_ROLE_KEY) return { role: "service_role" };
  if (token === ANON_KEY || token === "") return { role: "anon" };
  const claims = claimsOf(token);
  if (claims.role !== "authenticated" || typeof claims.sub !== "string") return { role: "anon" };
  return {
    role: "authenticated",
    userId: claims.sub,
    email: typeof claims.email === "string" ? claims.email : "",
    ...(typeof claims.session_id === "string" ? { sessionId: claims.session_id } : {}),
  };
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function postgrestError(error: unknown): Response {
  const e = error as { code?: string; message?: string; detail?: string; hint?: string };
  const status = e.code === "42501" ? 401 : e.code === "P0002" ? 404 : 400;
  return HttpResponse.json({ code: e.code ?? "XX000", message: e.message ?? String(error), details: e.detail ?? null, hint: e.hint ?? null }, { status });
}

export function createFakeSupabase(db: Database, dataDir: string) {
  const seen: SeenCall[] = [];
  const shapes = new Map<string, Shape | null>();
  const signingKey = es256Key();

  async function shapeOf(fn: string): Promise<Shape | null> {
    if (!shapes.has(fn)) {
      // `returns table (one_column …)` has that column's type as prorettype: its columns are
      // told by the argument modes (t = table column, o = out), as PostgREST reads them.
      const { rows } = await db.pg.query<{ proretset: boolean; typtype: string; columns: boolean }>(
        `select p.proretset, t.typtype, coalesce(p.proargmodes::text[] && array['t', 'o'], false) as columns
           from pg_proc p join pg_type t on t.oid = p.prorettype
          where p.pronamespace = 'public'::regnamespace and p.proname = $1 limit 1`,
        [fn],
      );
      const row = rows[0];
      shapes.set(fn, row ? { set: row.proretset, composite: row.columns || row.typtype === "c" || row.typtype === "p" } : null);
    }
    return shapes.get(fn)!;
  }

  async function rpc(request: Request, fn: string): Promise<Response> {
    const shape = IDENT.test(fn) ? await shapeOf(fn) : null;
    if (!shape) {
      return HttpResponse.json({ code: "PGRST202", message: `Could not find the function public.${fn} in the schema cache`, details: null, hint: null }, { status: 404 });
    }
    let args: Record<string, unknown> = {};
    if (request.method === "GET") args = Object.fromEntries(new URL(request.url).searchParams);
    else {
      const text = await request.text();
      args = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    }
    const names = Object.keys(args);
    if (!names.every((n) => IDENT.test(n))) return HttpResponse.json({ code: "PGRST100", message: "bad argument name" }, { status: 400 });
    const params = names.map((n) => {
      const v = args[n];
      return v !== null && typeof v === "object" && !Array.isArray(v) ? JSON.stringify(v) : v;
    });
    const call = `public.${fn}(${names.map((n, i) => `${n} => $${i + 1}`).join(", ")})`;
    // The JSON is PostgreSQL's, as PostgREST's is (dates "YYYY-MM-DD", bigint as numbers…).
    const rows = shape.composite ? `(select * from ${call}) _r` : `(select ${call} as v) _r`;
    const item = shape.composite ? "_r" : "_r.v";
    const sql = shape.set ? `select coalesce(json_agg(${item}), '[]'::json) as body from ${rows}` : `select to_json(${item}) as body from ${rows}`;
    try {
      const result = await db.run(callerOf(request), (tx) => tx.query<{ body: unknown }>(sql, params));
      const body = result.rows[0]?.body ?? null;
      const single = (request.headers.get("accept") ?? "").includes("vnd.pgrst.object");
      return HttpResponse.json((single && Array.isArray(body) ? (body[0] ?? null) : body) as never);
    } catch (error) {
      return postgrestError(error);
    }
  }

  async function storageObject(request: Request, bucket: string, key: string): Promise<Response> {
    const notFound = () => HttpResponse.json({ statusCode: "404", error: "not_found", message: "Object not found" }, { status: 400 });
    const { rows } = await db.run(callerOf(request), (tx) =>
      tx.query("select name from storage.objects where bucket_id = $1 and name = $2", [bucket, key]),
    );
    if (rows.length === 0 || key.split("/").includes("..")) return notFound();
    try {
      const body = await readFile(join(dataDir, "storage", bucket, key));
      return new HttpResponse(body, { headers: { "Content-Type": "application/pdf", "Content-Length": String(body.length) } });
    } catch {
      return notFound();
    }
  }

  function auth(request: Request, path: string): Response {
    const token = (request.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
    const claims = claimsOf(token);
    if (path === "/auth/v1/user" && request.method === "GET" && typeof claims.sub === "string") {
      return HttpResponse.json(fakeUser(claims.sub, String(claims.email ?? "")));
    }
    if (path.endsWith("/.well-known/jwks.json")) return HttpResponse.json({ keys: [signingKey.jwk] });
    if (path === "/auth/v1/token" && typeof claims.sub === "string") {
      return HttpResponse.json(signed(fakeSession(claims.sub, String(claims.email ?? "")), signingKey));
    }
    if (path === "/auth/v1/logout") return new HttpResponse(null, { status: 204 });
    return HttpResponse.json({ code: "not_implemented", message: `the benchmark's fake GoTrue does not answer ${request.method} ${path}` }, { status: 501 });
  }

  const handler = http.all(`${SUPABASE_URL}/*`, async ({ request }) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    const service = serviceOf(path);
    let response: Response;
    const rpcMatch = /^\/rest\/v1\/rpc\/([^/]+)$/.exec(path);
    const objectMatch = /^\/storage\/v1\/object\/(?:authenticated\/)?([^/]+)\/(.+)$/.exec(path);
    if (service === "auth") response = auth(request, path);
    else if (rpcMatch && (request.method === "POST" || request.method === "GET")) response = await rpc(request.clone(), rpcMatch[1]!);
    else if (objectMatch && request.method === "GET") response = await storageObject(request, objectMatch[1]!, objectMatch[2]!);
    else response = HttpResponse.json({ message: `the benchmark's fake Supabase does not answer ${request.method} ${path}` }, { status: 501 });
    seen.push({ service, method: request.method, path, role: callerOf(request).role, status: response.status });
    return response;
  });

  const server = setupServer(handler);
  return {
    seen,
    signingKey,
    /** Intercepts fetch to the fake project from now on; anything else in the process still reaches the network. */
    listen: async () => {
      await db.pg.exec(`
        insert into storage.buckets (id, name) values ('invoices', 'invoices') on conflict do nothing;
        insert into storage.objects (bucket_id, name, metadata)
        select 'invoices', pdf_object_key, '{"mimetype": "application/pdf"}' from portal.invoices where pdf_object_key is not null
        on conflict do nothing;`);
      server.listen({ onUnhandledRequest: "bypass" });
    },
    close: () => server.close(),
  };
}
