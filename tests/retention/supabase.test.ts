import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runPurge } from "~/.server/retention";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import { SERVICE_ROLE_KEY, SUPABASE_URL, pgrst202, testEnv } from "../supabase/msw-supabase";

/**
 * The retention purge with Supabase (app/.server/retention.ts over the service-role client):
 * one PostgREST call of public.purge_expired per batch, with the service role's key and the
 * run's fixed moment, against MSW (tests/supabase/msw-supabase.ts).
 */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const PERIODS = {
  login_throttle_days: 1,
  auth_links_days: 1,
  sent_mail_bodies_days: 90,
  contact_messages_months: 12,
  paper_optout_months: null,
  payment_records_months: 120,
};

function answer(deleted: Record<string, number>, more: boolean) {
  return { now: "2027-06-15T12:00:00+00:00", batch: 1000, dry_run: false, periods: PERIODS, deleted, unset: ["paper_optout_months"], more };
}

describe("purge_expired through PostgREST", () => {
  it("calls it with the service role, batch after batch at the first answer's moment, and sums the counts", async () => {
    const seen: { apikey: string | null; body: unknown }[] = [];
    const answers = [answer({ login_throttle: 1000, sent_mails: 3 }, true), answer({ login_throttle: 12, sent_mails: 0 }, false)];
    server.use(
      http.post(`${SUPABASE_URL}/rest/v1/rpc/purge_expired`, async ({ request }) => {
        seen.push({ apikey: request.headers.get("apikey"), body: await request.json() });
        return HttpResponse.json(answers.shift());
      }),
    );
    const backend = await createSupabaseBackend(testEnv());
    const summary = await runPurge(backend);
    expect(summary).toEqual({
      batches: 2,
      deleted: { login_throttle: 1012, sent_mails: 3 },
      unset: ["paper_optout_months"],
      more: false,
      dryRun: false,
    });
    expect(seen).toEqual([
      { apikey: SERVICE_ROLE_KEY, body: {} },
      { apikey: SERVICE_ROLE_KEY, body: { p_now: "2027-06-15T12:00:00.000Z" } },
    ]);
  });

  it("maps the periods and a dry run's arguments", async () => {
    const seen: unknown[] = [];
    server.use(
      http.post(`${SUPABASE_URL}/rest/v1/rpc/purge_expired`, async ({ request }) => {
        seen.push(await request.json());
        return HttpResponse.json({ ...answer({ login_throttle: 4 }, false), dry_run: true, batch: 10 });
      }),
    );
    const { retention } = await createSupabaseBackend(testEnv());
    const batch = await retention.purgeExpired({ dryRun: true, batch: 10, now: new Date("2027-01-01T00:00:00Z") });
    expect(seen).toEqual([{ p_now: "2027-01-01T00:00:00.000Z", p_batch: 10, p_dry_run: true }]);
    expect(batch.periods).toEqual({
      loginThrottleDays: 1,
      authLinksDays: 1,
      sentMailBodiesDays: 90,
      contactMessagesMonths: 12,
      paperOptoutMonths: null,
      paymentRecordsMonths: 120,
    });
    expect(batch).toMatchObject({ dryRun: true, batch: 10, now: new Date("2027-06-15T12:00:00Z") });
  });

  it("refuses an answer it cannot read, and reports a function missing from the schema", async () => {
    server.use(http.post(`${SUPABASE_URL}/rest/v1/rpc/purge_expired`, () => HttpResponse.json({ deleted: "beaucoup" })));
    const { retention } = await createSupabaseBackend(testEnv());
    await expect(retention.purgeExpired()).rejects.toThrow(/purge_expired/);
    server.use(http.post(`${SUPABASE_URL}/rest/v1/rpc/purge_expired`, () => HttpResponse.json(pgrst202("purge_expired"), { status: 404 })));
    await expect(retention.purgeExpired()).rejects.toThrow(/purge_expired/);
  });
});
