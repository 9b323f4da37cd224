// E8 allocation swing for one modulus: the layer-allocation cells (gamma set) at one total norm;
// swing = max over gamma of T_grok / min over gamma of T_grok, over the cells that count. The free
// control is not a gamma cell and is not in the swing. No fit across gamma.

import { summarizeCell } from "./cell-stats.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { CellRecord } from "./records.js";

export interface AllocResult {
  swing: number;
  argmax: number; // gamma of the slowest cell
  argmin: number; // gamma of the fastest cell
  rows: Array<{ gamma: number; T_grok: number | null; nGrokked: number; S: number; dropped: string | null }>;
}

export function allocSwing(cells: readonly CellRecord[]): Outcome<AllocResult> {
  const rows = cells
    .filter((c) => c.gamma !== null)
    .map((c) => {
      const s = summarizeCell(c);
      return { gamma: c.gamma!, T_grok: s.T_grok, nGrokked: s.nGrokked, S: s.S, dropped: s.dropped };
    })
    .sort((a, b) => a.gamma - b.gamma);
  const good = rows.filter((r) => r.T_grok !== null);
  if (good.length < 2) return fail(`allocation swing needs at least two counting gamma cells, got ${good.length}`);
  const hi = good.reduce((a, b) => (b.T_grok! > a.T_grok! ? b : a));
  const lo = good.reduce((a, b) => (b.T_grok! < a.T_grok! ? b : a));
  return ok({ swing: hi.T_grok! / lo.T_grok!, argmax: hi.gamma, argmin: lo.gamma, rows });
}
