// The job-runner contract the worker pool calls: a module exporting runSeed (synchronous,
// deterministic, resumable from a snapshot) and the snapshot codec. The default is the real trainer
// (default-runner.ts); tests may inject another module that obeys the same contract. This file holds
// types and module locations only; it runs nothing.

import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { RunConfig } from "../base/config.js";
import type { RunSeedOptions, RunSeedOutcome } from "../train/trainer.js";
import type { Snapshot } from "../train/types.js";

export interface JobRunner {
  runSeed(cfg: RunConfig, seed: number, opts?: RunSeedOptions): RunSeedOutcome;
  encodeSnapshot(s: Snapshot): Uint8Array;
  decodeSnapshot(bytes: Uint8Array): Snapshot;
}

/**
 * The URL of a compiled file of src/sweep. Worker threads must load JavaScript: when this module
 * itself runs from the TypeScript sources (vitest), the file is taken from dist/ (`npm run build`).
 */
export function compiledSweepUrl(file: string): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) return pathToFileURL(join(dirname(here), "..", "..", "dist", "sweep", file));
  return new URL(`./${file}`, import.meta.url);
}

/** The worker entry point (dist/sweep/worker.js). */
export const workerUrl = (): URL => compiledSweepUrl("worker.js");

/** The default runner module (the real trainer). */
export const defaultRunnerUrl = (): string => compiledSweepUrl("default-runner.js").href;

/** A runner given as a module path or URL, as a URL string the worker can import. */
export function runnerUrl(runner: string | undefined): string {
  if (runner === undefined) return defaultRunnerUrl();
  if (/^(file|data):/.test(runner)) return runner;
  return pathToFileURL(isAbsolute(runner) ? runner : resolve(runner)).href;
}
