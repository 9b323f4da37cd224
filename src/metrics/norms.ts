// Weight norms (docs/study.md §5-6): the global ‖W‖ = sqrt(Σ over weight matrices of ‖M‖_F²), biases excluded,
// and each matrix's own Frobenius norm. Sums of squares are accumulated in float64 by the kernels.

import type { Kernels } from "../kernels/types.js";
import type { ParamSet } from "../models/params.js";

export function weightNorm(k: Kernels, P: ParamSet): number {
  return Math.sqrt(k.sumSquares(P.matrixCount, P.data));
}

export function matrixNorms(k: Kernels, P: ParamSet): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of P.entries) if (e.matrix) out[e.name] = Math.sqrt(k.sumSquares(e.size, P.slice(P.data, e.name)));
  return out;
}

/** Squared norm of each weight matrix, by name. */
export function matrixPowers(k: Kernels, P: ParamSet): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of P.entries) if (e.matrix) out[e.name] = k.sumSquares(e.size, P.slice(P.data, e.name));
  return out;
}
