import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.services", () => {
  tableRlsTests({
    table: "services",
    updateColumn: "name",
    getWorld: () => world,
    expected: (w) => ({ demo: [w.demo.serviceId], other: [w.other.serviceId] }),
  });
});
