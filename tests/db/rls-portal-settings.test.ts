import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.portal_settings", () => {
  tableRlsTests({
    table: "portal_settings",
    updateColumn: "announcement",
    getWorld: () => world,
    expected: () => ({ demo: ["true"], other: ["true"] }),
  });
});
