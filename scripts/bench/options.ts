import { z } from "zod";

/** Command-line options of `npm run bench` (docs/benchmark.md). */
export interface BenchOptions {
  /** Seconds of load per served page and number in flight, and of calls per raw page. */
  seconds: number;
  /** Generated invoices loaded on top of the demo seed. */
  invoices: number;
  inFlight: number[];
  smoke: boolean;
  keepData: boolean;
  /** Also write every figure as JSON there (the smoke test reads it). */
  json?: string;
}

const Args = z
  .object({
    seconds: z.coerce.number().positive().max(600).optional(),
    invoices: z.coerce.number().int().min(1).max(2_000_000).optional(),
    "in-flight": z
      .string()
      .regex(/^\d+(,\d+)*$/, "--in-flight takes numbers separated by commas, e.g. 1,20,50")
      .transform((v) => v.split(",").map(Number))
      .pipe(z.array(z.number().int().min(1).max(1000)))
      .optional(),
    smoke: z.boolean().default(false),
    "keep-data": z.boolean().default(false),
    json: z.string().min(1).optional(),
  })
  .strict();

const FLAGS = new Set(["smoke", "keep-data"]);

export function parseOptions(argv: string[]): BenchOptions {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument ${JSON.stringify(arg)} (see docs/benchmark.md)`);
    const name = match[1]!;
    if (FLAGS.has(name)) raw[name] = true;
    else {
      const value = match[2] ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      raw[name] = value;
    }
  }
  const parsed = Args.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.length ? `--${i.path.join(".")}: ` : ""}${i.message}`).join("; "));
  const a = parsed.data;
  return {
    smoke: a.smoke,
    keepData: a["keep-data"],
    seconds: a.seconds ?? (a.smoke ? 0.25 : 10),
    invoices: a.invoices ?? (a.smoke ? 200 : 100_000),
    inFlight: a["in-flight"] ?? [1, 20, 50],
    json: a.json,
  };
}
