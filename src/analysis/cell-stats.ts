// Cell statistics with censoring (docs/study.md): a cell's T_grok and T_mem are medians over the
// seeds that reached them; the cell counts only if at least half its seeds grok; its L is the
// seed-mean logit scale at the logged step nearest its median T_grok; its norm is the median over
// grokked seeds of ||W|| where the cell's run ended. Censored seeds are never imputed. The one
// summary of a cell for every path (store, npz, `train`). No experiment logic here.

import { fail, ok, type Outcome } from "./outcome.js";
import { cellLabel, type CellRecord, type CellSeries, type SeedRecord } from "./records.js";
import { median } from "./stats.js";

/** Median T_grok over the grokked seeds, if at least half of them grokked. */
export function grokTime(seeds: readonly SeedRecord[]): Outcome<number> {
  if (seeds.length === 0) return fail("the cell has no seeds");
  const t: number[] = [];
  for (const s of seeds) if (s.T_grok !== null) t.push(s.T_grok);
  if (t.length === 0) return fail(`no seed grokked (all ${seeds.length} censored or diverged)`);
  if (2 * t.length < seeds.length) return fail(`only ${t.length} of ${seeds.length} seeds grokked (fewer than half)`);
  return ok(median(t));
}

/** Median T_mem over the seeds that memorised (no half rule: T_mem is reported, not a gate). */
export function memTime(seeds: readonly SeedRecord[]): number | null {
  const t = seeds.filter((s) => s.T_mem !== null).map((s) => s.T_mem!);
  return t.length === 0 ? null : median(t);
}

/** Median norm at grok over grokked seeds that logged one. */
export function normAtGrok(seeds: readonly SeedRecord[]): number | null {
  const w = seeds.filter((s) => s.T_grok !== null && s.norm_at_grok !== null).map((s) => s.norm_at_grok!);
  return w.length === 0 ? null : median(w);
}

/** Index of the logged step nearest t; on a tie the earlier step (as NumPy's argmin). */
export function nearestStepIndex(steps: readonly number[], t: number): number | null {
  let best = -1;
  for (let i = 0; i < steps.length; i++) {
    if (best < 0 || Math.abs(steps[i]! - t) < Math.abs(steps[best]! - t)) best = i;
  }
  return best < 0 ? null : best;
}

export interface CellSummary {
  cell: CellRecord;
  S: number; // seeds run
  nGrokked: number;
  nCensored: number;
  nDiverged: number;
  T_grok: number | null; // median over grokked seeds; null when the cell fails the half rule
  T_mem: number | null; // median over seeds that memorised
  L: number | null; // logit_scale at the logged step nearest T_grok
  L_step: number | null; // that step
  norm: number | null; // median norm_at_grok over grokked seeds
  reason: string | null; // why the cell does not count (null when it does), as data: no cell label in it
  dropped: string | null; // the same as a message for notes: `${cellLabel(cell)}: ${reason}`
}

/**
 * L at grok, the one definition every path uses (the paper's runner and make_paper_numbers.py): the
 * seed-mean logit scale at the logged step nearest the median T_grok of the grokked seeds, the earlier
 * step on a tie (NumPy's argmin). The logged steps are step 1 and every log_every steps up to the
 * cell's end, every seed trained to that end (train/cell-end.ts).
 */
export function logitAtGrok(series: CellSeries, tGrokMedian: number): Outcome<{ L: number; step: number }> {
  const i = nearestStepIndex(series.step, tGrokMedian);
  const v = i === null ? undefined : series.logit_scale[i];
  if (i === null || v === undefined) return fail("no logged steps, so no logit scale at grok");
  if (!Number.isFinite(v)) return fail(`logit scale at step ${series.step[i]} is not finite`);
  return ok({ L: v, step: series.step[i]! });
}

export function summarizeCell(cell: CellRecord): CellSummary {
  const seeds = cell.seeds;
  const count = (st: SeedRecord["status"]) => seeds.filter((s) => s.status === st).length;
  const tg = grokTime(seeds);
  const grokked = seeds.filter((s) => s.T_grok !== null).map((s) => s.T_grok!);
  // L is read at the grokked seeds' median even when the cell fails the half rule (it is shown, and
  // the cell is dropped from the analyses by `dropped`), as the paper's runner reads it
  const at = grokked.length > 0 ? logitAtGrok(cell.series, median(grokked)) : null;
  let dropped: string | null = tg.ok ? null : tg.reason;
  if (dropped === null && at !== null && !at.ok) dropped = at.reason;
  return {
    cell,
    S: seeds.length,
    nGrokked: grokked.length,
    nCensored: count("censored"),
    nDiverged: count("diverged"),
    T_grok: tg.ok ? tg.value : null,
    T_mem: memTime(seeds),
    L: at?.ok ? at.value.L : null,
    L_step: at?.ok ? at.value.step : null,
    norm: normAtGrok(seeds),
    reason: dropped,
    dropped: dropped === null ? null : `${cellLabel(cell)}: ${dropped}`,
  };
}

/** A summary the experiments can use: it counts and has T_grok and L. */
export interface UsableCell extends CellSummary {
  T_grok: number;
  L: number;
  L_step: number;
}

export function usable(s: CellSummary): s is UsableCell {
  return s.dropped === null && s.T_grok !== null && s.L !== null;
}
