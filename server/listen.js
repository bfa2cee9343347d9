// @ts-check
/**
 * Where the HTTP servers (server/node.js, server/deno.js) listen, and the warning they print when
 * the embedded default is reachable from other machines. Web-standard code only (Node and Deno).
 *
 * The embedded default serves /dev/courriels (every activation and recovery link) and the local
 * DGFiP simulator: it is for demos, development and tests, so it listens on the loopback address
 * unless HOST says otherwise.
 */

export const DEFAULT_HOST = "127.0.0.1";

/** @param {string | undefined} host */
export function listenHost(host) {
  const value = host?.trim();
  return value ? value : DEFAULT_HOST;
}

/** @param {string} host */
export function isLoopback(host) {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * The warning to print at start, or null: the embedded default (no SUPABASE_URL) listening on an
 * address other machines can reach.
 * @param {string} host
 * @param {{ SUPABASE_URL?: string }} env
 */
export function exposureWarning(host, env) {
  if (env.SUPABASE_URL?.trim() || isLoopback(host)) return null;
  return [
    `WARNING: the embedded default listens on ${host}, reachable from other machines.`,
    "It serves /dev/courriels (every activation and password link) and the payment simulator to anyone who reaches it.",
    "Use it for demos and tests on a trusted network only; a public portal runs with Supabase (docs/supabase.md).",
  ].join("\n");
}
