/**
 * Summarises a V8 CPU profile of the served path (`node --cpu-prof server/node.js`, see
 * docs/performance.md, "Served path"): each sample goes to the first category, in CATEGORIES' order,
 * found anywhere on its stack; then the functions with the most self time.
 * Usage: npx vite-node scripts/bench/profile-summary.ts -- <file.cpuprofile> [top]
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

const CATEGORIES: [string, (frame: CallFrame) => boolean][] = [
  ["idle", (f) => f.functionName === "(idle)"],
  ["GC", (f) => f.functionName === "(garbage collector)"],
  ["PGlite (wasm, query)", (f) => /pglite/.test(f.url)],
  ["gzip (node:zlib)", (f) => /node:zlib/.test(f.url)],
  ["WebCrypto", (f) => /crypto/.test(f.url)],
  ["React SSR render", (f) => /renderToReadableStream|renderToPipeableStream/.test(f.functionName)],
  ["static file lookup", (f) => f.functionName === "serveStatic"],
  ["socket writes", (f) => /^(writev|writeUtf8String|writeLatin1String|writeBuffer)$/.test(f.functionName)],
  ["server/security.js", (f) => /server\/security\.js/.test(f.url)],
  ["Remix", (f) => /@remix-run|turbo-stream/.test(f.url)],
  ["server/node.js", (f) => /server\/node\.js/.test(f.url)],
  ["web streams", (f) => /webstreams/.test(f.url)],
  ["app build, other", (f) => /build\/server/.test(f.url)],
  ["HTTP parsing", (f) => /_http_/.test(f.url)],
];

const file = process.argv.slice(2).find((arg) => arg !== "--");
if (!file) {
  console.error("usage: profile-summary.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const top = Number(process.argv.slice(2).filter((arg) => arg !== "--")[1] ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const ticks = new Map<number, number>();
for (const id of profile.samples) ticks.set(id, (ticks.get(id) ?? 0) + 1);

const categories = new Map<string, number>();
const self = new Map<string, number>();
let idle = 0;
for (const [id, count] of ticks) {
  const stack: CallFrame[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) stack.push(byId.get(at)!.callFrame);
  const category = CATEGORIES.find(([, test]) => stack.some(test))?.[0] ?? "other";
  if (category === "idle") idle += count;
  categories.set(category, (categories.get(category) ?? 0) + count);
  const leaf = stack[0]!;
  const name = `${leaf.functionName || "(anonymous)"} ${leaf.url.replace(/.*node_modules\//, "")}:${leaf.lineNumber}`;
  self.set(name, (self.get(name) ?? 0) + count);
}
const busy = profile.samples.length - idle;
const percent = (count: number, of: number) => `${((100 * count) / of).toFixed(1).padStart(5)} %`;
console.log(`${profile.samples.length} samples, idle ${percent(idle, profile.samples.length)}`);
console.log("\nBy category (% of busy samples):");
for (const [name, count] of [...categories].sort((a, b) => b[1] - a[1])) if (name !== "idle") console.log(`${percent(count, busy)}  ${name}`);
console.log(`\nSelf time, top ${top} functions (% of busy samples):`);
for (const [name, count] of [...self].sort((a, b) => b[1] - a[1]).filter(([name]) => !name.startsWith("(idle)")).slice(0, top)) {
  console.log(`${percent(count, busy)}  ${name}`);
}
