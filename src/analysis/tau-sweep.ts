// E4/E5: the per-tau table of a mediation sweep (CE or MSE): T_grok, T_mem, delay = T_grok - T_mem
// (cell medians) and L, for the baseline and each norm-up cell; and the share of the change in
// T_grok across the sweep (lowest to highest tau, norm-up cells) that the delay carries:
// (delay_hi - delay_lo) / (T_grok_hi - T_grok_lo). 1 means T_mem did not move. Not the recovery.

import { summarizeCell } from "./cell-stats.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { CellRecord } from "./records.js";

export interface TauRow {
  arm: string;
  rho: number;
  tau: number;
  T_grok: number | null;
  T_mem: number | null;
  delay: number | null;
  L: number | null;
  reason: string | null; // why the cell does not count (CellSummary.reason)
  dropped: string | null; // that as a labelled message (CellSummary.dropped)
}

export interface TauSweep {
  rows: TauRow[]; // baseline first, then norm-up cells by tau
  delayShare: Outcome<number>;
  L_range: [number, number] | null; // over all counting rows
  T_mem_range: [number, number] | null; // over the norm-up rows
}

export function tauSweep(base: CellRecord | null, ups: readonly CellRecord[]): TauSweep {
  const cells = [...(base ? [base] : []), ...[...ups].sort((a, b) => a.tau - b.tau)];
  const rows: TauRow[] = cells.map((c) => {
    const s = summarizeCell(c);
    const delay = s.T_grok !== null && s.T_mem !== null ? s.T_grok - s.T_mem : null;
    return { arm: c.arm, rho: c.rho, tau: c.tau, T_grok: s.T_grok, T_mem: s.T_mem, delay, L: s.L, reason: s.reason, dropped: s.dropped };
  });
  const upRows = rows.slice(base ? 1 : 0).filter((r) => r.delay !== null);
  const range = (v: number[]): [number, number] | null => (v.length ? [Math.min(...v), Math.max(...v)] : null);
  return {
    rows,
    delayShare: share(upRows),
    L_range: range(rows.filter((r) => r.L !== null).map((r) => r.L!)),
    T_mem_range: range(upRows.map((r) => r.T_mem!)),
  };
}

function share(up: TauRow[]): Outcome<number> {
  if (up.length < 2) return fail("the delay share needs at least two counting norm-up cells");
  const lo = up[0]!;
  const hi = up[up.length - 1]!;
  const dT = hi.T_grok! - lo.T_grok!;
  if (dT === 0) return fail("T_grok does not change across the tau sweep; the delay share is undefined");
  return ok((hi.delay! - lo.delay!) / dT);
}
