/**
 * `npm run bench:js -- [--budget 90] [--json] [--dir build/client]`: first-load JavaScript of
 * every page of the production build (run `npm run build` first), measured as
 * scripts/lib/first-load-js.ts explains. Prints a table, biggest first (or JSON with --json);
 * exits 1 when a page is over the budget (KiB of gzip, 1024 bytes).
 */
import { resolve } from "node:path";
import { DEFAULT_BUDGET_KIB, firstLoadJs, formatTable, KIB } from "./lib/first-load-js";

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const budget = Number(option("--budget") ?? DEFAULT_BUDGET_KIB);
const clientDir = resolve(option("--dir") ?? "build/client");
const pages = firstLoadJs(clientDir);
if (argv.includes("--json")) {
  console.log(JSON.stringify({ budgetKib: budget, pages }, null, 2));
} else {
  console.log(`First-load JavaScript per page (${clientDir}; KiB = 1024 bytes; gzip 9 / brotli 11 as served)\n`);
  console.log(formatTable(pages, budget));
}
const over = pages.filter((p) => p.gzip > budget * KIB);
if (over.length > 0) {
  console.error(`\n${over.length} page(s) over the ${budget} KiB gzip budget: ${over.map((p) => p.url).join(", ")}`);
  process.exitCode = 1;
}
