import { afterAll, beforeAll, describe } from "vitest";
import { createWorld, tableRlsTests, type World } from "./helpers";
import { SEED } from "../support/database";

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.db.close();
});

describe("RLS on portal.payment_attempt_invoices", () => {
  tableRlsTests({
    table: "payment_attempt_invoices",
    keySql: "attempt_id::text || ':' || invoice_id::text",
    updateColumn: "amount_cents",
    getWorld: () => world,
    expected: (w) => ({
      demo: [`${w.demo.attemptId}:${SEED.invoice2059Id}`, ...SEED.demoPaymentAttempts.map((a) => `${a.id}:${a.invoiceId}`)],
      other: [`${w.other.attemptId}:${w.other.invoiceIds[0]}`],
    }),
  });
});
