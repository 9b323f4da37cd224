// E7 transformer effect: over the norm-up cells of the no-LayerNorm transformer (one rho, a tau
// sweep), T_grok at the lowest tau divided by T_grok at the highest tau; the baseline's T_grok is
// reported beside it. Uses cells that count only. The transformer's recovery is mediation.ts's job.

import { summarizeCell } from "./cell-stats.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { CellRecord } from "./records.js";

export interface TauEffect {
  effect: number; // T_grok(lowest tau) / T_grok(highest tau)
  tauLo: number;
  tauHi: number;
  baseline_T_grok: number | null;
  rows: Array<{ tau: number; T_grok: number | null; dropped: string | null }>;
}

export function tauEffect(base: CellRecord | null, ups: readonly CellRecord[]): Outcome<TauEffect> {
  const rows = ups
    .map((c) => {
      const s = summarizeCell(c);
      return { tau: c.tau, T_grok: s.T_grok, dropped: s.dropped };
    })
    .sort((a, b) => a.tau - b.tau);
  const good = rows.filter((r) => r.T_grok !== null);
  if (good.length < 2 || good[0]!.tau === good[good.length - 1]!.tau) {
    return fail(`the tau effect needs counting cells at two or more tau values, got ${good.length}`);
  }
  const lo = good[0]!;
  const hi = good[good.length - 1]!;
  return ok({
    effect: lo.T_grok! / hi.T_grok!,
    tauLo: lo.tau,
    tauHi: hi.tau,
    baseline_T_grok: base ? summarizeCell(base).T_grok : null,
    rows,
  });
}
