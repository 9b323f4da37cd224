// Benchmark of the full training step as the trainer really runs it: forward, backward, AdamW, clamp,
// with the evaluation every eval_every steps amortised. Times the steps after a warm-up in this
// thread, marking the clock at every evaluation point so that bench/windows.ts can cut the run into
// windows; bench/pool.ts runs it on several workers at once.

import { resolveConfig, type RunConfig, type RunConfigInput } from "../base/config.js";
import { runSeed } from "../train/trainer.js";
import type { Mark } from "./windows.js";

export interface StepTiming {
  steps: number;
  /** the warm-up steps run before them (the requested count rounded up to a multiple of eval_every) */
  warmup: number;
  seconds: number;
  ms_per_step: number;
  /** (step, clock ms) at every evaluation point from the warm-up's end to the last step; the clock is shared by threads */
  marks: Mark[];
}

/** A clock all threads of this process share (performance.now() counts from each thread's start). */
export const sharedClock = (): number => performance.timeOrigin + performance.now();

/**
 * The run a benchmark times: the input's config, clamped from step 1, never stopping at grok nor
 * logging, for the warm-up, the timed `steps` and `extra` steps after. The clock is read at
 * evaluation steps, so the warm-up is rounded up to a multiple of eval_every (a config evaluating
 * every 50 steps warms up for 50) and `steps` must be one.
 */
export function benchRun(input: RunConfigInput, steps: number, warmup: number, extra = 0): { cfg: RunConfig; warmup: number } {
  const base = { ...input, stop_on_grok: false, t_int: 1, wc: input.wc ?? 50, log_every: 1000000 };
  const every = resolveConfig({ ...base, steps: warmup + steps + extra }).eval_every;
  if (steps % every !== 0) throw new Error(`bench: ${steps} timed steps is not a multiple of the config's eval_every ${every}`);
  const w = Math.max(1, Math.ceil(warmup / every)) * every;
  return { cfg: resolveConfig({ ...base, steps: w + steps + extra }), warmup: w };
}

/** Times `steps` training steps after the warm-up (benchRun). */
export function timeSteps(input: RunConfigInput, steps = 100, warmupAsked = 25, seed = 0): StepTiming {
  const { cfg, warmup } = benchRun(input, steps, warmupAsked);
  const marks: Mark[] = [];
  const out = runSeed(cfg, seed, {
    onProgress: (step) => {
      if (step >= warmup) marks.push([step, sharedClock()]);
    },
  });
  const first = marks[0];
  const last = marks[marks.length - 1];
  if (out.stopped || !first || !last || first[0] !== warmup || last[0] !== warmup + steps) throw new Error("bench: the timed run did not reach its last step");
  const seconds = (last[1] - first[1]) / 1000;
  return { steps, warmup, seconds, ms_per_step: (seconds * 1000) / steps, marks };
}
