// E6 float64 audit table: for each audit cell (same setting in float32 and float64), the seeds that
// grokked, the median T_grok, and the softmax-collapse rate as the paper's audit reports it: each
// seed's largest rate over its whole run (every seed trained to the cell's last grok, so after its
// own grok too), averaged over the seeds; also the seed-mean rate at the logged step nearest T_grok.
// Cells without per-seed rows (the paper's npz files) show the peak of the seed-mean series instead,
// as make_paper_numbers.py reads its dose files. A table, not a test: the audit's reading is the report's.

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
  /** mean over seeds of each seed's largest collapse rate (or the seed-mean series' peak) */
  collapse_max: number | null;
  /** how collapse_max was read */
  collapse_of: "per-seed max, seed mean" | "seed-mean series peak" | null;
  dropped: string | null;
}

export function auditTable(cells: readonly CellRecord[]): AuditRow[] {
  return cells
    .map((c) => {
      const s = summarizeCell(c);
      const cr = c.series.collapse_rate;
      const finite = cr ? cr.filter(Number.isFinite) : [];
      const i = s.T_grok !== null ? nearestStepIndex(c.series.step, s.T_grok) : null;
      const perSeed = c.seeds.filter((x) => x.status !== "diverged").map((x) => x.collapse_max);
      const seedMax = perSeed.length > 0 && perSeed.every((v): v is number => typeof v === "number") ? perSeed.reduce((a, b) => a + b, 0) / perSeed.length : null;
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
        collapse_max: seedMax ?? (finite.length ? Math.max(...finite) : null),
        collapse_of: seedMax !== null ? ("per-seed max, seed mean" as const) : finite.length ? ("seed-mean series peak" as const) : null,
        dropped: s.dropped,
      };
    })
    .sort((a, b) => a.p - b.p || a.rho - b.rho || a.tau - b.tau || (a.dtype < b.dtype ? -1 : a.dtype > b.dtype ? 1 : 0));
}
