import type { Env } from "../env";
import type { Backend, DataPort } from "../ports";
import { openDatabase, type Database } from "./database";

/**
 * The embedded default: PGlite in `${DATA_DIR}/pglite`, seeded on first start. The DataPort
 * mapping stays thin: every rule is in the SQL functions it calls.
 */
export async function createEmbeddedBackend(config: Env): Promise<Backend> {
  const db = await openDatabase({ dataDir: config.DATA_DIR, seed: true });
  return { kind: "embedded", data: createEmbeddedDataPort(db) };
}

export function createEmbeddedDataPort(db: Database): DataPort {
  return {
    async ping() {
      const { rows } = await db.asService((tx) =>
        tx.query<{ ok: boolean }>("select public.health_check() as ok"),
      );
      if (rows[0]?.ok !== true) throw new Error("health_check() did not answer true");
    },
    async portalPublicInfo() {
      const { rows } = await db.asAnon((tx) =>
        tx.query<{ portal_name: string }>("select portal_name from public.portal_public_info()"),
      );
      const row = rows[0];
      if (!row) throw new Error("portal_public_info() returned no row");
      return { portalName: row.portal_name };
    },
  };
}
