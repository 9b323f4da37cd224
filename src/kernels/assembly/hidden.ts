// The MLP's hidden layer fused into one pass each way, for the wasm backend. Forward: blocks of rows'
// pre-activations tA[ia] + tB[ib] + bias (gatherAdd2's arithmetic) go through scratch in L1 straight
// into the GELU kernels (gelu.ts), so the (n, H) pre-activation never reaches memory. Backward:
// g = gy·GELU'(pre) (rounded, as mul), scattered into both tables' gradients in index order and
// summed per column in float64 in row order (as scatterAddRows and sumRows): one read of gy and
// dydx instead of four passes. The same bits as the unfused kernels, by construction.

import { L, at, hi64, ld, lo64, scratchBase, scratchBytes, st } from "./common";
import { geluForward, geluForwardGrad } from "./gelu";

/** Scratch past what the GELU kernels use (the f32 tail buffer, the f64 lists up to + 12672). */
// @ts-ignore: decorator
@inline const ROWS_AT: usize = 16384;
// @ts-ignore: decorator
@inline function rowBuf(): usize {
  return scratchBase + ROWS_AT;
}

/** Columns of float64 accumulators that fit the scratch after rowBuf (a multiple of 4). */
// @ts-ignore: decorator
@inline function accRoom(): i32 {
  return <i32>((scratchBytes - ROWS_AT) >> 3) & ~3;
}

/**
 * y = GELU(tA[ia[i]] + tB[ib[i]] + bias) over n rows of cols; dydx = GELU'(·) unless dydx is 0. Rows go
 * through scratch in blocks of an even number of rows (about 16 KiB), so the GELU kernels see the
 * same pairs of elements as over the whole array (the f64 kernel's vector and scalar paths may differ
 * in the last bit, so pairing matters there).
 */
export function gatherAdd2Gelu(n: i32, cols: i32, tA: usize, ia: usize, tB: usize, ib: usize, bias: usize, y: usize, dydx: usize): void {
  const buf = rowBuf();
  const rowBytes = <usize>cols * sizeof<float>();
  let block = max(2, <i32>(<usize>16384 / rowBytes) & ~1);
  if (<usize>block * rowBytes > scratchBytes - ROWS_AT) block = 1; // rows wider than half the scratch (not met in practice)
  for (let r0 = 0; r0 < n; r0 += block) {
    const rows = min(block, n - r0);
    for (let r = 0; r < rows; r++) {
      const i = r0 + r;
      const ar = at(tA, load<i32>(ia + (<usize>i << 2)) * cols);
      const br = at(tB, load<i32>(ib + (<usize>i << 2)) * cols);
      const dst = at(buf, r * cols);
      let j = 0;
      for (; j + L <= cols; j += L) {
        const s = v128.add<float>(v128.load(at(ar, j)), v128.load(at(br, j)));
        v128.store(at(dst, j), v128.add<float>(s, v128.load(at(bias, j))));
      }
      for (; j < cols; j++) st(dst, j, ld(ar, j) + ld(br, j) + ld(bias, j));
    }
    const o = r0 * cols;
    if (dydx) geluForwardGrad(rows * cols, buf, at(y, o), at(dydx, o));
    else geluForward(rows * cols, buf, at(y, o));
  }
}

/**
 * g = gy ⊙ dydx (rounded); tAGrad[ia[i]] += g_i and tBGrad[ib[i]] += g_i in index order (a null
 * pointer skips a table); biasGrad = beta·biasGrad + Σ_i g_i in float64, rows in order (unless 0).
 */
export function gatherAdd2GeluBackward(
  n: i32, cols: i32, gy: usize, dydx: usize, ia: usize, ib: usize, tAGrad: usize, tBGrad: usize, biasGrad: usize, beta: i32,
): void {
  const acc = rowBuf();
  const w = min(cols, accRoom());
  for (let j0 = 0; j0 < cols; j0 += w) {
    const wc = min(w, cols - j0);
    memory.fill(acc, 0, <usize>wc << 3);
    const w4 = wc & ~3;
    for (let i = 0; i < n; i++) {
      const o = i * cols + j0;
      const gr = at(gy, o);
      const dr = at(dydx, o);
      const ta = tAGrad ? at(tAGrad, load<i32>(ia + (<usize>i << 2)) * cols + j0) : 0;
      const tb = tBGrad ? at(tBGrad, load<i32>(ib + (<usize>i << 2)) * cols + j0) : 0;
      let j = 0;
      for (; j < w4; j += 4) {
        // four columns: one f32x4 (f32) or two f64x2 (f64)
        for (let h = 0; h < 4; h += L) {
          const g = v128.mul<float>(v128.load(at(gr, j + h)), v128.load(at(dr, j + h)));
          if (ta) v128.store(at(ta, j + h), v128.add<float>(v128.load(at(ta, j + h)), g));
          if (tb) v128.store(at(tb, j + h), v128.add<float>(v128.load(at(tb, j + h)), g));
          const q = acc + (<usize>(j + h) << 3);
          if (sizeof<float>() == 4) {
            v128.store(q, f64x2.add(v128.load(q), lo64(g)));
            v128.store(q, f64x2.add(v128.load(q, 16), hi64(g)), 16);
          } else {
            v128.store(q, f64x2.add(v128.load(q), g));
          }
        }
      }
      for (; j < wc; j++) {
        const g = ld(gr, j) * ld(dr, j);
        if (ta) st(ta, j, ld(ta, j) + g);
        if (tb) st(tb, j, ld(tb, j) + g);
        const q = acc + (<usize>j << 3);
        store<f64>(q, load<f64>(q) + <f64>g);
      }
    }
    if (biasGrad) {
      for (let j = 0; j < wc; j++) {
        const s = load<f64>(acc + (<usize>j << 3));
        st(biasGrad, j0 + j, beta ? <float>(<f64>ld(biasGrad, j0 + j) + s) : <float>s);
      }
    }
  }
}
