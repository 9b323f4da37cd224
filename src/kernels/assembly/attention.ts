// The transformer's shared-query attention per sequence, for the wasm backend (tensor/ops/attention.ts
// computes the scores once per table row; these are the loops over sequences). The same operations
// in the same order as reference.ts: sums in float64, over j (forward) and over e (backward) in order,
// rounded once; the forward and the value gradient run two float64 lanes of e side by side, each lane
// its own sum. Heads split d evenly; the indices are checked by the caller.

import { L, at, hi64, ld, lo64, st } from "./common";

/** Y(b, e) = Σ_j P(b·heads + h(e), j)·V(idx[b·T + j], e), float64 sums over j in order. */
export function sharedAttentionForward(B: i32, T: i32, heads: i32, d: i32, probs: usize, V: usize, idx: usize, Y: usize): void {
  const dh = d / heads;
  const dv = dh & ~(L - 1); // whole vectors per head
  for (let b = 0; b < B; b++) {
    const rows = idx + (<usize>(b * T) << 2);
    for (let h = 0; h < heads; h++) {
      const pRow = (b * heads + h) * T;
      const e0 = h * dh;
      let e = e0;
      for (; e < e0 + dv; e += L) {
        let a0 = f64x2.splat(0);
        let a1 = a0;
        for (let j = 0; j < T; j++) {
          const pj = f64x2.splat(<f64>ld(probs, pRow + j));
          const v = v128.load(at(V, load<i32>(rows + (<usize>j << 2)) * d + e));
          a0 = f64x2.add(a0, f64x2.mul(pj, lo64(v)));
          if (sizeof<float>() == 4) a1 = f64x2.add(a1, f64x2.mul(pj, hi64(v)));
        }
        if (sizeof<float>() == 4) v128.store(at(Y, b * d + e), i64x2.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 2));
        else v128.store(at(Y, b * d + e), a0);
      }
      for (; e < e0 + dh; e++) {
        let a: f64 = 0;
        for (let j = 0; j < T; j++) a += <f64>ld(probs, pRow + j) * <f64>ld(V, load<i32>(rows + (<usize>j << 2)) * d + e);
        st(Y, b * d + e, <float>a);
      }
    }
  }
}

/**
 * gProbs(b·heads + h, j) = Σ_{e in head h} G(b, e)·V(idx[b·T + j], e), float64 over e in order; and,
 * unless gvSum is 0, gvSum(idx[b·T + j], e) += P(b·heads + h, j)·G(b, e) (float64), b then j in order.
 */
export function sharedAttentionBackward(B: i32, T: i32, heads: i32, d: i32, probs: usize, G: usize, V: usize, idx: usize, gProbs: usize, gvSum: usize): void {
  const dh = d / heads;
  const dv = dh & ~(L - 1);
  for (let b = 0; b < B; b++) {
    const g = at(G, b * d);
    for (let j = 0; j < T; j++) {
      const vr = load<i32>(idx + (<usize>(b * T + j) << 2)) * d;
      const v = at(V, vr);
      for (let h = 0; h < heads; h++) {
        const pi = (b * heads + h) * T + j;
        const e0 = h * dh;
        let s: f64 = 0;
        for (let e = e0; e < e0 + dh; e++) s += <f64>ld(g, e) * <f64>ld(v, e);
        st(gProbs, pi, <float>s);
        if (!gvSum) continue;
        const pj = f64x2.splat(<f64>ld(probs, pi));
        const acc = gvSum + (<usize>vr << 3);
        let e = e0;
        for (; e < e0 + dv; e += L) {
          const gg = v128.load(at(g, e));
          const q = acc + (<usize>e << 3);
          v128.store(q, f64x2.add(v128.load(q), f64x2.mul(pj, lo64(gg))));
          if (sizeof<float>() == 4) v128.store(q, f64x2.add(v128.load(q, 16), f64x2.mul(pj, hi64(gg))), 16);
        }
        for (; e < e0 + dh; e++) {
          const q = acc + (<usize>e << 3);
          store<f64>(q, load<f64>(q) + f64x2.extract_lane(pj, 0) * <f64>ld(g, e));
        }
      }
    }
  }
}
