/**
 * Query plans at scale for the service-role jobs (purge, reminders): a copy of the migrated and
 * seeded test database with PostgreSQL's auto_explain loaded (shipped with PGlite), filled by the
 * test's own `populate`, and a call whose every nested statement's plan is collected with its real
 * parameters (log_nested_statements, JSON notices), as tests/db/resident-reads-plan.test.ts reads
 * them. Figures are printed, never asserted.
 */
import { PGlite } from "@electric-sql/pglite";
import { auto_explain } from "@electric-sql/pglite/contrib/auto_explain";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { testDatabase } from "./database";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

/** The test database's copy with auto_explain available, filled by `populate` (its time printed). */
export async function planDatabase(label: string, populate: (pg: PGlite) => Promise<void>): Promise<PGlite> {
  const plain = await testDatabase();
  const big = await PGlite.create("memory://", { extensions: { pgcrypto, auto_explain }, loadDataDir: await plain.pg.dumpDataDir("none") });
  await plain.close();
  const started = performance.now();
  await populate(big);
  console.log(`${label}: ${Math.round(performance.now() - started)} ms to generate the rows`);
  return big;
}

function seqScans(node: PlanNode, watched: ReadonlySet<string>, out: string[] = []): string[] {
  if (node["Node Type"] === "Seq Scan" && node["Relation Name"] && watched.has(node["Relation Name"])) out.push(node["Relation Name"]);
  for (const child of node.Plans ?? []) seqScans(child, watched, out);
  return out;
}

/**
 * Runs `sql` (one row, column `r`) as service_role with auto_explain on: its answer, how many
 * statement plans were seen, and every sequential scan of a `watched` table, named with its query.
 */
export async function servicePlans<T>(
  big: PGlite,
  label: string,
  sql: string,
  params: unknown[],
  watched: ReadonlySet<string>,
): Promise<{ answer: T; count: number; problems: string[] }> {
  const settings = { log_min_duration: "0", log_nested_statements: "on", log_format: "json", log_level: "notice" };
  await big.exec(["load 'auto_explain'", ...Object.entries(settings).map(([name, value]) => `set auto_explain.${name} = ${value}`)].join(";\n"));
  const notices: string[] = [];
  const started = performance.now();
  let answer: T;
  try {
    answer = await big.transaction(async (tx) => {
      await tx.exec("set local role service_role");
      const { rows } = await tx.query<{ r: T }>(sql, params, { onNotice: (n) => notices.push(n.message ?? "") });
      return rows[0]!.r;
    });
  } finally {
    await big.exec("set auto_explain.log_min_duration = -1");
  }
  console.log(`${label}: ${sql} in ${Math.round(performance.now() - started)} ms with auto_explain on`, answer);
  const plans = notices
    .filter((m) => m.includes("plan:"))
    .map((m) => JSON.parse(m.slice(m.indexOf("{"))) as { "Query Text": string; Plan: PlanNode });
  const problems = plans.flatMap((p) => seqScans(p.Plan, watched).map((t) => `Seq Scan on ${t} in « ${p["Query Text"].replace(/\s+/g, " ").slice(0, 160)} »`));
  return { answer, count: plans.length, problems: [...new Set(problems)] };
}
