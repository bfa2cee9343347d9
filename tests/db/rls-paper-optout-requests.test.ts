import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.paper_optout_requests", () => {
  tableRlsTests({
    table: "paper_optout_requests",
    updateColumn: "requested_at",
    getWorld: () => world,
    expected: (w) => ({ demo: [w.demo.optoutId], other: [w.other.optoutId] }),
  });
});
