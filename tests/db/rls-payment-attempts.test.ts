import { afterAll, beforeAll, describe } from "vitest";
import { SEED } from "../support/database";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.payment_attempts", () => {
  tableRlsTests({
    table: "payment_attempts",
    updateColumn: "status",
    getWorld: () => world,
    expected: (w) => ({ demo: [w.demo.attemptId, ...SEED.demoPaymentAttempts.map((a) => a.id)], other: [w.other.attemptId] }),
  });
});
