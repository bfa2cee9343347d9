import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
  await world.db.asService((tx) => tx.query(`insert into portal.contact_throttle (key, hits) values ('ip:203.0.113.7', 1)`));
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.contact_throttle", () => {
  tableRlsTests({ table: "contact_throttle", keySql: "key", updateColumn: "hits", getWorld: () => world, expected: null });
});
