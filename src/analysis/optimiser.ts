// E11 for one learning-rate arm at one modulus (docs/study.md §11): E3's grid fits (R²(L), R²(ρ),
// ΔR²; collapse.ts) over the arm's cells, and E2's recovery fraction (mediation.ts) with the grid's
// ρ 1 τ 1 cell as the baseline and its ρ 1.15 cells over τ as the norm-up sweep. Both arms draw one
// bootstrap stream, so their intervals use the same resampled seeds. Computes nothing new.

import type { BootstrapOptions } from "./bootstrap.js";
import { collapseGrid, type CollapseResult } from "./collapse.js";
import { mediation, type MediationResult } from "./mediation.js";
import { fail, type Outcome } from "./outcome.js";
import { cellLabel, type CellRecord } from "./records.js";
import type { OptimiserArm } from "./routing.js";

/** The norm-up ρ of the recovery fraction: E2's (docs/study.md §7). */
export const UP_RHO = 1.15;

export interface OptimiserResult {
  arm: OptimiserArm;
  p: number;
  grid: Outcome<CollapseResult>;
  recovery: Outcome<MediationResult>;
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** Why a cell does not belong to its arm: grid-lr scales lr at every ρ ≠ 1, grid never (null: it belongs). */
function armMismatch(arm: OptimiserArm, c: CellRecord): string | null {
  if (c.config === null) return null; // no config to check (the arm is taken as given)
  const scaled = c.config.lr_scale_with_rho === true;
  const want = arm === "grid-lr" && !near(c.rho, 1);
  return scaled === want ? null : `${cellLabel(c)}: ${scaled ? "scales" : "does not scale"} lr by rho, unlike the rest of arm ${arm}`;
}

export function optimiserResult(arm: OptimiserArm, p: number, cells: readonly CellRecord[], boot: BootstrapOptions): OptimiserResult {
  const bad = cells.map((c) => armMismatch(arm, c)).filter((m): m is string => m !== null);
  if (bad.length) {
    const r = fail<never>(`the arm mixes learning-rate rules: ${bad.join("; ")}`);
    return { arm, p, grid: r, recovery: r };
  }
  const bases = cells.filter((c) => near(c.rho, 1) && near(c.tau, 1));
  const ups = cells.filter((c) => near(c.rho, UP_RHO));
  const recovery =
    bases.length !== 1
      ? fail<MediationResult>(bases.length === 0 ? "no baseline cell (rho 1, tau 1)" : `${bases.length} baseline cells (rho 1, tau 1); expected one`)
      : mediation(bases[0]!, ups, boot, `recovery:optimiser:p${p}`);
  return { arm, p, grid: collapseGrid(cells), recovery };
}
