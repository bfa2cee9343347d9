import { z } from "zod";
import { parseSourceList } from "./payment/trust";

/**
 * The only module that reads the process environment. Everything else imports `env()`.
 * Validated once, on first use, with French-free technical messages (maintainers read them).
 */
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url().optional());

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** A cron endpoint's bearer secret: unset or empty turns the endpoint off; else 32 characters at least. */
const cronSecret = (name: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(z.string().min(32, `${name} must be at least 32 characters`).optional())
    .optional();

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    /**
     * Public origin of the portal (e.g. https://factures.example.fr): e-mail links, payment return
     * URLs, the Origin check, Secure cookies. Required with Supabase; the embedded default uses
     * the address it listens on (http://localhost:$PORT by default). Never taken from a request (Host and forwarded headers are forgeable).
     */
    SITE_URL: optionalUrl.optional(),
    /** Where the server listens (server/node.js, server/deno.js): the embedded default's own origin without SITE_URL. */
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: optionalString,
    /** Folder of the embedded default (PGlite data, invoice PDFs, throttle state). */
    DATA_DIR: z.string().trim().min(1).default(".data"),
    /** Minimum password length (CNIL 2022 with throttling: 8 is the floor we accept). */
    PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(8),
    SUPABASE_URL: optionalUrl.optional(),
    SUPABASE_ANON_KEY: optionalString,
    SUPABASE_SERVICE_ROLE_KEY: optionalString,
    /** Postmark "Server API token" (server → API Tokens). Unset: e-mails stay in the outbox (embedded: captured locally). */
    POSTMARK_SERVER_TOKEN: optionalString,
    /** Postmark message stream for these transactional e-mails. */
    POSTMARK_MESSAGE_STREAM: z.string().trim().min(1).default("outbound"),
    /** From header, a confirmed Postmark sender signature or an address of a verified domain. */
    MAIL_FROM: optionalString,
    /** Bearer secret of POST /taches/envoi-courriels (the cron's call). Unset: the endpoint is off. */
    OUTBOX_CRON_SECRET: cronSecret("OUTBOX_CRON_SECRET"),
    /** In-process sender timer, in seconds (0: off). Default 30 in the embedded default, 0 with Supabase (cron). */
    OUTBOX_POLL_SECONDS: z.coerce.number().int().min(0).max(3600).optional(),
    /**
     * In-process retention purge timer, in seconds (0: off). Default 86400 (daily) in the embedded
     * default, 0 with Supabase (a cron calls POST /taches/purge). docs/decisions/0031-retention-purge.md.
     */
    RETENTION_PURGE_SECONDS: z.coerce.number().int().min(0).max(604800).optional(),
    /** Bearer secret of POST /taches/purge (the cron's call). Unset: the endpoint is off. */
    RETENTION_CRON_SECRET: cronSecret("RETENTION_CRON_SECRET"),
    /**
     * Postmark broadcast stream's ID for reminder e-mails (docs/mail.md). Unset: reminders stay
     * pending in the outbox — never sent on the transactional stream.
     */
    POSTMARK_BROADCAST_STREAM: optionalString,
    /**
     * Key of the signed unsubscribe links of reminder e-mails (≥ 32 characters). Required for
     * reminders with Supabase; the embedded default derives one from its database's own signing
     * key when unset (docs/decisions/0039-email-reminders.md).
     */
    MAIL_LINK_SECRET: cronSecret("MAIL_LINK_SECRET"),
    /** In-process reminder job timer, in seconds (0: off). Default 3600 in the embedded default, 0 with Supabase (a cron calls POST /taches/rappels). */
    REMINDER_JOB_SECONDS: z.coerce.number().int().min(0).max(604800).optional(),
    /** Bearer secret of POST /taches/rappels (the cron's call). Unset: the endpoint is off. */
    REMINDERS_CRON_SECRET: cronSecret("REMINDERS_CRON_SECRET"),
    /** PayFiP SOAP endpoint. Default: the local simulator (embedded), DGFiP's production URL (Supabase). */
    PAYFIP_WS_URL: optionalUrl.optional(),
    /** PayFiP payment page (the browser goes to `<url>?idop=…`). Same defaults. */
    PAYFIP_PAYMENT_URL: optionalUrl.optional(),
    /** Classic TIPI payment page (`paiement.web`, the form posts there). Same defaults. */
    TIPI_PAYMENT_URL: optionalUrl.optional(),
    /** Bearer secret of POST /taches/rapprochement-paiements (the cron's call). Unset: the endpoint is off. */
    PAYMENTS_CRON_SECRET: cronSecret("PAYMENTS_CRON_SECRET"),
    /** In-process reconciliation timer, in seconds (0: off). Default 60 in the embedded default, 0 with Supabase (cron). */
    PAYMENTS_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(86400).optional(),
    /**
     * Addresses classic TIPI results are believed from (DGFiP's servers): comma-separated IPs or
     * CIDR ranges, IPv4 or IPv6, or `none`. Default: the loopback in the embedded default (its
     * simulator posts from there), none with Supabase. A "paid" from elsewhere is only reported.
     */
    TIPI_TRUSTED_SOURCES: optionalString,
  })
  .superRefine((value, ctx) => {
    const supabaseVars = [value.SUPABASE_URL, value.SUPABASE_ANON_KEY, value.SUPABASE_SERVICE_ROLE_KEY];
    const set = supabaseVars.filter(Boolean).length;
    if (set !== 0 && set !== supabaseVars.length) {
      ctx.addIssue({
        code: "custom",
        message: "SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY must be set together (or none of them for the embedded default).",
        path: ["SUPABASE_URL"],
      });
    }
    if (value.SUPABASE_URL && !value.SITE_URL) {
      ctx.addIssue({
        code: "custom",
        message:
          "SITE_URL is required with Supabase: the portal's public origin (e.g. https://factures.example.fr), used in e-mail links and payment return URLs.",
        path: ["SITE_URL"],
      });
    }
    if (value.SITE_URL && !/^https?:$/.test(new URL(value.SITE_URL).protocol)) {
      ctx.addIssue({ code: "custom", message: "SITE_URL must be an http(s) origin.", path: ["SITE_URL"] });
    }
    if (value.TIPI_TRUSTED_SOURCES && value.TIPI_TRUSTED_SOURCES.toLowerCase() !== "none") {
      const { invalid } = parseSourceList(value.TIPI_TRUSTED_SOURCES);
      if (invalid.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `TIPI_TRUSTED_SOURCES: not an IP address or CIDR range: ${invalid.map((e) => JSON.stringify(e)).join(", ")} (comma-separated, e.g. 192.0.2.0/24, 2001:db8::/32, or none).`,
          path: ["TIPI_TRUSTED_SOURCES"],
        });
      }
    }
    if (value.POSTMARK_SERVER_TOKEN && !value.MAIL_FROM) {
      ctx.addIssue({ code: "custom", message: "MAIL_FROM is required with POSTMARK_SERVER_TOKEN.", path: ["MAIL_FROM"] });
    }
  });

export type Env = z.infer<typeof EnvSchema> & {
  backend: "embedded" | "supabase";
  /**
   * The portal's public origin, from configuration only: SITE_URL's origin, else (embedded
   * default) the address it listens on (http://localhost:$PORT by default). E-mail links and every URL the server builds or calls for
   * itself start here — never from the request's Host or forwarded headers.
   */
  siteOrigin: string;
};

let cached: Env | undefined;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const details = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${details}`);
  }
  const siteOrigin = result.data.SITE_URL ? new URL(result.data.SITE_URL).origin : listenOrigin(result.data.HOST, result.data.PORT);
  return { ...result.data, backend: result.data.SUPABASE_URL ? "supabase" : "embedded", siteOrigin };
}

/** The embedded default's own origin: the address it listens on (HOST, PORT), "localhost" for a wildcard. */
function listenOrigin(host: string | undefined, port: number): string {
  const name = !host || host === "0.0.0.0" || host === "::" ? "localhost" : host;
  return `http://${name.includes(":") ? `[${name}]` : name}:${port}`;
}

export function env(): Env {
  if (!cached) cached = parseEnv(globalThis.process?.env ?? {});
  return cached;
}
