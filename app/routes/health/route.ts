import { getBackend } from "~/.server/backend";

/** `/health`: 200 when the database answers, 503 otherwise. JSON, never cached. */
export async function loader() {
  const headers = { "Cache-Control": "no-store" };
  try {
    const backend = await getBackend();
    await backend.data.ping();
    return Response.json({ status: "ok", backend: backend.kind, database: "ok" }, { headers });
  } catch (error) {
    console.error("health check failed", error);
    return Response.json({ status: "error", database: "unreachable" }, { status: 503, headers });
  }
}
