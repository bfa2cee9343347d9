import type { Rpc } from "../../app/.server/data/rpc";
import { StaffCommandError } from "./cli";
import { paymentsCommand } from "./payments";
import { statsCommand } from "./stats";

/**
 * The staff command groups of `npm run admin` that go through the service role's SQL functions
 * (./staff-rpc.ts), so they run on the embedded database and, with SUPABASE_SERVICE_ROLE_KEY,
 * on Supabase through PostgREST.
 */
export const STAFF_GROUPS: ReadonlySet<string> = new Set(["paiements", "stats"]);

export interface StaffRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `group action …args` and answers what to print and the exit code (1: a French error). */
export async function runStaffCommand(rpc: Rpc, argv: readonly string[]): Promise<StaffRun> {
  const [group, action, ...rest] = argv;
  try {
    const stdout = group === "stats" ? await statsCommand(rpc, argv.slice(1)) : await paymentsCommand(rpc, action, rest);
    return { code: 0, stdout, stderr: "" };
  } catch (error) {
    if (error instanceof StaffCommandError) return { code: 1, stdout: "", stderr: error.message };
    throw error;
  }
}

/** `npm run admin -- paiements … | stats …` (scripts/admin.ts). */
export async function staffCommand(rpc: Rpc, argv: readonly string[]): Promise<number> {
  const run = await runStaffCommand(rpc, argv);
  if (run.stdout) console.log(run.stdout);
  if (run.stderr) console.error(run.stderr);
  return run.code;
}
