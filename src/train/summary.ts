// The summary `train` prints for one cell's seeds (not a second cell summary): the analysis's summary of the cell
// (analysis/cell-stats.ts, the one definition of T_grok, the half rule and L at grok) plus the
// per-seed outcomes and the run's bookkeeping. The seeds are expected to have been trained as a
// cell (train/cell-end.ts), so every seed's log reaches the cell's end.

import { summarizeCell } from "../analysis/cell-stats.js";
import type { CellRecord } from "../analysis/records.js";
import { meanSeries } from "../analysis/series.js";
import { median } from "../analysis/stats.js";
import type { RunConfig } from "../base/config.js";
import type { SeedResult } from "../base/results.js";

/** The median, or null for none (analysis/stats.ts's median, which refuses an empty list). */
const medianOrNull = (xs: readonly number[]): number | null => (xs.length === 0 ? null : median(xs));

export interface TrainSummary {
  config: RunConfig;
  seeds: Array<{ seed: number; T_mem: number | null; T_grok: number | null; delay: number | null; grokked: boolean; status: string; steps_run: number; norm_at_grok: number | null }>;
  n_seeds: number;
  n_grokked: number;
  n_diverged: number;
  /** at least half of the seeds grokked (the cell counts in the analysis) */
  valid: boolean;
  T_mem_median: number | null;
  T_grok_median: number | null;
  delay_median: number | null;
  /** seed-mean logit scale at the logged step nearest the median T_grok (analysis/cell-stats.ts) */
  L_at_grok: number | null;
  /** the logged step L_at_grok was read at */
  L_step: number | null;
  /** median over grokked seeds of ‖W‖ where the cell's run ended (the paper's wn_at_grok) */
  norm_at_grok_median: number | null;
  steps_run: number;
  wall_s: number;
}

/** The analysis's record of a cell trained in this process. */
export function cellRecordOf(config: RunConfig, results: readonly SeedResult[]): CellRecord {
  const perSeed = new Map(results.filter((r) => r.status !== "diverged").map((r) => [r.seed, r.log]));
  return {
    id: "train", cell: "train", source: "store", experiment: "train", model: config.model, p: config.p, loss: config.loss,
    rho: config.wc === null ? 1 : config.rho, tau: config.tau, gamma: config.gamma, arm: config.wc === null ? "free" : "clamp",
    dtype: config.dtype, wd: config.wd, t_fork: config.fork_at,
    seeds: results.map((r) => ({
      seed: r.seed, T_mem: r.T_mem, T_grok: r.T_grok, status: r.status,
      norm_at_grok: r.T_grok === null ? null : (r.final?.weight_norm ?? r.norm_at_grok),
    })),
    series: meanSeries(perSeed),
    config,
    config_reason: null,
  };
}

export function trainSummary(config: RunConfig, results: SeedResult[], wall_s: number): TrainSummary {
  const s = summarizeCell(cellRecordOf(config, results));
  const grokked = results.filter((r) => r.grokked);
  return {
    config,
    seeds: results.map((r) => ({ seed: r.seed, T_mem: r.T_mem, T_grok: r.T_grok, delay: r.delay, grokked: r.grokked, status: r.status, steps_run: r.steps_run, norm_at_grok: r.norm_at_grok })),
    n_seeds: results.length,
    n_grokked: grokked.length,
    n_diverged: s.nDiverged,
    valid: s.T_grok !== null,
    T_mem_median: s.T_mem,
    T_grok_median: medianOrNull(grokked.map((r) => r.T_grok!)),
    delay_median: medianOrNull(grokked.filter((r) => r.delay !== null).map((r) => r.delay!)),
    L_at_grok: s.L,
    L_step: s.L_step,
    norm_at_grok_median: s.norm,
    steps_run: Math.max(0, ...results.map((r) => r.steps_run)),
    wall_s,
  };
}
