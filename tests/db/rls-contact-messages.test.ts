import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.contact_messages", () => {
  tableRlsTests({
    table: "contact_messages",
    updateColumn: "body",
    getWorld: () => world,
    expected: (w) => ({ demo: [w.demo.messageId], other: [w.other.messageId] }),
  });
});
