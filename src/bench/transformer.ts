// Throughput of the transformer's training step (issue 7) for `grokscale bench`: ms per seed-step of
// runSeed as the trainer runs it (forward, backward, AdamW, clamp; evaluation every 25 amortised), on
// one worker (wall and this process's CPU time) and on several (wall, machine-wide), plus the PyTorch
// rows of bench/torch_transformer_step.py run in the same session. Not here: printing or ratios' prose.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunConfigInput } from "../base/config.js";
import { paperWc } from "../experiments/paper-wc.js";
import type { KernelName } from "../kernels/types.js";
import type { DType } from "../base/dtype.js";
import { runSeed } from "../train/trainer.js";
import { throughput } from "./pool.js";
import { benchRun } from "./step.js";
import { runTorchScript } from "./torch.js";

export interface TransformerBenchRow {
  impl: string;
  model: "transformer";
  p: number;
  dtype: DType;
  layernorm: "none" | "pre";
  /** worker threads (ours) or torch threads */
  workers: number;
  /** wall milliseconds per seed-step, machine-wide */
  ms_per_seed_step: number;
  /** CPU milliseconds per seed-step of the measuring process (null where not measured) */
  cpu_ms_per_seed_step: number | null;
  /** seeds batched in one tensor (PyTorch rows) */
  seeds_batched?: number;
}

export interface TransformerBenchOptions {
  p?: number;
  dtype?: DType;
  layernorm?: "none" | "pre";
  kernels?: KernelName;
  /** worker counts to measure (default [1]) */
  workers?: number[];
  /** timed steps, a multiple of 25 so evaluations are amortised evenly */
  steps?: number;
  warmup?: number;
}

/** The step's config: the paper's transformer cell with the clamp on from step 1 (the paper's p = 59 w_c). */
export function transformerBenchConfig(o: TransformerBenchOptions = {}): RunConfigInput {
  return { model: "transformer", p: o.p ?? 59, dtype: o.dtype ?? "f32", layernorm: o.layernorm ?? "none", kernels: o.kernels ?? "wasm", wc: paperWc("transformer", 59) };
}

/** Times `steps` steps after the warm-up (step.ts benchRun) in this thread: wall and CPU milliseconds per step. */
export function timeTransformerStep(input: RunConfigInput, steps = 100, warmupAsked = 25, seed = 0): { ms_per_step: number; cpu_ms_per_step: number } {
  const { cfg, warmup } = benchRun(input, steps, warmupAsked);
  let w0 = 0;
  let w1 = 0;
  let c0: NodeJS.CpuUsage | null = null;
  let c1: NodeJS.CpuUsage | null = null;
  const out = runSeed(cfg, seed, {
    onProgress: (step) => {
      if (step === warmup) [w0, c0] = [performance.now(), process.cpuUsage()];
      if (step === warmup + steps) [w1, c1] = [performance.now(), process.cpuUsage(c0 ?? undefined)];
    },
  });
  if (out.stopped || c1 === null) throw new Error("bench: the timed transformer run did not reach its last step");
  const cpu = c1 as NodeJS.CpuUsage;
  return { ms_per_step: (w1 - w0) / steps, cpu_ms_per_step: (cpu.user + cpu.system) / 1000 / steps };
}

/** Our rows: one per worker count (1 worker: in this thread, with CPU time; more: worker threads, wall only). */
export async function benchTransformer(o: TransformerBenchOptions = {}): Promise<TransformerBenchRow[]> {
  const input = transformerBenchConfig(o);
  const steps = o.steps ?? 100;
  const warmup = o.warmup ?? 25;
  const rows: TransformerBenchRow[] = [];
  const base = { model: "transformer" as const, p: input.p!, dtype: input.dtype!, layernorm: input.layernorm! };
  for (const workers of o.workers ?? [1]) {
    const impl = `grokscale-${input.kernels}`;
    if (workers === 1) {
      const t = timeTransformerStep(input, steps, warmup);
      rows.push({ impl, ...base, workers, ms_per_seed_step: t.ms_per_step, cpu_ms_per_seed_step: t.cpu_ms_per_step });
    } else {
      const t = await throughput(input, workers, steps, warmup);
      rows.push({ impl, ...base, workers, ms_per_seed_step: t.ms_per_seed_step, cpu_ms_per_seed_step: null });
    }
  }
  return rows;
}

/** bench/torch_transformer_step.py in this package (next to src/ and dist/). */
export const TORCH_TRANSFORMER_SCRIPT = join(resolve(dirname(fileURLToPath(import.meta.url)), "..", ".."), "bench", "torch_transformer_step.py");

export interface TorchTransformerCase {
  seeds: number;
  threads: number;
  /** the same last-position shortcut as ours (default false: every position, as transformer code is written) */
  lastOnly?: boolean;
}

/** The default PyTorch cases: 1 seed on 1 thread, and 12 seeds batched on `threads` threads. */
export const TORCH_TRANSFORMER_CASES = (threads: number): TorchTransformerCase[] => [
  { seeds: 1, threads: 1 },
  { seeds: 1, threads: 1, lastOnly: true },
  { seeds: 12, threads },
];

/** Runs the PyTorch transformer step for each case (needs python3 with torch; see bench/torch.ts). */
export function torchTransformerRows(cases: TorchTransformerCase[], o: TransformerBenchOptions = {}, script = TORCH_TRANSFORMER_SCRIPT): TransformerBenchRow[] {
  const p = o.p ?? 59;
  const dtype = o.dtype ?? "f32";
  const layernorm = o.layernorm ?? "none";
  return cases.map((c) => {
    const args: Record<string, string | number> = { p, seeds: c.seeds, threads: c.threads, dtype, layernorm, steps: 50 };
    const r = runTorchScript(script, c.lastOnly ? { ...args, "last-only": 1 } : args) as unknown as { impl: string; ms_per_seed_step: number; cpu_ms_per_seed_step?: number };
    return { impl: r.impl, model: "transformer", p, dtype, layernorm, workers: c.threads, ms_per_seed_step: r.ms_per_seed_step, cpu_ms_per_seed_step: r.cpu_ms_per_seed_step ?? null, seeds_batched: c.seeds };
  });
}
