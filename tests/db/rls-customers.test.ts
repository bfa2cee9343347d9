import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.customers", () => {
  tableRlsTests({
    table: "customers",
    updateColumn: "display_name",
    getWorld: () => world,
    expected: (w) => ({ demo: [w.demo.customerId], other: [w.other.customerId] }),
  });
});
