import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.email_outbox", () => {
  tableRlsTests({
    table: "email_outbox",
    updateColumn: "status",
    getWorld: () => world,
    expected: null,
  });
});
