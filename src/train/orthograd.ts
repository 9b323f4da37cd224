// ⊥Grad (docs/study.md §11, E10), as Prieto et al. define it: before the optimiser step, each parameter
// tensor's gradient g loses its component along the tensor w, g⊥ = g − (w·g / (w·w + 1e-30))·w, and is
// rescaled to g's norm, g ← g⊥·‖g‖/(‖g⊥‖ + 1e-30). The update then cannot merely scale the weights (and
// so the logits) up. Dot products and norms accumulate in float64 and round once; every other
// operation rounds in the working precision.

import { rounder } from "../base/dtype.js";
import type { ParamSet } from "../models/params.js";

/** Projects every parameter tensor's gradient in P.grad, in place. */
export function orthogonalizeGradients(P: ParamSet): void {
  const r = rounder(P.dtype);
  const eps = r(1e-30);
  for (const e of P.entries) {
    const w = P.slice(P.data, e.name);
    const g = P.slice(P.grad, e.name);
    let ww = 0;
    let wg = 0;
    let gg = 0;
    for (let i = 0; i < e.size; i++) {
      ww += w[i]! * w[i]!;
      wg += w[i]! * g[i]!;
      gg += g[i]! * g[i]!;
    }
    const proj = r(r(wg) / r(r(ww) + eps));
    let oo = 0;
    for (let i = 0; i < e.size; i++) {
      const o = r(g[i]! - r(proj * w[i]!));
      g[i] = o;
      oo += o * o;
    }
    const scale = r(r(Math.sqrt(gg)) / r(r(Math.sqrt(oo)) + eps));
    for (let i = 0; i < e.size; i++) g[i] = r(g[i]! * scale);
  }
}
