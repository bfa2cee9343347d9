// @ts-check
/**
 * Post-build step of `npm run build`: writes a brotli (`.br`, quality 11) and a gzip (`.gz`,
 * level 9) copy beside every compressible file of build/client of at least 1 KiB, for
 * server/static.js to send by Accept-Encoding (docs/performance.md, "Bytes on the wire").
 * A variant that is not smaller than the file is not written. Stale variants are removed first.
 * Usage: node scripts/precompress.js [directory] (default build/client).
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { contentTypeFor, isCompressibleType } from "../server/static.js";

const MIN_BYTES = 1024;

/** @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.isFile() ? [path] : [];
  });
}

/**
 * @param {string} root
 * @returns {{ path: string, size: number, br?: number, gz?: number }[]}
 */
export function precompress(root) {
  const all = files(root);
  for (const path of all) if (/\.(br|gz)$/.test(path)) rmSync(path);
  /** @type {{ path: string, size: number, br?: number, gz?: number }[]} */
  const written = [];
  for (const path of all) {
    if (/\.(br|gz)$/.test(path) || !isCompressibleType(contentTypeFor(path))) continue;
    const size = statSync(path).size;
    if (size < MIN_BYTES) continue;
    const source = readFileSync(path);
    const br = brotliCompressSync(source, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: size,
      },
    });
    const gz = gzipSync(source, { level: 9 });
    /** @type {{ path: string, size: number, br?: number, gz?: number }} */
    const row = { path: relative(root, path), size };
    if (br.length < size) {
      writeFileSync(`${path}.br`, br);
      row.br = br.length;
    }
    if (gz.length < size) {
      writeFileSync(`${path}.gz`, gz);
      row.gz = gz.length;
    }
    written.push(row);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? "build/client";
  const rows = precompress(root);
  let size = 0;
  let br = 0;
  let gz = 0;
  for (const row of rows) {
    size += row.size;
    br += row.br ?? row.size;
    gz += row.gz ?? row.size;
  }
  console.log(`precompress: ${rows.length} files in ${root}, ${size} bytes -> br ${br}, gzip ${gz}`);
}
