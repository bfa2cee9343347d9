import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { createAuthUser, testDatabase } from "../support/database";
import { ACTIVITY_EXPECTED, activityFixture } from "./fixture";

/**
 * The activity figures on a real PGlite (public.staff_monthly_activity and the view
 * portal.staff_monthly_activity, supabase/migrations/20261206090100_staff_payments_stats.sql),
 * on a small fixture with known counts per month and service (tests/staff-payments/fixture.ts).
 */
let db: Database;
beforeAll(async () => {
  db = await testDatabase();
  await activityFixture(db);
});
afterAll(async () => {
  await db?.close();
});

interface Row {
  month: string;
  numcli: string | null;
  service_name: string;
  accounts_activated: number;
  customers: number;
  customers_with_account: number;
  paper_optouts: number;
  payments_count: number;
  payments_cents: number;
  emails_sent: number | null;
  emails_failed: number | null;
}

async function activity(sql: string, params: unknown[] = []) {
  const { rows } = await db.asService((tx) => tx.query<Row>(sql, params));
  return rows.map((r) => [
    r.month,
    r.numcli,
    ...[r.accounts_activated, r.customers, r.customers_with_account, r.paper_optouts, r.payments_count, r.payments_cents].map(Number),
    r.emails_sent === null ? null : Number(r.emails_sent),
    r.emails_failed === null ? null : Number(r.emails_failed),
  ]);
}

const in2025 = (rows: unknown[][]) => rows.filter((r) => String(r[0]).startsWith("2025-"));
const monthText = "to_char(month, 'YYYY-MM-DD') as month, numcli, service_name, accounts_activated, customers, customers_with_account, paper_optouts, payments_count, payments_cents, emails_sent, emails_failed";

describe("per service and month", () => {
  test("every month (the view and the function without a month): the known figures, months in Paris time", async () => {
    const fromView = in2025(await activity(`select ${monthText} from portal.staff_monthly_activity`));
    expect(fromView).toEqual(ACTIVITY_EXPECTED.map((r) => [...r]));
    expect(in2025(await activity(`select ${monthText} from public.staff_monthly_activity()`))).toEqual(fromView);
  });

  test("one month: every service listed, zero or not, and the portal's e-mails on « Ensemble »", async () => {
    const rows = await activity(`select ${monthText} from public.staff_monthly_activity('2025-09-17', null)`);
    expect(rows).toEqual([
      ["2025-09-01", "004200", 3, 5, 2, 1, 2, 3500, null, null],
      ["2025-09-01", "004281", 0, 2, 0, 0, 0, 0, null, null],
      ["2025-09-01", "004282", 0, 0, 0, 0, 0, 0, null, null],
      ["2025-09-01", null, 3, 7, 2, 1, 2, 3500, 3, 1],
    ]);
    const names = await db.asService((tx) => tx.query<{ service_name: string }>("select service_name from public.staff_monthly_activity('2025-09-01', null)"));
    expect(names.rows.at(-1)!.service_name).toBe("Ensemble");
  });

  test("one service and one month", async () => {
    expect(await activity(`select ${monthText} from public.staff_monthly_activity('2025-10-01', '004281')`)).toEqual([
      ["2025-10-01", "004281", 1, 2, 1, 1, 1, 4000, null, null],
      ["2025-10-01", null, 1, 2, 1, 1, 1, 4000, 2, 0],
    ]);
  });

  test("a month without anything: zeros", async () => {
    const rows = await activity(`select ${monthText} from public.staff_monthly_activity('2020-01-01', '004200')`);
    expect(rows).toEqual([
      ["2020-01-01", "004200", 0, 0, 0, 0, 0, 0, null, null],
      ["2020-01-01", null, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
  });
});

describe("customers.linked_at: the first link to an account", () => {
  test("set when a customer is linked, kept when the account is closed and when it is linked again", async () => {
    const { rows } = await db.pg.query<{ id: string }>(
      "insert into portal.customers (service_id, customer_number, display_name, email) select id, 'LINK1', 'Famille Lien', 'lien@exemple.fr' from portal.services where numcli = '004200' returning id",
    );
    const id = rows[0]!.id;
    const linkedAt = async () => (await db.pg.query<{ at: Date | null }>("select linked_at as at from portal.customers where id = $1", [id])).rows[0]!.at;
    expect(await linkedAt()).toBeNull();
    const first = await createAuthUser(db, "lien@exemple.fr");
    await db.pg.query("update portal.customers set account_id = $2 where id = $1", [id, first]);
    const at = await linkedAt();
    expect(at).toBeInstanceOf(Date);
    await db.pg.query("update portal.customers set account_id = null where id = $1", [id]);
    expect(await linkedAt()).toEqual(at);
    await db.pg.query("update portal.customers set linked_at = linked_at - interval '1 day', account_id = $2 where id = $1", [id, first]);
    expect((await linkedAt())!.getTime()).toBe(at!.getTime() - 86_400_000);
  });
});
