// @ts-check
/// <reference lib="deno.ns" />
/* global Deno */
/**
 * Entry of the edge bundle, build/edge/server.js (scripts/build-edge.js bundles this file, the
 * Supabase-only Remix build and the client files into one ES module): the same start-up check,
 * security wrapper and request handling as server/deno.js (server/deno-serve.js), with the files of
 * build/client — and their precompressed .br/.gz variants — served from memory with the headers of
 * server/static.js. It needs no file system at all:
 *   deno run --allow-net --allow-env build/edge/server.js
 * and runs as it is on Deno Deploy. It has the Supabase adapters only: without SUPABASE_URL,
 * SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY and SITE_URL it prints what to set and exits 1.
 * See docs/deploy-edge.md and docs/decisions/0016-edge-bundle.md.
 */
import * as build from "../build/edge/remix/server/index.js";
import { CLIENT_FILES } from "../build/edge/remix/client-files.js";
import { serveOnDeno } from "./deno-serve.js";
import { serveStaticFile } from "./static.js";

/** @type {Map<string, Uint8Array<ArrayBuffer>>} */
const decoded = new Map();

/** @param {string} base64 */
function bytesOf(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * A file of the client build embedded in the bundle, for serveStaticFile. Decoded at its first
 * request, then kept (the whole client build is a few hundred kilobytes).
 * @param {string} path relative to build/client
 * @returns {Promise<import("./static.js").StaticFile | "missing">}
 */
async function embeddedClientFile(path) {
  const entry = Object.hasOwn(CLIENT_FILES, path) ? CLIENT_FILES[path] : undefined;
  if (!entry) return "missing";
  let bytes = decoded.get(path);
  if (!bytes) {
    bytes = bytesOf(entry.base64);
    decoded.set(path, bytes);
  }
  const body = bytes;
  return { size: body.byteLength, mtimeMs: entry.mtimeMs, body: () => body };
}

await serveOnDeno({
  build,
  serveStatic: (request) => serveStaticFile(request, embeddedClientFile),
  label: `edge bundle, Deno ${Deno.version.deno}`,
});
