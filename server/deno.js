// @ts-check
/// <reference lib="deno.ns" />
/**
 * Production server for Deno (`npm run start:deno`): the same build and the same security
 * wrapper as server/node.js, with `Deno.serve` (server/deno-serve.js, shared with the edge bundle
 * of server/edge.js). Static files are served here from build/client (JSR, hence @std/http, is
 * not reachable from our build machines). Permissions (the start:deno script of package.json):
 *   deno run --unstable-no-legacy-abort --allow-net "--allow-read=.,$(realpath node_modules),${DATA_DIR:-.data}"
 *     "--allow-write=${DATA_DIR:-.data}" --allow-env server/deno.js
 * read and write on DATA_DIR wherever it is (PGlite reads its files back); read on the project and
 * node_modules (PGlite's WASM). --unstable-no-legacy-abort: request.signal aborts only when the
 * client goes away, not after every successful response (Deno's legacy behaviour, warned about at
 * the first request otherwise); Remix uses that signal to stop a loader for a client that left.
 * The embedded database is opened before listening: if it cannot be, the process prints why and exits 1.
 * Environment: PORT (3000), HOST (127.0.0.1: server/listen.js), SITE_URL, NODE_ENV (production), TRUST_PROXY=1, DATA_DIR.
 * See docs/decisions/0002-one-build-node-and-deno.md.
 */
import { serveOnDeno } from "./deno-serve.js";
import { serveStaticFile } from "./static.js";

const clientDir = new URL("../build/client/", import.meta.url);
const build = await import("../build/server/index.js");

/**
 * A file of build/client on disk, for serveStaticFile.
 * @param {string} path relative to build/client
 * @returns {Promise<import("./static.js").StaticFile | "missing" | "not-a-file">}
 */
async function openClientFile(path) {
  let file;
  try {
    file = await Deno.open(new URL(path, clientDir), { read: true });
  } catch {
    return "missing";
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile) {
      file.close();
      return "not-a-file";
    }
    const opened = file;
    return {
      size: stats.size,
      mtimeMs: stats.mtime?.getTime() ?? 0,
      // The stream closes the file when it is fully read or cancelled.
      body: () => opened.readable,
      close: () => opened.close(),
    };
  } catch (error) {
    file.close();
    throw error;
  }
}

await serveOnDeno({
  build,
  serveStatic: (request) => serveStaticFile(request, openClientFile),
  // Started with --unstable-no-legacy-abort (above): request.signal aborts only for a client that left.
  signalFromRequest: true,
});
