import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.payment_events", () => {
  tableRlsTests({
    table: "payment_events",
    updateColumn: "kind",
    getWorld: () => world,
    expected: null,
  });
});
