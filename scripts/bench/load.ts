/**
 * A small closed-loop load generator for section b) of `npm run bench`: `inFlight` workers, each
 * sending its next request as soon as the previous answer has been read entirely, for a bounded
 * time. Built on node:http rather than fetch because fetch decompresses bodies: here the body is
 * counted as it crossed the wire (gzip or br), and so is the whole response (status line,
 * headers, chunked framing) through the socket's byte counter. One keep-alive connection per
 * worker, as browsers keep theirs.
 */
import { Agent, request, type IncomingHttpHeaders } from "node:http";
import { quantile } from "./stats";

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  inFlight: number;
  seconds: number;
  /** The status a correct answer has (anything else counts as an error). */
  expectStatus?: number;
  /** Per request; beyond it the request counts as an error. Default 30 s. */
  timeoutMs?: number;
}

export interface LoadResult {
  inFlight: number;
  requests: number;
  errors: number;
  /** First few error descriptions (status or network error), for the report. */
  errorSamples: string[];
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Mean body bytes as received (compressed when the server compressed). */
  bodyBytes: number;
  /** Mean bytes read from the socket per response: status line, headers, framing and body. */
  wireBytes: number;
  /** Content-Encoding of the last good answer ("identity" when none). */
  encoding: string;
}

interface One {
  ok: boolean;
  error?: string;
  ms: number;
  body: number;
  wire: number;
  encoding: string;
}

function once(agent: Agent, url: URL, headers: Record<string, string>, expectStatus: number, timeoutMs: number): Promise<One> {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    let wireStart = 0;
    const done = (one: Omit<One, "ms">) => {
      if (settled) return;
      settled = true;
      resolve({ ...one, ms: performance.now() - started });
    };
    const req = request(url, { agent, headers, method: "GET", timeout: timeoutMs }, (res) => {
      let body = 0;
      res.on("data", (chunk: Buffer) => (body += chunk.length));
      res.on("end", () => {
        const wire = (req.socket?.bytesRead ?? wireStart) - wireStart;
        const ok = res.statusCode === expectStatus;
        done({ ok, error: ok ? undefined : `HTTP ${res.statusCode}`, body, wire, encoding: encodingOf(res.headers) });
      });
      res.on("error", (error) => done({ ok: false, error: error.message, body, wire: 0, encoding: "" }));
    });
    req.on("socket", (socket) => (wireStart = socket.bytesRead));
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error) => done({ ok: false, error: error.message, body: 0, wire: 0, encoding: "" }));
    req.end();
  });
}

function encodingOf(headers: IncomingHttpHeaders): string {
  const value = headers["content-encoding"];
  return typeof value === "string" && value !== "" ? value : "identity";
}

export async function closedLoop(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.inFlight });
  const expectStatus = options.expectStatus ?? 200;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const results: One[] = [];
  const started = performance.now();
  const until = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) results.push(await once(agent, url, options.headers, expectStatus, timeoutMs));
  };
  try {
    await Promise.all(Array.from({ length: options.inFlight }, worker));
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - started) / 1000;
  const good = results.filter((r) => r.ok);
  const bad = results.filter((r) => !r.ok);
  const latencies = results.map((r) => r.ms);
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
  return {
    inFlight: options.inFlight,
    requests: results.length,
    errors: bad.length,
    errorSamples: [...new Set(bad.map((r) => r.error ?? "?"))].slice(0, 3),
    perSecond: good.length / elapsed,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    bodyBytes: mean(good.map((r) => r.body)),
    wireBytes: mean(good.map((r) => r.wire)),
    encoding: good.at(-1)?.encoding ?? "—",
  };
}
