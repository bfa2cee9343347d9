import { ensureBuild } from "./built";

/** Vitest globalSetup: the production build the server tests start, made once before any test file. */
export default function setup(): void {
  ensureBuild();
}
