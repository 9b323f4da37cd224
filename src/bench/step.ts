// Benchmark of the full training step as the trainer really runs it: forward, backward, AdamW, clamp,
// with the evaluation every eval_every steps amortised. Times the steps between two evaluation
// points after a warm-up, in this thread; bench/pool.ts runs it on several workers at once.

import { resolveConfig, type RunConfigInput } from "../base/config.js";
import { runSeed } from "../train/trainer.js";

export interface StepTiming {
  steps: number;
  seconds: number;
  ms_per_step: number;
}

/** Times `steps` training steps (a multiple of eval_every) after `warmup` steps. */
export function timeSteps(input: RunConfigInput, steps = 100, warmup = 25, seed = 0): StepTiming {
  const cfg = resolveConfig({ ...input, steps: warmup + steps, stop_on_grok: false, t_int: 1, wc: input.wc ?? 50, log_every: 200 });
  let start = 0;
  let end = 0;
  const out = runSeed(cfg, seed, {
    onProgress: (step) => {
      if (step === warmup) start = performance.now();
      if (step === warmup + steps) end = performance.now();
    },
  });
  if (out.stopped || start === 0 || end === 0) throw new Error("bench: the timed run did not reach its last step");
  const seconds = (end - start) / 1000;
  return { steps, seconds, ms_per_step: (seconds * 1000) / steps };
}
