// Σ of a row in the order of PyTorch's vectorised CPU reductions (vec::reduce_all on AVX-512), as
// the loss kernels need it: below LANES elements left to right; otherwise lane j accumulates e[j],
// e[j+LANES], … and the lanes then fold in halves. Tiny terms thus add up among themselves before
// meeting a large one, as they do in torch. Shared by the reference kernels and StableMax.

import { type DType, rounder } from "../base/dtype.js";

/** A lane-wise summer for one dtype (16 float32 or 8 float64 lanes), every addition rounded. */
export function makeLaneSum(dtype: DType): (e: Float64Array, n: number) => number {
  const r = rounder(dtype);
  const LANES = dtype === "f32" ? 16 : 8;
  const lanes = new Float64Array(LANES);
  return (e, n) => {
    if (n < LANES) {
      let s = e[0]!;
      for (let k = 1; k < n; k++) s = r(s + e[k]!);
      return s;
    }
    lanes.fill(0);
    for (let k = 0; k < n; k++) lanes[k % LANES] = r(lanes[k % LANES]! + e[k]!);
    for (let w = LANES >> 1; w >= 1; w >>= 1) for (let j = 0; j < w; j++) lanes[j] = r(lanes[j]! + lanes[j + w]!);
    return lanes[0]!;
  };
}
