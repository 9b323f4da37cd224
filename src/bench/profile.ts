// The step profile of `grokscale bench`: where a training step's time goes. An instrumenting kernel
// wrapper times every kernel call (performance.now around it) by category, and the trainer tells it
// which phase of the loop runs (step, clamp, evaluation), so the time outside kernels during the step
// is the tape's overhead (closures, allocation, the JS side of each call). Only bench runs pay for it;
// a normal run has no wrapper. Not here: the timing windows (step.ts) or printing (cli/bench.ts).

import { resolveConfig, type RunConfigInput } from "../experiments/config.js";
import type { Kernels } from "../kernels/types.js";
import { type Instrument, type LoopPhase, runSeed } from "../train/trainer.js";

export type ProfileCategory = "gemm" | "elementwise" | "loss" | "optimiser" | "evaluation" | "overhead";
export const PROFILE_CATEGORIES: ProfileCategory[] = ["gemm", "elementwise", "loss", "optimiser", "evaluation", "overhead"];

/** Kernel name → category while the step phase runs. */
function kernelCategory(name: string): ProfileCategory {
  if (name === "gemm") return "gemm";
  if (name === "softmaxCrossEntropy" || name === "mse" || name === "logitStats") return "loss";
  if (name === "adamw") return "optimiser";
  return "elementwise";
}

export class StepProfiler implements Instrument {
  /** milliseconds by category since the last reset */
  readonly ms: Record<ProfileCategory, number> = { gemm: 0, elementwise: 0, loss: 0, optimiser: 0, evaluation: 0, overhead: 0 };
  /** kernel milliseconds by kernel name (step phase only) */
  readonly byKernel: Record<string, number> = {};
  private current: LoopPhase | null = null;
  private since = 0;
  private kernelInPhase = 0;
  private enabled = false;

  wrapKernels(k: Kernels): Kernels {
    const out: Record<string, unknown> = { name: k.name, dtype: k.dtype };
    for (const key of Object.keys(k) as Array<keyof Kernels>) {
      const fn = k[key];
      if (typeof fn !== "function") continue;
      const cat = kernelCategory(key);
      const f = fn as (...a: unknown[]) => unknown;
      out[key] = (...args: unknown[]) => {
        if (!this.enabled || this.current !== "step") return f.apply(k, args);
        const t0 = performance.now();
        const r = f.apply(k, args);
        const dt = performance.now() - t0;
        this.ms[cat] += dt;
        this.byKernel[key] = (this.byKernel[key] ?? 0) + dt;
        this.kernelInPhase += dt;
        return r;
      };
    }
    return out as unknown as Kernels;
  }

  phase(p: LoopPhase): void {
    const now = performance.now();
    this.close(now);
    this.current = p;
    this.since = now;
    this.kernelInPhase = 0;
  }

  /** Starts counting (at a phase boundary) after a warm-up; clears what was counted. */
  start(): void {
    for (const c of PROFILE_CATEGORIES) this.ms[c] = 0;
    for (const key of Object.keys(this.byKernel)) delete this.byKernel[key];
    this.since = performance.now();
    this.kernelInPhase = 0;
    this.enabled = true;
  }

  /** Stops counting, closing the phase in progress. */
  stop(): void {
    this.close(performance.now());
    this.enabled = false;
  }

  private close(now: number): void {
    if (!this.enabled || this.current === null) return;
    const total = now - this.since;
    if (this.current === "step") this.ms.overhead += total - this.kernelInPhase;
    else if (this.current === "clamp") this.ms.optimiser += total;
    else this.ms.evaluation += total;
    this.current = null;
  }
}

export interface StepProfile {
  steps: number;
  /** milliseconds per step, all categories together (slower than an uninstrumented step by the timer calls) */
  ms_per_step: number;
  /** each category's share of the step (sums to 1) */
  shares: Record<ProfileCategory, number>;
  /** milliseconds per step by kernel name, in the step phase */
  kernel_ms: Record<string, number>;
}

/** Profiles `steps` steps (a multiple of eval_every) after `warmup` of the config's run, in this thread. */
export function profileSteps(input: RunConfigInput, steps = 200, warmup = 25, seed = 0): StepProfile {
  const cfg = resolveConfig({ ...input, steps: warmup + steps + 1, stop_on_grok: false, t_int: 1, wc: input.wc ?? 50, log_every: 1000000 });
  const prof = new StepProfiler();
  runSeed(cfg, seed, {
    instrument: prof,
    onProgress: (step) => {
      if (step === warmup) prof.start();
      if (step === warmup + steps) prof.stop();
    },
  });
  const total = PROFILE_CATEGORIES.reduce((a, c) => a + prof.ms[c], 0);
  const shares = Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, prof.ms[c] / total])) as Record<ProfileCategory, number>;
  const kernel_ms = Object.fromEntries(Object.entries(prof.byKernel).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / steps]));
  return { steps, ms_per_step: total / steps, shares, kernel_ms };
}
