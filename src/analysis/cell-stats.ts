// Cell statistics with censoring (SPEC section 6): a cell's T_grok and T_mem are medians over the
// seeds that reached them; the cell counts only if at least half its seeds grok; its L is the
// seed-mean logit scale at the logged step nearest its median T_grok; its norm is the median
// ||W|| at grok over grokked seeds. Censored seeds are never imputed. No experiment logic here.

import { fail, ok, type Outcome } from "./outcome.js";
import { cellLabel, type CellRecord, type SeedRecord } from "./records.js";
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
  dropped: string | null; // why the cell does not count (null when it does)
}

export function summarizeCell(cell: CellRecord): CellSummary {
  const seeds = cell.seeds;
  const count = (st: SeedRecord["status"]) => seeds.filter((s) => s.status === st).length;
  const tg = grokTime(seeds);
  let L: number | null = null;
  let L_step: number | null = null;
  let dropped: string | null = tg.ok ? null : tg.reason;
  if (tg.ok) {
    const i = nearestStepIndex(cell.series.step, tg.value);
    const v = i === null ? undefined : cell.series.logit_scale[i];
    if (i === null || v === undefined) dropped = "no logged steps, so no logit scale at grok";
    else if (!Number.isFinite(v)) dropped = `logit scale at step ${cell.series.step[i]} is not finite`;
    else {
      L = v;
      L_step = cell.series.step[i]!;
    }
  }
  return {
    cell,
    S: seeds.length,
    nGrokked: seeds.filter((s) => s.T_grok !== null).length,
    nCensored: count("censored"),
    nDiverged: count("diverged"),
    T_grok: tg.ok ? tg.value : null,
    T_mem: memTime(seeds),
    L,
    L_step,
    norm: normAtGrok(seeds),
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
