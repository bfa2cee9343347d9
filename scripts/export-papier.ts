/**
 * `npm run export:papier -- [options]`: the paper opt-out requests, for the billing software to set
 * « papier : non » (docs/export.md; options: `--help`). Supabase with the service-role key when
 * SUPABASE_URL is set, else the embedded database of DATA_DIR, with the portal stopped.
 */
import { env } from "../app/.server/env";
import { runExportCommand } from "./export/run";

process.exit(
  await runExportCommand("papier", process.argv.slice(2), {
    env,
    stdout: (bytes) => process.stdout.write(bytes),
    stderr: (text) => process.stderr.write(text),
  }),
);
