/**
 * Renders tests/pdf/sample.ts and prints its size and SHA-256 as JSON. tests/pdf/runtimes.test.ts
 * bundles this file as the server build and the edge bundle are made, and runs it on Node and Deno.
 */
import { renderPdf } from "../../app/.server/pdf/document";
import { SAMPLE_DOCUMENT } from "./sample";

const bytes = renderPdf(SAMPLE_DOCUMENT);
const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
console.log(JSON.stringify({ bytes: bytes.length, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("") }));
