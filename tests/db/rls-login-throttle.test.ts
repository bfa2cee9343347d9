import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.login_throttle", () => {
  tableRlsTests({
    table: "login_throttle",
    keySql: "key",
    updateColumn: "failures",
    getWorld: () => world,
    expected: null,
  });
});
