// One job run with its checkpoints: resume from the newest good checkpoint in the job's folder,
// train through the runner, checkpoint every K steps and when asked to stop; optionally keep the
// final state (a seed that may be continued to its cell's end) or continue a seed to a given step. Synchronous, and free
// of threads and databases, so the local pool's worker threads and a distributed queue's workers
// can both call it. Recording the outcome is the caller's business.

import { canonicalJson, type RunConfig } from "../base/config.js";
import type { LogRow, SeedResult } from "../base/results.js";
import type { Snapshot } from "../train/types.js";
import { loadCheckpoint, writeCheckpoint } from "./checkpoints.js";
import type { JobRunner } from "./runner.js";

export interface JobTask {
  jobId: string;
  config: RunConfig;
  seed: number;
  /** this job's checkpoint folder */
  dir: string;
  checkpointEvery: number;
  /** continue the seed to exactly this step past its grok (a cell's end: train/cell-end.ts) */
  until?: number;
  /** at the end, write the final state into the folder too, so the seed can be continued later */
  keepFinal?: boolean;
}

export interface JobHooks {
  onStarted?: (fromStep: number, rejected: { step: number; reason: string }[]) => void;
  onCheckpoint?: (step: number) => void;
  onLog?: (row: LogRow) => void;
  onProgress?: (step: number) => void;
  shouldStop?: () => boolean;
}

export type JobOutcome = { kind: "done"; result: SeedResult } | { kind: "stopped"; step: number };

export function runJobWithCheckpoints(runner: JobRunner, task: JobTask, hooks: JobHooks = {}): JobOutcome {
  const { config, seed, dir } = task;
  const want = canonicalJson(config);
  const loaded = loadCheckpoint<Snapshot>(dir, (payload, step) => {
    const snap = runner.decodeSnapshot(payload);
    if (snap.seed !== seed) throw new Error(`snapshot is of seed ${snap.seed}, not ${seed}`);
    if (snap.step !== step) throw new Error(`snapshot is of step ${snap.step}, file says ${step}`);
    if (canonicalJson(snap.config) !== want) throw new Error("snapshot is of another config");
    return snap;
  });
  hooks.onStarted?.(loaded.value ? loaded.step : 0, loaded.rejected);
  const outcome = runner.runSeed(config, seed, {
    resume: loaded.value,
    checkpointEvery: task.checkpointEvery,
    onCheckpoint: (snap) => {
      writeCheckpoint(dir, snap.step, runner.encodeSnapshot(snap));
      hooks.onCheckpoint?.(snap.step);
    },
    ...(hooks.onLog ? { onLog: hooks.onLog } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
    ...(task.until !== undefined ? { until: task.until } : {}),
    ...(task.keepFinal ? { keepFinal: true } : {}),
  });
  if (!outcome.stopped) {
    if (outcome.final && outcome.final.step > 0) writeCheckpoint(dir, outcome.final.step, runner.encodeSnapshot(outcome.final));
    return { kind: "done", result: outcome.result };
  }
  if (outcome.snapshot.step > 0) writeCheckpoint(dir, outcome.snapshot.step, runner.encodeSnapshot(outcome.snapshot));
  return { kind: "stopped", step: outcome.snapshot.step };
}
