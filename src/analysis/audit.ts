// E6 float64 audit table: for each audit cell (same setting in float32 and float64), the seeds that
// grokked, the median T_grok, and the softmax-collapse rate at the logged step nearest T_grok and at
// its peak over the run (a cell that never groks still shows its peak). A table, not a test: the
// audit's reading (collapse only in float32) is left to the report.

import { nearestStepIndex, summarizeCell } from "./cell-stats.js";
import type { CellRecord } from "./records.js";

export interface AuditRow {
  id: string;
  p: number;
  rho: number;
  tau: number;
  dtype: "f32" | "f64";
  S: number;
  nGrokked: number;
  T_grok: number | null; // null when fewer than half the seeds grokked
  collapse_at_grok: number | null;
  collapse_max: number | null;
  dropped: string | null;
}

export function auditTable(cells: readonly CellRecord[]): AuditRow[] {
  return cells
    .map((c) => {
      const s = summarizeCell(c);
      const cr = c.series.collapse_rate;
      const finite = cr ? cr.filter(Number.isFinite) : [];
      const i = s.T_grok !== null ? nearestStepIndex(c.series.step, s.T_grok) : null;
      return {
        id: c.id,
        p: c.p,
        rho: c.rho,
        tau: c.tau,
        dtype: c.dtype,
        S: s.S,
        nGrokked: s.nGrokked,
        T_grok: s.T_grok,
        collapse_at_grok: cr && i !== null && Number.isFinite(cr[i]) ? cr[i]! : null,
        collapse_max: finite.length ? Math.max(...finite) : null,
        dropped: s.dropped,
      };
    })
    .sort((a, b) => a.p - b.p || a.rho - b.rho || a.tau - b.tau || (a.dtype < b.dtype ? -1 : a.dtype > b.dtype ? 1 : 0));
}
