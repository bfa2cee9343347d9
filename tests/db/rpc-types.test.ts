/**
 * Rpc.call is typed by the generated schema (app/.server/data/rpc.ts, app/.server/data/db-types.ts):
 * the `@ts-expect-error` lines below are compiled by `npx tsc` and fail it the day a wrong name or
 * argument is accepted. The run-time test calls the embedded Rpc with what the types allow,
 * nulls included, on a real PGlite database.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import type { Json, RpcCallArgs, RpcCallParams, RpcReturns, RpcRow, WithNull } from "~/.server/data/db-types";
import { callJson, type Rpc } from "~/.server/data/rpc";
import type { Database } from "~/.server/embedded/database";
import { createEmbeddedRpc } from "~/.server/embedded/rpc";
import { createAuthUser, openAuthSession, testDatabase } from "../support/database";

// Compile-time checks (npx tsc) -------------------------------------------------------------------

export async function wrongCallsAreRefused(rpc: Rpc) {
  // @ts-expect-error: no such function in public
  await rpc.call("no_such_function");
  // @ts-expect-error: auth.uid() is not served by PostgREST
  await rpc.call("uid");
  // @ts-expect-error: invoice_page takes p_id, not id
  await rpc.call("invoice_page", { id: "1a000000-0000-4000-8000-000000000001" });
  // @ts-expect-error: p_id is required
  await rpc.call("invoice_page");
  // @ts-expect-error: p_id is required
  await rpc.call("invoice_page", {});
  // @ts-expect-error: p_limit is a number
  await rpc.call("invoices_page", { p_status: "unpaid", p_limit: "20" });
  // @ts-expect-error: p_status is one of the invoice statuses
  await rpc.call("invoices_page", { p_status: "late", p_limit: 20 });
  // @ts-expect-error: an unknown argument besides the right ones
  await rpc.call("invoices_page", { p_status: "unpaid", p_limit: 20, p_after: "x" });
  // @ts-expect-error: home_page takes no argument
  await rpc.call("home_page", { p_id: "x" });
  // @ts-expect-error: only the arguments listed in NullableArgs may be null (p_limit is not)
  await rpc.call("invoices_page", { p_status: "unpaid", p_limit: null });
  // @ts-expect-error: p_id of invoice_page may not be null
  await rpc.call("invoice_page", { p_id: null });

  // callJson (a jsonb answer, its shape named) checks the same way, and only takes jsonb functions.
  // @ts-expect-error: no such function
  await callJson<object>(rpc, "no_such_page");
  // @ts-expect-error: request_paper_optout answers rows, not jsonb
  await callJson<object>(rpc, "request_paper_optout");
  // @ts-expect-error: invoice_page takes p_id
  await callJson<object>(rpc, "invoice_page", { id: "x" });
  // @ts-expect-error: p_id is required
  await callJson<object>(rpc, "invoice_page");
  // @ts-expect-error: p_limit is a number
  await callJson<object>(rpc, "invoices_page", { p_status: "unpaid", p_limit: "20" });
  expectTypeOf(await callJson<{ frame: object }>(rpc, "invoice_page", { p_id: "x" })).toEqualTypeOf<{ frame: object }>();

  // What is allowed: no argument where there is none, null where SQL means something by it.
  expectTypeOf(await rpc.call("home_page")).toEqualTypeOf<Json>();
  expectTypeOf(await rpc.call("request_paper_optout")).toEqualTypeOf<RpcRow<"request_paper_optout">[]>();
  await rpc.call("invoices_page", { p_status: "paid", p_limit: 20, p_before_date: null, p_before_id: null });
  await rpc.call("payment_return_page", { p_attempt_id: null, p_idop: "idop-1" });
  await rpc.call("payment_return_page");
}

// The answer is the function's generated Returns; the argument types, nulls included.
expectTypeOf<RpcReturns<"home_page">>().toEqualTypeOf<Json>();
expectTypeOf<RpcReturns<"set_payment_idop">>().toEqualTypeOf<boolean>();
expectTypeOf<RpcCallParams<"home_page">>().toEqualTypeOf<[]>();
expectTypeOf<RpcCallParams<"my_payment_attempt">>().toEqualTypeOf<[args?: { p_attempt_id?: string | null; p_idop?: string | null }]>();
expectTypeOf<RpcCallArgs<"invoice_page">>().toEqualTypeOf<{ p_id: string }>();
expectTypeOf<RpcCallArgs<"invoices_page">["p_before_date"]>().toEqualTypeOf<string | null | undefined>();
expectTypeOf<RpcCallArgs<"invoices_page">["p_limit"]>().toEqualTypeOf<number>();
expectTypeOf<WithNull<RpcRow<"outbox_claim">, "reply_to">["reply_to"]>().toEqualTypeOf<string | null>();
expectTypeOf<WithNull<RpcRow<"outbox_claim">, "reply_to">["subject"]>().toEqualTypeOf<string>();

// At run time, on the embedded database ------------------------------------------------------------

describe("the embedded Rpc called as the types allow", () => {
  let db: Database;
  let rpc: Rpc;

  beforeAll(async () => {
    db = await testDatabase();
    const email = "types@exemple.fr";
    const userId = await createAuthUser(db, email);
    rpc = createEmbeddedRpc(db, { role: "authenticated", userId, email, sessionId: await openAuthSession(db, userId) });
  });
  afterAll(async () => {
    await db.close();
  });

  test("null cursor arguments are passed as SQL null: the first page, empty for a resident without customers", async () => {
    const page = await rpc.call("invoices_page", { p_status: "unpaid", p_limit: 20, p_before_date: null, p_before_id: null });
    expect(page).toMatchObject({ invoices: [], customer_count: 0 });
  });

  test("a function without arguments is called with none; rows come back as an array", async () => {
    expect(await rpc.call("request_paper_optout")).toEqual([]);
  });

  test("an argument given as undefined is not given, as in PostgREST's JSON (where it disappears)", async () => {
    const args = { p_id: undefined } as unknown as { p_id: string };
    await expect(rpc.call("invoice_page", args)).rejects.toThrow(/missing p_id/);
  });

  test("callJson: the page's JSON object; anything else is the adapter's answer error", async () => {
    expect(await callJson<{ frame: { portal_name: string } }>(rpc, "home_page")).toMatchObject({ frame: { portal_name: "Le Portail des Factures" } });
    const odd: Rpc = { call: async () => [] as never, answerError: (fn, problem) => new RangeError(`${fn} ${problem}`) };
    await expect(callJson(odd, "home_page")).rejects.toThrow(new RangeError("home_page answered [] instead of an object"));
  });
});
