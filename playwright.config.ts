import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests against the production build, served twice: by `npm start` (Node) and by
 * `npm run start:deno` (Deno). Each server gets a free port and its own fresh embedded database
 * (Node: under .tmp/; Deno: under the system's temporary folder), so a developer's .data is never touched. Run `npm run build` first
 * (`npm test` does). Chromium comes from Debian (/usr/bin/chromium), not from a download.
 */

/** A free TCP port, chosen once in the runner process and inherited by workers through env. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

process.env.E2E_NODE_PORT ??= String(await freePort());
process.env.E2E_DENO_PORT ??= String(await freePort());
// Lets e2e/payment*.spec.ts run the payment reconciliation job now (POST /taches/rapprochement-paiements).
process.env.E2E_PAYMENTS_CRON_SECRET ??= randomBytes(24).toString("hex");
// Lets e2e/reminders.spec.ts run the reminder job now (POST /taches/rappels).
process.env.E2E_REMINDERS_CRON_SECRET ??= randomBytes(24).toString("hex");
// The Deno server's DATA_DIR is outside the project, as in a real deployment (the start:deno script
// must grant it read and write access): a fresh folder per run, made by the runner (workers inherit
// it through env) and removed when the runner exits, after its web servers are stopped.
if (!process.env.E2E_DENO_DATA_DIR) {
  const denoDataDir = mkdtempSync(join(tmpdir(), "portail-e2e-deno-"));
  process.env.E2E_DENO_DATA_DIR = denoDataDir;
  process.on("exit", () => rmSync(denoDataDir, { recursive: true, force: true }));
}
const nodePort = Number(process.env.E2E_NODE_PORT);
const denoPort = Number(process.env.E2E_DENO_PORT);

const serverEnv = (dataDir: string, port: number) => ({
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: String(port),
  // The origin the browser uses: e-mail links and payment return URLs are built on it.
  SITE_URL: `http://127.0.0.1:${port}`,
  DATA_DIR: dataDir,
  PAYMENTS_CRON_SECRET: process.env.E2E_PAYMENTS_CRON_SECRET!,
  REMINDERS_CRON_SECRET: process.env.E2E_REMINDERS_CRON_SECRET!,
});

// Each server creates and seeds its embedded database at start, before it listens (several seconds).
const startTimeout = 180_000;

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  // Generous in CI: several axe scans per test, two servers and Chromium share 2 cores.
  timeout: process.env.CI ? 90_000 : 30_000,
  expect: { timeout: 10_000 },
  use: {
    ...devices["Desktop Chrome"],
    locale: "fr-FR",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "node", use: { baseURL: `http://127.0.0.1:${nodePort}` } },
    { name: "deno", use: { baseURL: `http://127.0.0.1:${denoPort}` } },
  ],
  webServer: [
    {
      name: "node",
      command: "rm -rf .tmp/e2e-node && mkdir -p .tmp/e2e-node && npm start",
      url: `http://127.0.0.1:${nodePort}/health`,
      env: serverEnv(".tmp/e2e-node", nodePort),
      reuseExistingServer: false,
      timeout: startTimeout,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      name: "deno",
      command: "npm run start:deno",
      url: `http://127.0.0.1:${denoPort}/health`,
      env: serverEnv(process.env.E2E_DENO_DATA_DIR!, denoPort),
      reuseExistingServer: false,
      timeout: startTimeout,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
