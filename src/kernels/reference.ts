// The reference kernels: plain TypeScript loops that define what every kernel means, simple enough to
// be obviously right. Sums accumulate in float64 (GEMM, column sums, norms); in the f32 path every
// other operation is rounded to float32 (Math.fround). Cross-entropy, softmax probabilities and AdamW
// follow PyTorch's CPU kernels operation by operation (log_softmax = (x − m) − log Σ exp(x − m) with
// torch's lane-wise sum, its backward, the release's AdamW tensor ops), so softmax collapse happens
// here where it does in torch; f32 exp, erf and GELU are math32.ts's float32 algorithms. Not fast.

import { type DType, type FArray, rounder } from "../base/dtype.js";
import { gelu, geluAndGrad, geluGrad } from "./erf.js";
import { makeLaneSum } from "./lane-sum.js";
import { expf, fmaf, gelu32, geluAndGrad32 } from "./math32.js";
import { stablemaxKernel } from "./stablemax.js";
import type { Kernels, LogitStats } from "./types.js";

export function referenceKernels(dtype: DType): Kernels {
  const r = rounder(dtype);
  const f32 = dtype === "f32";
  /** exp in the working precision: float32 expf, or float64 Math.exp. */
  const ex = f32 ? expf : Math.exp;
  const pair: [number, number] = [0, 0];
  /** a·b + c rounded once (f32: fmaf), as torch's compiled float32 kernels fuse; f64 rounds twice. */
  const fma = f32 ? fmaf : (a: number, b: number, c: number) => a * b + c;
  const geluPair = f32 ? geluAndGrad32 : geluAndGrad;
  let scratch = new Float64Array(256);
  let scratch2 = new Float64Array(256);
  const rowScratch = (n: number): Float64Array => {
    if (scratch.length < n) scratch = new Float64Array(n);
    return scratch;
  };
  const rowScratch2 = (n: number): [Float64Array, Float64Array] => {
    if (scratch2.length < n) scratch2 = new Float64Array(n);
    return [rowScratch(n), scratch2];
  };

  /** Σ in PyTorch's vectorised reduction order (lane-sum.ts). */
  const laneSum = makeLaneSum(dtype);
  const stablemax = stablemaxKernel(dtype);

  /**
   * Row `off` of x = z/τ (rounded) in PyTorch's log_softmax order: m = max x, xm_k = x_k − m,
   * e_k = exp(xm_k), s = laneSum(e). Writes xm into xm and e into e, returns s; the argmax (first
   * index wins) is left in rowArg.
   */
  let rowArg = 0;
  const expRow = (cols: number, z: FArray, off: number, tau: number, xm: Float64Array, e: Float64Array): number => {
    let m = -Infinity;
    rowArg = 0;
    for (let k = 0; k < cols; k++) {
      const x = r(z[off + k]! / tau);
      xm[k] = x;
      if (x > m) {
        m = x;
        rowArg = k;
      }
    }
    for (let k = 0; k < cols; k++) {
      xm[k] = r(xm[k]! - m);
      e[k] = ex(xm[k]!);
    }
    return laneSum(e, cols);
  };
  return {
    name: "reference",
    dtype,

    gemm(transA, transB, M, N, K, A, B, C, beta) {
      const acc = rowScratch(N);
      for (let i = 0; i < M; i++) {
        if (transB) {
          for (let j = 0; j < N; j++) {
            let s = 0;
            for (let p = 0; p < K; p++) s += (transA ? A[p * M + i]! : A[i * K + p]!) * B[j * K + p]!;
            acc[j] = s;
          }
        } else {
          acc.fill(0, 0, N);
          for (let p = 0; p < K; p++) {
            const a = transA ? A[p * M + i]! : A[i * K + p]!;
            const off = p * N;
            for (let j = 0; j < N; j++) acc[j] += a * B[off + j]!;
          }
        }
        const o = i * N;
        for (let j = 0; j < N; j++) C[o + j] = beta === 1 ? C[o + j]! + acc[j]! : acc[j]!;
      }
    },

    add(n, a, b, out) {
      for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
    },
    mul(n, a, b, out, beta) {
      for (let i = 0; i < n; i++) out[i] = beta === 1 ? out[i]! + r(a[i]! * b[i]!) : a[i]! * b[i]!;
    },
    scale(n, s, a, out, beta) {
      const sr = r(s);
      for (let i = 0; i < n; i++) out[i] = beta === 1 ? out[i]! + r(sr * a[i]!) : sr * a[i]!;
    },
    addRowVec(rows, cols, x, bias, out) {
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = x[i * cols + j]! + bias[j]!;
    },
    sumRows(rows, cols, x, out, beta) {
      const acc = rowScratch(cols);
      acc.fill(0, 0, cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) acc[j] += x[i * cols + j]!;
      for (let j = 0; j < cols; j++) out[j] = beta === 1 ? out[j]! + acc[j]! : acc[j]!;
    },
    sumSquares(n, x) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
      return s;
    },

    gatherRows(n, cols, table, idx, out) {
      for (let i = 0; i < n; i++) {
        const t = idx[i]! * cols;
        for (let j = 0; j < cols; j++) out[i * cols + j] = table[t + j]!;
      }
    },
    scatterAddRows(n, cols, g, idx, tableGrad) {
      for (let i = 0; i < n; i++) {
        const t = idx[i]! * cols;
        for (let j = 0; j < cols; j++) tableGrad[t + j] = tableGrad[t + j]! + g[i * cols + j]!;
      }
    },
    gatherAdd2(n, cols, tA, ia, tB, ib, bias, out) {
      for (let i = 0; i < n; i++) {
        const a = ia[i]! * cols;
        const b = ib[i]! * cols;
        for (let j = 0; j < cols; j++) out[i * cols + j] = r(tA[a + j]! + tB[b + j]!) + bias[j]!;
      }
    },

    geluForward(n, x, out) {
      if (f32) for (let i = 0; i < n; i++) out[i] = gelu32(x[i]!);
      else for (let i = 0; i < n; i++) out[i] = gelu(x[i]!);
    },
    geluForwardGrad(n, x, y, dydx) {
      for (let i = 0; i < n; i++) {
        geluPair(x[i]!, pair);
        y[i] = pair[0];
        dydx[i] = pair[1];
      }
    },
    geluBackward(n, x, gy, gx, beta) {
      for (let i = 0; i < n; i++) {
        let g: number;
        if (f32) {
          geluAndGrad32(x[i]!, pair);
          g = pair[1];
        } else g = geluGrad(x[i]!);
        const d = r(gy[i]! * g);
        gx[i] = beta === 1 ? gx[i]! + d : d;
      }
    },

    gatherAdd2Gelu(n, cols, tA, ia, tB, ib, bias, y, dydx) {
      for (let i = 0; i < n; i++) {
        const a = ia[i]! * cols;
        const b = ib[i]! * cols;
        const o = i * cols;
        for (let j = 0; j < cols; j++) {
          const pre = r(r(tA[a + j]! + tB[b + j]!) + bias[j]!);
          if (dydx) {
            geluPair(pre, pair);
            y[o + j] = pair[0];
            dydx[o + j] = pair[1];
          } else y[o + j] = f32 ? gelu32(pre) : gelu(pre);
        }
      }
    },
    gatherAdd2GeluBackward(n, cols, gy, dydx, ia, ib, tAGrad, tBGrad, biasGrad, beta) {
      const acc = rowScratch(cols);
      acc.fill(0, 0, cols);
      for (let i = 0; i < n; i++) {
        const a = ia[i]! * cols;
        const b = ib[i]! * cols;
        const o = i * cols;
        for (let j = 0; j < cols; j++) {
          const g = r(gy[o + j]! * dydx[o + j]!);
          if (tAGrad) tAGrad[a + j] = tAGrad[a + j]! + g;
          if (tBGrad) tBGrad[b + j] = tBGrad[b + j]! + g;
          acc[j] += g;
        }
      }
      if (biasGrad) for (let j = 0; j < cols; j++) biasGrad[j] = beta === 1 ? biasGrad[j]! + acc[j]! : acc[j]!;
    },

    softmaxCrossEntropy(rows, cols, z, labels, tau, dz, gradScale) {
      const [xm, e] = rowScratch2(cols);
      const t = r(tau);
      const c = r(gradScale / rows);
      let total = 0;
      for (let i = 0; i < rows; i++) {
        const off = i * cols;
        const y = labels[i]!;
        const ls = r(Math.log(expRow(cols, z, off, t, xm, e)));
        total -= r(xm[y]! - ls);
        if (!dz) continue;
        for (let k = 0; k < cols; k++) {
          const p = ex(r(xm[k]! - ls));
          const d = k === y ? fma(p, c, -c) : r(p * c);
          dz[off + k] = t === 1 ? d : r(d / t);
        }
      }
      return total / rows;
    },
    stablemaxCrossEntropy: (rows, cols, z, labels, tau, dz, gradScale) => stablemax.crossEntropy(rows, cols, z, labels, tau, dz, gradScale),
    mse(rows, cols, z, labels, tau, dz, gradScale) {
      const t = r(tau);
      const c = r(gradScale / rows);
      let total = 0;
      for (let i = 0; i < rows; i++) {
        const off = i * cols;
        const y = labels[i]!;
        let s = 0;
        for (let k = 0; k < cols; k++) {
          const d = r(r(z[off + k]! / t) - (k === y ? 1 : 0));
          s = r(s + r(d * d));
          if (!dz) continue;
          const g = r(c * (2 * d));
          dz[off + k] = t === 1 ? g : r(g / t);
        }
        total += s;
      }
      return total / rows;
    },
    logitStats(rows, cols, z, labels, tau, loss) {
      const [xm, e] = rowScratch2(cols);
      const t = r(tau);
      const st: LogitStats = { correct: 0, l2sum: 0, saturated: 0, collapsed: 0, lossSum: 0 };
      for (let i = 0; i < rows; i++) {
        const off = i * cols;
        const y = labels[i]!;
        let sq = 0;
        for (let k = 0; k < cols; k++) {
          const x = z[off + k]! / tau;
          sq += x * x;
        }
        st.l2sum += Math.sqrt(sq);
        const s = expRow(cols, z, off, t, xm, e);
        const inv = r(1 / s);
        if (rowArg === y) st.correct++;
        if (r(e[rowArg]! * inv) > r(0.999)) st.saturated++;
        if (r(e[y]! * inv) >= 1) st.collapsed++;
        if (loss === "ce") st.lossSum -= r(xm[y]! - r(Math.log(s)));
        else if (loss === "mse") {
          let q = 0;
          for (let k = 0; k < cols; k++) {
            const d = r(r(z[off + k]! / t) - (k === y ? 1 : 0));
            q = r(q + r(d * d));
          }
          st.lossSum += q;
        }
      }
      if (loss === "stablemax") st.lossSum = stablemax.lossSum(rows, cols, z, labels, tau);
      return st;
    },

    softmaxRows(rows, cols, x, y) {
      for (let i = 0; i < rows; i++) {
        const off = i * cols;
        let m = -Infinity;
        for (let k = 0; k < cols; k++) m = Math.max(m, x[off + k]!);
        let s = 0;
        for (let k = 0; k < cols; k++) {
          const e = r(Math.exp(r(x[off + k]! - m)));
          y[off + k] = e;
          s = r(s + e);
        }
        for (let k = 0; k < cols; k++) y[off + k] = y[off + k]! / s;
      }
    },
    sharedAttentionForward(B, T, heads, d, probs, V, idx, Y) {
      const dh = d / heads;
      const acc = rowScratch(d);
      for (let b = 0; b < B; b++) {
        acc.fill(0, 0, d);
        for (let j = 0; j < T; j++) {
          const vo = idx[b * T + j]! * d;
          for (let h = 0; h < heads; h++) {
            const pj = probs[(b * heads + h) * T + j]!;
            for (let e = h * dh; e < (h + 1) * dh; e++) acc[e] += pj * V[vo + e]!;
          }
        }
        for (let e = 0; e < d; e++) Y[b * d + e] = acc[e]!;
      }
    },
    sharedAttentionBackward(B, T, heads, d, probs, G, V, idx, gProbs, gvSum) {
      const dh = d / heads;
      for (let b = 0; b < B; b++) {
        const go = b * d;
        for (let j = 0; j < T; j++) {
          const vo = idx[b * T + j]! * d;
          for (let h = 0; h < heads; h++) {
            const pi = (b * heads + h) * T + j;
            const e0 = h * dh;
            const pj = probs[pi]!;
            let s = 0;
            for (let e = e0; e < e0 + dh; e++) s += G[go + e]! * V[vo + e]!; // ∂L/∂P = G·v
            if (gvSum) for (let e = e0; e < e0 + dh; e++) gvSum[vo + e] += pj * G[go + e]!; // ∂L/∂v += P·G
            gProbs[pi] = s;
          }
        }
      }
    },
    softmaxRowsBackward(rows, cols, y, gy, gx, beta) {
      for (let i = 0; i < rows; i++) {
        const off = i * cols;
        let dot = 0;
        for (let k = 0; k < cols; k++) dot += gy[off + k]! * y[off + k]!;
        const d = r(dot);
        for (let k = 0; k < cols; k++) {
          const v = r(y[off + k]! * r(gy[off + k]! - d));
          gx[off + k] = beta === 1 ? gx[off + k]! + v : v;
        }
      }
    },
    layerNorm(rows, cols, x, y, mean, rstd, eps) {
      for (let i = 0; i < rows; i++) {
        const off = i * cols;
        let s = 0;
        for (let k = 0; k < cols; k++) s += x[off + k]!;
        const mu = s / cols;
        let v = 0;
        for (let k = 0; k < cols; k++) v += (x[off + k]! - mu) * (x[off + k]! - mu);
        const rs = 1 / Math.sqrt(v / cols + eps);
        for (let k = 0; k < cols; k++) y[off + k] = (x[off + k]! - mu) * rs;
        mean[i] = mu;
        rstd[i] = rs;
      }
    },
    layerNormBackward(rows, cols, y, rstd, gy, gx, beta) {
      for (let i = 0; i < rows; i++) {
        const off = i * cols;
        let sg = 0;
        let sgy = 0;
        for (let k = 0; k < cols; k++) {
          sg += gy[off + k]!;
          sgy += gy[off + k]! * y[off + k]!;
        }
        const mg = sg / cols;
        const mgy = sgy / cols;
        const rs = rstd[i]!;
        for (let k = 0; k < cols; k++) {
          const v = rs * (gy[off + k]! - mg - y[off + k]! * mgy);
          gx[off + k] = beta === 1 ? gx[off + k]! + v : v;
        }
      }
    },

    adamw(n, w, g, m, v, lr, beta1, beta2, eps, bc1, bc2, wd) {
      // PyTorch's tensor ops in the release's order, each rounding in the working precision, scalars
      // rounded to it first: m = fma(g, 1−β1, m·β1); v = fma((1−β2)·g, g, v·β2); w += (−lr·m̂)/(√v̂ + ε)
      // with m̂ = m/bc1, v̂ = v/bc2; then w = fma(w, −lr·wd, w). f32 fma is fmaf (torch's vectorised add
      // and addcmul fuse); f64 has no exact fma here, so its fmas round twice.
      const [B1, A1, B2, A2] = [r(beta1), r(1 - beta1), r(beta2), r(1 - beta2)];
      const [C1, C2, E, LR, D] = [r(bc1), r(bc2), r(eps), r(-lr), r(-lr * wd)];
      for (let i = 0; i < n; i++) {
        const gi = g[i]!;
        const mi = fma(gi, A1, r(m[i]! * B1));
        const vi = fma(r(A2 * gi), gi, r(v[i]! * B2));
        m[i] = mi;
        v[i] = vi;
        const den = r(r(Math.sqrt(r(vi / C2))) + E);
        const wi = r(w[i]! + r(r(LR * r(mi / C1)) / den));
        w[i] = wd === 0 ? wi : fma(wi, D, wi);
      }
    },
  };
}
