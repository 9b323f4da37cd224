// The kernel interface: every numeric loop the tensor core runs, behind one contract that the
// plain-TypeScript reference (reference.ts) and the WebAssembly SIMD backend (wasm.ts) both meet.
// Arrays are row-major, contiguous, and of the backend's dtype; for the wasm backend they must be
// views over its arena's memory (see base/arena.ts). Kernels never allocate and never keep arrays.
// "beta" arguments: 0 overwrites the output, 1 accumulates into it (gradients use 1).

import type { LossKind } from "../base/config.js";
import type { DType, FArray } from "../base/dtype.js";

export type KernelName = "reference" | "wasm";

/** Statistics of a block of logits against labels, as the measurements need them. */
export interface LogitStats {
  /** rows whose argmax equals the label (first index wins ties) */
  correct: number;
  /** Σ over rows of ‖z/τ‖₂ */
  l2sum: number;
  /** rows whose largest softmax(z/τ) probability exceeds 0.999 (0.999 rounded to the working precision) */
  saturated: number;
  /** rows whose correct-class softmax probability is ≥ 1.0 in the working precision (the release's count) */
  collapsed: number;
  /** Σ over rows of the loss (CE: −log p_y; MSE: Σ_k (z_k/τ − onehot_k)²), in the working precision */
  lossSum: number;
}

export interface Kernels {
  readonly name: KernelName;
  readonly dtype: DType;

  /** C(M,N) = beta·C + op(A)·op(B); op(A) is A (M,K) or, with transA, Aᵀ of a stored (K,M); op(B) is B (K,N) or Bᵀ of a stored (N,K). */
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, A: FArray, B: FArray, C: FArray, beta: 0 | 1): void;

  /** out = a + b, elementwise over n. */
  add(n: number, a: FArray, b: FArray, out: FArray): void;
  /** out = beta·out + a·b, elementwise over n. */
  mul(n: number, a: FArray, b: FArray, out: FArray, beta: 0 | 1): void;
  /** out = beta·out + s·a, elementwise over n. */
  scale(n: number, s: number, a: FArray, out: FArray, beta: 0 | 1): void;
  /** out(rows,cols) = x + bias broadcast over rows (bias has cols entries). */
  addRowVec(rows: number, cols: number, x: FArray, bias: FArray, out: FArray): void;
  /** out(cols) = beta·out + Σ_rows x (column sums; the bias gradient). */
  sumRows(rows: number, cols: number, x: FArray, out: FArray, beta: 0 | 1): void;
  /** Σ x_i² over n elements, accumulated in float64, returned as a JS number. */
  sumSquares(n: number, x: FArray): number;

  /** out(n,cols) = table[idx[i], :]. */
  gatherRows(n: number, cols: number, table: FArray, idx: Int32Array, out: FArray): void;
  /** tableGrad[idx[i], :] += g(i, :), in index order (deterministic). */
  scatterAddRows(n: number, cols: number, g: FArray, idx: Int32Array, tableGrad: FArray): void;
  /** out(n,cols) = tA[ia[i], :] + tB[ib[i], :] + bias — the MLP's factored first layer. */
  gatherAdd2(n: number, cols: number, tA: FArray, ia: Int32Array, tB: FArray, ib: Int32Array, bias: FArray, out: FArray): void;

  /**
   * out = GELU(x) = x·Φ(x) with the exact erf, over n. f64: ½·x·erfc(−x/√2) with fdlibm's erfc
   * (erf.ts). f32: PyTorch's float32 form (x·½)·(1 + erf(x·√½)) in float32 arithmetic, erf and exp
   * being the float32 algorithms of math32.ts (each ≤ 1 ulp).
   */
  geluForward(n: number, x: FArray, out: FArray): void;
  /**
   * geluForward's y (the same bits) and dydx = GELU'(x) = Φ(x) + x·φ(x), for a tape that keeps dydx
   * so that backward is one multiply: gx += gy·dydx. f32: dydx = ½·(1 + erf(t)) + x·(β·exp(−t²)),
   * t = x·√½, β = 1/√(2π), in float32 arithmetic (math32.ts); f64: erf.ts's geluGrad.
   */
  geluForwardGrad(n: number, x: FArray, y: FArray, dydx: FArray): void;
  /** gx = beta·gx + gy·GELU'(x), over n (GELU' as in geluForwardGrad; the product rounds first). */
  geluBackward(n: number, x: FArray, gy: FArray, gx: FArray, beta: 0 | 1): void;

  /**
   * The MLP's hidden layer in one pass: pre = tA[ia[i], :] + tB[ib[i], :] + bias (gatherAdd2's
   * arithmetic, not stored), y = GELU(pre) and, when dydx is given, dydx = GELU'(pre) — the bits of
   * gatherAdd2 followed by geluForward / geluForwardGrad.
   */
  gatherAdd2Gelu(n: number, cols: number, tA: FArray, ia: Int32Array, tB: FArray, ib: Int32Array, bias: FArray, y: FArray, dydx: FArray | null): void;
  /**
   * Its backward in one pass: g = gy ⊙ dydx (rounded, as mul); tAGrad[ia[i], :] += g_i and
   * tBGrad[ib[i], :] += g_i in index order (as scatterAddRows; null skips one); biasGrad = beta·biasGrad
   * + Σ_rows g (as sumRows; null skips it).
   */
  gatherAdd2GeluBackward(n: number, cols: number, gy: FArray, dydx: FArray, ia: Int32Array, ib: Int32Array, tAGrad: FArray | null, tBGrad: FArray | null, biasGrad: FArray | null, beta: 0 | 1): void;

  /**
   * Cross-entropy of softmax(z/τ) against labels, mean over rows, in PyTorch's order (F.log_softmax,
   * then the mean of −logp_y): x_k = z_k/τ, m = max x, s = Σ_k exp(x_k − m) summed as torch's
   * vectorised CPU reduction sums (16 float32 / 8 float64 lanes, then folded in halves; below that,
   * left to right), logp_k = (x_k − m) − log s. Returns the mean loss (accumulated in float64). When dz
   * is given, writes (overwriting) log_softmax's and the mean's backward as torch computes them:
   * c = gradScale/rows, dz_k = exp(logp_k)·c, dz_y = fma(exp(logp_y), c, −c), then dz/τ (torch's
   * compiled `grad − exp(out)·Σgrad` is a fused multiply-add; f64's rounds twice here). In f32 every
   * operation rounds to float32 (τ too, first); exp is math32.ts's expf (≤ 1 ulp), log the float64 log
   * rounded. So a correct-class probability exp(logp_y) is exactly 1.0 only when s rounds to 1, i.e.
   * when the rivals' summed mass is below half an ulp of 1 — not of the max logit.
   */
  softmaxCrossEntropy(rows: number, cols: number, z: FArray, labels: Int32Array, tau: number, dz: FArray | null, gradScale: number): number;
  /**
   * MSE: mean over rows of Σ_k (z_k/τ − onehot_k)²; dz = (c·2(z/τ − onehot))/τ with c = gradScale/rows
   * when given (torch's pow and mean backward), rounded as softmaxCrossEntropy rounds.
   */
  mse(rows: number, cols: number, z: FArray, labels: Int32Array, tau: number, dz: FArray | null, gradScale: number): number;
  /**
   * StableMax cross-entropy (stablemax.ts; docs/study.md §11): mean over rows of −log(s(x_y)/Σ_k s(x_k)),
   * x = z/τ, s(x) = x + 1 (x ≥ 0) or 1/(1 − x) (x < 0); dz (overwritten, when given) its gradient times
   * gradScale. Every operation rounds in the working precision; the sum in torch's lane order.
   */
  stablemaxCrossEntropy(rows: number, cols: number, z: FArray, labels: Int32Array, tau: number, dz: FArray | null, gradScale: number): number;
  /**
   * Measurement statistics of a block of logits; loss is "ce", "mse" or "stablemax" (only lossSum
   * depends on it: accuracy, saturation and collapse are always read from softmax). Probabilities as torch.softmax
   * computes them: e_k = exp(x_k − m) (the same bits as above), p_k = e_k·(1/s); the loss from the
   * log-softmax above.
   */
  logitStats(rows: number, cols: number, z: FArray, labels: Int32Array, tau: number, loss: LossKind): LogitStats;

  /**
   * The transformer's shared-query attention, per sequence (tensor/ops/attention.ts): B sequences of T
   * table rows idx[b·T + j]; Y(b, e) = Σ_j P(b·heads + h, j)·V(idx[b·T + j], e) with h = e's head (heads
   * split d evenly), summed in float64 over j in order and rounded once. probs (B·heads, T), V (R, d),
   * Y (B, d); the indices must lie in V's rows.
   */
  sharedAttentionForward(B: number, T: number, heads: number, d: number, probs: FArray, V: FArray, idx: Int32Array, Y: FArray): void;
  /**
   * Its backward's per-sequence part, given G = ∂L/∂Y (B, d): gProbs(b·heads + h, j) = Σ_{e in head h}
   * G(b, e)·V(idx[b·T + j], e), in float64 over e in order, rounded once; and, unless gvSum is null,
   * gvSum(idx[b·T + j], e) += P(b·heads + h, j)·G(b, e) in float64 (R·d values), b then j in order.
   */
  sharedAttentionBackward(B: number, T: number, heads: number, d: number, probs: FArray, G: FArray, V: FArray, idx: Int32Array, gProbs: FArray, gvSum: Float64Array | null): void;

  /** y = softmax over each row of x (rows, cols); for attention. */
  softmaxRows(rows: number, cols: number, x: FArray, y: FArray): void;
  /** gx = beta·gx + y ⊙ (gy − Σ_row gy⊙y): softmax backward given its output y. */
  softmaxRowsBackward(rows: number, cols: number, y: FArray, gy: FArray, gx: FArray, beta: 0 | 1): void;
  /** LayerNorm without affine: y = (x − μ)/sqrt(σ² + eps) per row; writes mean and rstd (rows each). */
  layerNorm(rows: number, cols: number, x: FArray, y: FArray, mean: FArray, rstd: FArray, eps: number): void;
  /** LayerNorm backward given y = x̂, rstd: gx = beta·gx + rstd·(gy − mean(gy) − x̂·mean(gy⊙x̂)). */
  layerNormBackward(rows: number, cols: number, y: FArray, rstd: FArray, gy: FArray, gx: FArray, beta: 0 | 1): void;

  /**
   * One AdamW step over n parameters, in place, as the release's PyTorch loop computes it: m = β1·m +
   * (1−β1)·g; v = β2·v + (1−β2)·g·g; w = w − lr·(m/bc1)/(sqrt(v/bc2) + eps); then the decoupled decay
   * w = w − lr·wd·w. bc1 = 1 − β1^t and bc2 = 1 − β2^t are passed in. wd = 0 for biases. Rounding: each
   * tensor op rounds in the working precision with its scalars rounded first, and the two moment
   * updates and the decay are fused multiply-adds (torch's vectorised add and addcmul); see reference.ts.
   */
  adamw(n: number, w: FArray, g: FArray, m: FArray, v: FArray, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number, wd: number): void;
}
