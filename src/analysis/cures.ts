// E10 for one cure at one modulus (docs/study.md §11): E2's mediation statistics (T0, T1, T1/T0, T2,
// the recovery fraction and its paired bootstrap interval; mediation.ts) and E3's first fit, ln T_grok
// on L across the cure's counting cells (collapse.ts), over the cure's baseline and norm-up cells.
// Every cure draws the same bootstrap stream as E2's CE group at that modulus, so the cures' intervals
// resample the same seeds, and plain CE's equal E2's when the cells are E2's. Computes nothing new.

import type { Cure } from "../base/cure.js";
import type { BootstrapOptions } from "./bootstrap.js";
import { summarizeCell } from "./cell-stats.js";
import { collapseOnL, type CollapseOnL } from "./collapse.js";
import { mediation, type MediationResult } from "./mediation.js";
import { fail, type Outcome } from "./outcome.js";
import type { CellRecord } from "./records.js";
import { baseAndUps } from "./routing.js";

export interface CureCellRow {
  id: string;
  arm: string;
  rho: number;
  tau: number;
  T_grok: number | null; // median over grokked seeds; null when the cell does not count
  L: number | null; // L at grok (shown even when the cell does not count, as the cell tables do)
  counts: boolean;
}

export interface CureResult {
  cure: Cure;
  p: number;
  recovery: Outcome<MediationResult>; // T0, T1, slowdown = T1/T0, T2, L0, recovery, ci
  onL: Outcome<CollapseOnL>; // ln T_grok on L across the cure's counting cells: does the delay still collapse onto L?
  cells: CureCellRow[];
}

/** The bootstrap stream of E2's CE group at modulus p (analyze.ts uses it for E2 itself). */
export const recoveryStream = (p: number): string => `recovery:mlp:ce_p${p}`;

export function cureResult(cure: Cure, p: number, cells: readonly CellRecord[], boot: BootstrapOptions): CureResult {
  const { base, ups, problem } = baseAndUps(cells);
  const recovery = problem ? fail<MediationResult>(problem) : mediation(base!, ups, boot, recoveryStream(p));
  const rows = cells.map((c): CureCellRow => {
    const s = summarizeCell(c);
    return { id: c.id, arm: c.arm, rho: c.rho, tau: c.tau, T_grok: s.T_grok, L: s.L, counts: s.dropped === null && s.T_grok !== null && s.L !== null };
  });
  return { cure, p, recovery, onL: collapseOnL(cells), cells: rows };
}
