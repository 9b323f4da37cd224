// The step profile of `grokscale bench`: where a training step's time goes. An instrumenting kernel
// wrapper times every kernel call (performance.now around it) by category, and the trainer tells it
// which phase of the loop runs (step, clamp, evaluation), so the time outside kernels during the step
// is the tape's overhead (closures, allocation, the JS side of each call). Only bench runs pay for it;
// a normal run has no wrapper. Besides the totals it keeps the fastest time of each kernel call of
// the step (the n-th call of every step is the same call), of the overhead, the clamp and one
// evaluation: their sum is a profile that a shared, busy machine disturbs little. A step whose forward
// was taken ahead at an evaluation (trainer.ts) is counted as one step across its two phases.
// Not here: the timing windows (step.ts) or printing (cli/bench.ts).

import type { RunConfigInput } from "../base/config.js";
import type { Kernels } from "../kernels/types.js";
import { type Instrument, type LoopPhase, runSeed } from "../train/trainer.js";
import { benchRun } from "./step.js";

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
  /** fastest time of the i-th kernel call of a step, its category; fastest overhead, clamp, evaluation */
  private readonly callMin: number[] = [];
  private readonly callCat: ProfileCategory[] = [];
  private readonly callName: string[] = [];
  /** a step whose n-th call was another kernel than the first steps' n-th (the minima would be wrong) */
  mismatched = false;
  private callIdx = 0;
  /** after an "ahead" phase: its calls and overhead, which the next "step" phase continues */
  private aheadCalls: number | null = null;
  /** the overhead of the "ahead" phase the current "step" phase continues (0 if none) */
  private aheadOverhead = 0;
  private overheadMin = Infinity;
  private clampMin = Infinity;
  private evalMin = Infinity;

  /** Per step, from the fastest of each: kernel calls by category, overhead, clamp (optimiser), evaluation / evalEvery. */
  minima(evalEvery: number): Record<ProfileCategory, number> {
    const out: Record<ProfileCategory, number> = { gemm: 0, elementwise: 0, loss: 0, optimiser: 0, evaluation: 0, overhead: 0 };
    this.callMin.forEach((ms, i) => (out[this.callCat[i]!] += ms));
    out.overhead += Number.isFinite(this.overheadMin) ? this.overheadMin : 0;
    out.optimiser += Number.isFinite(this.clampMin) ? this.clampMin : 0;
    out.evaluation += Number.isFinite(this.evalMin) ? this.evalMin / evalEvery : 0;
    return out;
  }

  wrapKernels(k: Kernels): Kernels {
    const out: Record<string, unknown> = { name: k.name, dtype: k.dtype };
    for (const key of Object.keys(k) as Array<keyof Kernels>) {
      const fn = k[key];
      if (typeof fn !== "function") continue;
      const cat = kernelCategory(key);
      const f = fn as (...a: unknown[]) => unknown;
      out[key] = (...args: unknown[]) => {
        if (!this.enabled || (this.current !== "step" && this.current !== "ahead")) return f.apply(k, args);
        const t0 = performance.now();
        const r = f.apply(k, args);
        const dt = performance.now() - t0;
        this.ms[cat] += dt;
        this.byKernel[key] = (this.byKernel[key] ?? 0) + dt;
        this.kernelInPhase += dt;
        const i = this.callIdx++;
        if (i >= this.callMin.length) {
          this.callMin.push(dt);
          this.callCat.push(cat);
          this.callName.push(key);
        } else {
          if (this.callName[i] !== key) this.mismatched = true;
          if (dt < this.callMin[i]!) this.callMin[i] = dt;
        }
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
    this.callIdx = 0;
    if (p === "step") {
      // a step whose forward ran ahead continues its calls and overhead
      this.callIdx = this.aheadCalls ?? 0;
      if (this.aheadCalls === null) this.aheadOverhead = 0;
      this.aheadCalls = null;
    }
  }

  /** Starts counting (at a phase boundary) after a warm-up; clears what was counted. */
  start(): void {
    for (const c of PROFILE_CATEGORIES) this.ms[c] = 0;
    for (const key of Object.keys(this.byKernel)) delete this.byKernel[key];
    this.current = null; // the rest of the phase in progress is not counted
    this.aheadCalls = null;
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
    if (this.current === "ahead") {
      this.ms.overhead += total - this.kernelInPhase;
      this.aheadOverhead = total - this.kernelInPhase;
      this.aheadCalls = this.callIdx;
    } else if (this.current === "step") {
      this.ms.overhead += total - this.kernelInPhase;
      this.overheadMin = Math.min(this.overheadMin, this.aheadOverhead + total - this.kernelInPhase);
    } else if (this.current === "clamp") {
      this.ms.optimiser += total;
      this.clampMin = Math.min(this.clampMin, total);
    } else {
      this.ms.evaluation += total;
      this.evalMin = Math.min(this.evalMin, total);
    }
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
  /** milliseconds per step by category from the fastest instance of each call, overhead, clamp and evaluation */
  fastest_ms: Record<ProfileCategory, number>;
  /** their shares (sums to 1): the profile a busy machine disturbs least */
  fastest_shares: Record<ProfileCategory, number>;
}

/** Profiles `steps` steps (a multiple of eval_every) after the warm-up (step.ts benchRun), in this thread. */
export function profileSteps(input: RunConfigInput, steps = 200, warmupAsked = 25, seed = 0): StepProfile {
  const { cfg, warmup } = benchRun(input, steps, warmupAsked, 1);
  const prof = new StepProfiler();
  // counted from the end of step `warmup` (before its evaluation, which takes step warmup+1's forward
  // ahead) to the end of step warmup+steps (before its evaluation)
  runSeed(cfg, seed, {
    instrument: prof,
    onStep: (step) => {
      if (step === warmup) prof.start();
      if (step === warmup + steps) prof.stop();
    },
  });
  if (prof.mismatched) throw new Error("profile: the steps' kernel calls did not line up (the fastest-call profile would be wrong)");
  const total = PROFILE_CATEGORIES.reduce((a, c) => a + prof.ms[c], 0);
  const shares = Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, prof.ms[c] / total])) as Record<ProfileCategory, number>;
  const kernel_ms = Object.fromEntries(Object.entries(prof.byKernel).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / steps]));
  const fastest_ms = prof.minima(cfg.eval_every);
  const fastTotal = PROFILE_CATEGORIES.reduce((a, c) => a + fastest_ms[c], 0);
  const fastest_shares = Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, fastest_ms[c] / fastTotal])) as Record<ProfileCategory, number>;
  return { steps, ms_per_step: total / steps, shares, kernel_ms, fastest_ms, fastest_shares };
}
