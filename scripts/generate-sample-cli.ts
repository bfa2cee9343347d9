/** Entry point of `npm run generate:sample` (the generator itself is importable: scripts/generate-sample.ts). */
import { main } from "./generate-sample";

await main();
