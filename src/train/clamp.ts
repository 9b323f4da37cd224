// Norm interventions (SPEC §5), applied after the optimiser step and the decay. The global clamp
// multiplies all weight matrices by one scalar so that ‖W‖ equals the target; the layer-allocation
// clamp keeps the total and W1's share, and gives W2 the fraction θ = clip(θ0·(1+γ), 0.02, 0.98) of
// the E + W2 power, E the rest. Adam moments are never touched.

import type { Kernels } from "../kernels/types.js";
import type { ParamSet } from "../models/params.js";
import { matrixPowers } from "../metrics/norms.js";
import { rounder } from "../tensor/dtype.js";

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
 * The allocation clamp for a model with matrices named embedding (E), "W1" and "W2": total power
 * target², W1 keeps its current share of it, W2 gets θ of the rest, E gets 1 − θ.
 */
export function clampAllocation(k: Kernels, P: ParamSet, target: number, theta: number, embedding = "E"): void {
  const pw = matrixPowers(k, P);
  const total = Object.values(pw).reduce((a, b) => a + b, 0);
  if (!(total > 0)) return;
  const t2 = target * target;
  const want: Record<string, number> = {};
  const w1Share = (pw["W1"] ?? 0) / total;
  const rest = t2 * (1 - w1Share);
  want["W1"] = t2 * w1Share;
  want["W2"] = rest * theta;
  want[embedding] = rest * (1 - theta);
  for (const e of P.entries) {
    if (!e.matrix) continue;
    const cur = pw[e.name]!;
    const tgt = want[e.name];
    if (tgt === undefined) throw new Error(`allocation clamp: unexpected matrix ${e.name}`);
    if (cur > 0) {
      const s = P.slice(P.data, e.name);
      k.scale(s.length, Math.sqrt(tgt / cur), s, s, 0);
    }
  }
}
