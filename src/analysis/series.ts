// The seed-mean logged series of a cell, from each seed's logged rows: the one definition used for
// store cells, `train` summaries and the dashboard. Pure: no store, no files, no statistics.

import type { LogRow } from "../base/results.js";
import type { CellSeries } from "./records.js";

/**
 * The seed-mean series: at each step any seed logged, the mean over all seeds of each seed's latest
 * row at or before that step. Once a cell is complete its seeds all run to the cell's end
 * (train/cell-end.ts) and log the same steps, so this is the plain seed mean the paper's runner logs;
 * the carry-forward only shows while a cell is incomplete (a seed not yet continued contributes its
 * last row). Diverged seeds are left out by the caller.
 */
export function meanSeries(perSeed: Map<number, LogRow[]>): CellSeries {
  const seeds = [...perSeed.values()].map((rows) => [...rows].sort((a, b) => a.step - b.step)).filter((r) => r.length > 0);
  const steps = [...new Set(seeds.flatMap((rows) => rows.map((r) => r.step)))].sort((a, b) => a - b);
  // for every step, each seed's latest row at or before it (a seed starts at step 1, like all)
  const at: LogRow[][] = steps.map(() => []);
  for (const rows of seeds) {
    let j = 0;
    steps.forEach((t, i) => {
      while (j + 1 < rows.length && rows[j + 1]!.step <= t) j++;
      if (rows[j]!.step <= t) at[i]!.push(rows[j]!);
    });
  }
  const mean = (rows: LogRow[], f: (r: LogRow) => number | undefined): number => {
    let s = 0;
    let n = 0;
    for (const r of rows) {
      const v = f(r);
      if (v !== undefined) {
        s += v;
        n++;
      }
    }
    return n === 0 ? Number.NaN : s / n;
  };
  const col = (k: "logit_scale" | "weight_norm" | "frac_saturated" | "collapse_rate" | "train_acc" | "test_acc"): number[] =>
    steps.map((_, i) => mean(at[i]!, (r) => r[k]));
  const names = new Set<string>();
  for (const rows of seeds) for (const r of rows) for (const k of Object.keys(r.norms)) names.add(k);
  const norms: Record<string, number[]> = {};
  for (const n of [...names].sort()) norms[n] = steps.map((_, i) => mean(at[i]!, (r) => r.norms[n]));
  return {
    step: steps,
    logit_scale: col("logit_scale"),
    weight_norm: col("weight_norm"),
    frac_saturated: col("frac_saturated"),
    collapse_rate: col("collapse_rate"),
    train_acc: col("train_acc"),
    test_acc: col("test_acc"),
    norms,
  };
}
