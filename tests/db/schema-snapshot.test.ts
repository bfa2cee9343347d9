/**
 * The schema as a whole, committed: tests/db/schema-snapshot.txt is the normalized catalog
 * (scripts/lib/schema-catalog.ts) of the database the bootstrap and the migrations build. With
 * append-only migrations the final definition of an object may sit in any of them; this file
 * shows it in one place, and its diff shows what a new migration really changes
 * (docs/decisions/0020-one-migration-per-domain-append-only.md).
 *
 * After a migration that changes the schema, this test fails until the snapshot is rewritten:
 *   npx vitest run tests/db/schema-snapshot.test.ts -u      then review and commit the diff.
 */
import { expect, test } from "vitest";
import { dumpCatalog } from "../../scripts/lib/schema-catalog";
import { testDatabase } from "../support/database";

test("the migrations build the schema of tests/db/schema-snapshot.txt", async () => {
  const db = await testDatabase();
  try {
    const catalog = await dumpCatalog(db.pg);
    expect(catalog).toContain("portal.invoices kind=r rls=t");
    await expect(catalog).toMatchFileSnapshot("./schema-snapshot.txt");
  } finally {
    await db.close();
  }
});
