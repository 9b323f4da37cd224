// What a training run produces: per-log-step measurement rows, per-seed events and results, and the
// snapshot of the complete training state (parameters, Adam moments, step, RNG) that resumes a run
// exactly or forks it into arms. Data only (rows and results as zod schemas, their types inferred);
// encoding lives in train/snapshot.ts.

import { z } from "zod";
import type { RunConfig } from "../base/config.js";

/** A number, NaN and ±Infinity included (a diverged run's measurements are kept as they are). */
const anyNumber = z.custom<number>((v) => typeof v === "number", "expected a number");
const stepOrNull = z.number().int().nullable();

/** One logged measurement row of one seed (SPEC §6). The schema is the type and checks rows that
 *  arrive from elsewhere (a queue worker's result). */
export const LogRowSchema = z.object({
  step: z.number().int(),
  train_loss: anyNumber,
  test_loss: anyNumber,
  train_acc: anyNumber,
  test_acc: anyNumber,
  /** ‖W‖ over weight matrices (biases excluded) */
  weight_norm: anyNumber,
  /** per-matrix Frobenius norms, by parameter name (E, W1, W2 for the MLP) */
  norms: z.record(z.string(), anyNumber),
  /** mean over all pairs of ‖z/τ‖₂ */
  logit_scale: anyNumber,
  /** share of all pairs whose largest softmax probability exceeds 0.999 */
  frac_saturated: anyNumber,
  /** share of training pairs whose correct-class probability is exactly 1.0 in the working precision */
  collapse_rate: anyNumber,
  /** share of E's non-constant DFT power (token axis) held by its 5 strongest frequencies */
  fourier_top5: anyNumber,
});
export type LogRow = z.infer<typeof LogRowSchema>;

export const SEED_STATUSES = ["grokked", "censored", "diverged"] as const;
export type SeedStatus = (typeof SEED_STATUSES)[number];

/** One seed's result; null events = never reached (censored). */
export const SeedResultSchema = z.object({
  seed: z.number().int(),
  T_mem: stepOrNull,
  T_grok: stepOrNull,
  delay: stepOrNull,
  grokked: z.boolean(),
  status: z.enum(SEED_STATUSES),
  steps_run: z.number().int().min(0),
  wall_s: anyNumber,
  /** ‖W‖ at the grokking evaluation (null if it never grokked) */
  norm_at_grok: anyNumber.nullable(),
  /** ‖W‖ at the fork (forking arms only) */
  norm_at_fork: anyNumber.nullable(),
  /** the measurement of the state the run ended in (at steps_run; not necessarily a logged row) */
  final: LogRowSchema.nullable(),
  log: z.array(LogRowSchema),
});
export type SeedResult = z.infer<typeof SeedResultSchema>;

/** The complete state of one seed's training at the end of a step. */
export interface Snapshot {
  version: 1;
  config: RunConfig;
  seed: number;
  step: number;
  /** parameter name → values (float64 copy, exact for both dtypes) */
  params: Record<string, Float64Array>;
  m: Record<string, Float64Array>;
  v: Record<string, Float64Array>;
  rng: number[];
  /** events and bookkeeping so far */
  T_mem: number | null;
  T_grok: number | null;
  norm_at_fork: number | null;
  /** ‖W‖ at the grokking evaluation (absent in snapshots written before it was kept) */
  norm_at_grok?: number | null;
  log: LogRow[];
  /** seconds of training before this snapshot (wall time accumulates across resumes) */
  wall_s: number;
}
