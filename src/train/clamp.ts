// Norm interventions (docs/study.md §5), applied after the optimiser step and the decay. The global clamp
// multiplies all weight matrices by one scalar so that ‖W‖ equals the target; the layer-allocation
// clamp rescales E, W1 and W2 each to its own target, fixed for the cell as the paper's runner fixes
// them (docs/study.md). Adam moments are never touched.

import type { Kernels } from "../kernels/types.js";
import type { ParamSet } from "../models/params.js";
import { matrixNorms } from "../metrics/norms.js";
import { rounder } from "../base/dtype.js";

/**
 * Rescales every weight matrix by target/(‖W‖ + 1e-12), as the release's clamp does it in PyTorch, every
 * step rounded in the working precision: per-matrix sums of squares (each accumulated in float64, then
 * rounded) added in parameter order, sqrt, + 1e-12, and `target / x` as torch evaluates a scalar over a
 * tensor, (1/x)·target.
 */
export function clampNorm(k: Kernels, P: ParamSet, target: number): void {
  const r = rounder(P.dtype);
  let sq = 0;
  for (const e of P.entries) if (e.matrix) sq = r(sq + r(k.sumSquares(e.size, P.slice(P.data, e.name))));
  if (!(sq > 0)) return;
  const x = r(r(Math.sqrt(sq)) + r(1e-12));
  const m = P.matrices(P.data);
  k.scale(m.length, r(r(1 / x) * r(target)), m, m, 0);
}

export function allocationTheta(theta0: number, gamma: number): number {
  return Math.min(0.98, Math.max(0.02, theta0 * (1 + gamma)));
}

/**
 * The allocation clamp's per-matrix target norms for a cell (the paper's alloc_targets), fixed once:
 * W1 pinned at f_W1 · total, the remaining power split θ = clip(θ0(1 + γ), 0.02, 0.98) to W2 and
 * 1 − θ to E.
 */
export function allocationTargets(total: number, fW1: number, theta0: number, gamma: number): { E: number; W1: number; W2: number } {
  const W1 = fW1 * total;
  const rest = Math.max(total * total - W1 * W1, 1e-8);
  const theta = allocationTheta(theta0, gamma);
  return { E: Math.sqrt((1 - theta) * rest), W1, W2: Math.sqrt(theta * rest) };
}

/** Rescales each of E (named `embedding`), W1 and W2 to its own target norm. */
export function clampAllocation(k: Kernels, P: ParamSet, targets: { E: number; W1: number; W2: number }, embedding = "E"): void {
  const norms = matrixNorms(k, P);
  for (const e of P.entries) {
    if (!e.matrix) continue;
    const name = e.name === embedding ? "E" : e.name;
    if (name !== "E" && name !== "W1" && name !== "W2") throw new Error(`allocation clamp: unexpected matrix ${e.name}`);
    const cur = norms[e.name]!;
    if (cur > 0) {
      const s = P.slice(P.data, e.name);
      k.scale(s.length, targets[name] / cur, s, s, 0);
    }
  }
}
