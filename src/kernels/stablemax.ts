// StableMax cross-entropy (docs/study.md §11, E10): softmax's exp replaced by s(x) = x + 1 for x ≥ 0
// and 1/(1 − x) for x < 0, which grows linearly instead of exponentially, so a confident row's
// probabilities do not round to exactly 1 (no softmax collapse). Loss of a row: −log(s(x_y)/Σ_k s(x_k))
// with x = z/τ; the mean over rows as for CE. One plain-TypeScript implementation serves both kernel
// backends (the wasm backend passes views of its memory), so they agree bit for bit by construction.

import { type DType, type FArray, rounder } from "../base/dtype.js";
import { makeLaneSum } from "./lane-sum.js";

export interface StablemaxKernel {
  /** Mean loss over rows; when dz is given, overwrites it with the gradient times gradScale. */
  crossEntropy(rows: number, cols: number, z: FArray, labels: Int32Array, tau: number, dz: FArray | null, gradScale: number): number;
  /** Σ over rows of the loss, in the working precision per row (the measurement's lossSum). */
  lossSum(rows: number, cols: number, z: FArray, labels: Int32Array, tau: number): number;
}

export function stablemaxKernel(dtype: DType): StablemaxKernel {
  const r = rounder(dtype);
  const laneSum = makeLaneSum(dtype);
  // the published StableMax adds 1e-30 under the reciprocal (no effect in either precision at |x| ≥ 1e-7)
  const EPS = r(1e-30);
  let s = new Float64Array(256);

  /** s_k = s(x_k) for row `off` of x = z/τ (τ rounded first); returns Σ_k s_k in torch's lane order. */
  const row = (cols: number, z: FArray, off: number, t: number): number => {
    if (s.length < cols) s = new Float64Array(cols);
    for (let k = 0; k < cols; k++) {
      const x = t === 1 ? z[off + k]! : r(z[off + k]! / t);
      s[k] = x < 0 ? r(1 / r(r(1 - x) + EPS)) : r(x + 1);
    }
    return laneSum(s, cols);
  };

  const lossSum = (rows: number, cols: number, z: FArray, labels: Int32Array, tau: number): number => {
    const t = r(tau);
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const S = row(cols, z, i * cols, t);
      total -= r(Math.log(r(s[labels[i]!]! / S)));
    }
    return total;
  };

  return {
    lossSum,
    crossEntropy(rows, cols, z, labels, tau, dz, gradScale) {
      if (!dz) return lossSum(rows, cols, z, labels, tau) / rows;
      const t = r(tau);
      const c = r(gradScale / rows);
      let total = 0;
      for (let i = 0; i < rows; i++) {
        const off = i * cols;
        const y = labels[i]!;
        const S = row(cols, z, off, t);
        total -= r(Math.log(r(s[y]! / S)));
        // d(−log(s_y/S))/dx_k = s'(x_k)/S − [k = y]·s'(x_y)/s_y, with s'(x) = 1 (x ≥ 0) or s(x)² (x < 0)
        for (let k = 0; k < cols; k++) {
          const x = t === 1 ? z[off + k]! : r(z[off + k]! / t);
          const ds = x < 0 ? r(s[k]! * s[k]!) : 1;
          let d = r(c * r(ds / S));
          if (k === y) d = r(d - r(c * r(ds / s[k]!)));
          dz[off + k] = t === 1 ? d : r(d / t);
        }
      }
      return total / rows;
    },
  };
}
