// AdamW (docs/study.md §4): β = (0.9, 0.999), ε = 1e-8, bias-corrected moments; decoupled weight decay applied
// after the Adam update as w ← w − lr·λ·w, on weight matrices only (never biases).

import type { Kernels } from "../kernels/types.js";
import type { ParamSet } from "../models/params.js";
import { pow } from "../base/fdlibm.js";

export interface AdamHyper {
  lr: number;
  wd: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** One update at step t (1-based), from the gradients in P.grad. */
export function adamwStep(k: Kernels, P: ParamSet, t: number, h: AdamHyper): void {
  // fdlibm's pow, not Math.pow: engines' Math.pow differ in the last bit (src/base/fdlibm.ts)
  const bc1 = 1 - pow(h.beta1, t);
  const bc2 = 1 - pow(h.beta2, t);
  const nm = P.matrixCount;
  const nb = P.count - nm;
  k.adamw(nm, P.matrices(P.data), P.matrices(P.grad), P.matrices(P.m), P.matrices(P.v), h.lr, h.beta1, h.beta2, h.eps, bc1, bc2, h.wd);
  if (nb > 0) k.adamw(nb, P.biases(P.data), P.biases(P.grad), P.biases(P.m), P.biases(P.v), h.lr, h.beta1, h.beta2, h.eps, bc1, bc2, 0);
}
