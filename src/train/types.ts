// What a training run produces: per-log-step measurement rows, per-seed events and results, and the
// snapshot of the complete training state (parameters, Adam moments, step, RNG) that resumes a run
// exactly or forks it into arms. Plain data only; encoding lives in train/snapshot.ts.

import type { RunConfig } from "../experiments/config.js";

/** One logged measurement row of one seed (SPEC §6). */
export interface LogRow {
  step: number;
  train_loss: number;
  test_loss: number;
  train_acc: number;
  test_acc: number;
  /** ‖W‖ over weight matrices (biases excluded) */
  weight_norm: number;
  /** per-matrix Frobenius norms, by parameter name (E, W1, W2 for the MLP) */
  norms: Record<string, number>;
  /** mean over all pairs of ‖z/τ‖₂ */
  logit_scale: number;
  /** share of all pairs whose largest softmax probability exceeds 0.999 */
  frac_saturated: number;
  /** share of training pairs whose correct-class softmax probability is ≥ 1.0 in the working precision (torch.softmax; the release's count) */
  collapse_rate: number;
  /** share of E's non-constant DFT power (token axis) held by its 5 strongest frequencies */
  fourier_top5: number;
}

/** Per-seed events (SPEC §6); null = never reached (censored). */
export interface SeedEvents {
  T_mem: number | null;
  T_grok: number | null;
  delay: number | null;
  grokked: boolean;
}

export type SeedStatus = "grokked" | "censored" | "diverged";

export interface SeedResult extends SeedEvents {
  seed: number;
  status: SeedStatus;
  steps_run: number;
  wall_s: number;
  /** ‖W‖ at the grokking evaluation (null if it never grokked) */
  norm_at_grok: number | null;
  /** ‖W‖ at the fork (forking arms only) */
  norm_at_fork: number | null;
  /** the measurement of the state the run ended in (at steps_run; not necessarily a logged row) */
  final: LogRow | null;
  log: LogRow[];
}

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
