// The summary of one cell's seeds (SPEC §6): medians of T_mem and T_grok over the seeds that reached
// them, the at-least-half-grokked rule, and L at grok = the seed-mean logit scale at the logged step
// nearest the median T_grok. Seeds stop when they grok, so a seed whose log ends before that step
// contributes its last logged value (its post-grok L changes slowly); this is stated in the output.

import type { RunConfig } from "../experiments/config.js";
import type { LogRow, SeedResult } from "./types.js";

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The row of a log nearest to `step` (ties to the earlier row); null for an empty log. */
export function rowNearest(log: LogRow[], step: number): LogRow | null {
  let best: LogRow | null = null;
  for (const r of log) if (!best || Math.abs(r.step - step) < Math.abs(best.step - step)) best = r;
  return best;
}

export interface CellSummary {
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
  /** seed-mean logit scale at the logged step nearest the median T_grok */
  L_at_grok: number | null;
  norm_at_grok_median: number | null;
  steps_run: number;
  wall_s: number;
}

export function summarizeCell(config: RunConfig, results: SeedResult[], wall_s: number): CellSummary {
  const grokked = results.filter((r) => r.grokked);
  const T_grok_median = median(grokked.map((r) => r.T_grok!));
  let L: number | null = null;
  if (T_grok_median !== null) {
    const vals = results.map((r) => rowNearest(r.log, T_grok_median)?.logit_scale).filter((v): v is number => v !== undefined);
    L = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
  }
  return {
    config,
    seeds: results.map((r) => ({ seed: r.seed, T_mem: r.T_mem, T_grok: r.T_grok, delay: r.delay, grokked: r.grokked, status: r.status, steps_run: r.steps_run, norm_at_grok: r.norm_at_grok })),
    n_seeds: results.length,
    n_grokked: grokked.length,
    n_diverged: results.filter((r) => r.status === "diverged").length,
    valid: grokked.length * 2 >= results.length && results.length > 0,
    T_mem_median: median(results.filter((r) => r.T_mem !== null).map((r) => r.T_mem!)),
    T_grok_median,
    delay_median: median(grokked.filter((r) => r.delay !== null).map((r) => r.delay!)),
    L_at_grok: L,
    norm_at_grok_median: median(grokked.filter((r) => r.norm_at_grok !== null).map((r) => r.norm_at_grok!)),
    steps_run: Math.max(0, ...results.map((r) => r.steps_run)),
    wall_s,
  };
}
