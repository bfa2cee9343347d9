import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

/** The login throttle: service only. */
let world: World;
beforeAll(async () => {
  world = await createWorld();
  await world.db.asService((tx) =>
    tx.query(`insert into portal.login_throttle (key, failures) values ('pair:203.0.113.7 demo@demo.fr', 1)`),
  );
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
