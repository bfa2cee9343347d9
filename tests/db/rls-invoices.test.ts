import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.invoices", () => {
  tableRlsTests({
    table: "invoices",
    updateColumn: "amount_cents",
    getWorld: () => world,
    expected: (w) => ({ demo: w.demo.invoiceIds, other: w.other.invoiceIds }),
  });
});
