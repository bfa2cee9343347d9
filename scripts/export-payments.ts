/**
 * `npm run export:payments -- [options]`: the invoices settled online, for the billing software
 * (docs/export.md; options: `--help`). Supabase with the service-role key when SUPABASE_URL is
 * set, else the embedded database of DATA_DIR, with the portal stopped.
 */
import { env } from "../app/.server/env";
import { runExportCommand } from "./export/run";

process.exit(
  await runExportCommand("paiements", process.argv.slice(2), {
    env,
    stdout: (bytes) => process.stdout.write(bytes),
    stderr: (text) => process.stderr.write(text),
  }),
);
