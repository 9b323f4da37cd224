// The snapshot of the complete training state (parameters, Adam moments, step, RNG) that resumes a
// run exactly or forks it into arms. Data only; encoding lives in train/snapshot.ts, the rows and
// results a run reports in base/results.ts.

import type { RunConfig } from "../base/config.js";
import type { LogRow } from "../base/results.js";

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
