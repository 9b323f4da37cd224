// Multi-head scaled dot-product attention over a batch of short sequences, forward and backward side
// by side. The score and weighted-sum loops are plain TypeScript (sequences here are 3 tokens long,
// so per-head GEMM calls would cost more than they compute); the softmax and its backward are the
// kernels' softmaxRows/softmaxRowsBackward. sharedQueryAttention is the fused form the transformer
// uses (one query for all sequences, keys and values gathered from tables): its scores are computed
// once per table row here, its loops over sequences are the kernels' sharedAttentionForward/Backward.
// Not here: the Q/K/V/O projections (matmul) or masking other than causal.

import type { FArray } from "../../base/dtype.js";
import { type Tape, Tensor } from "../tape.js";

export interface AttentionShape {
  /** number of sequences B */
  seqs: number;
  heads: number;
  /** the queries are the last Tq of the T positions; causal: query i sees keys j ≤ T − Tq + i */
  causal: boolean;
}

/**
 * out (B·Tq, d) = per head h: softmax(q_h·k_hᵀ/√dh) · v_h, heads concatenated along d.
 * q (B·Tq, d), k and v (B·T, d): rows grouped by sequence (row b·T + j is position j of sequence b).
 */
export function attention(tape: Tape, q: Tensor, k: Tensor, v: Tensor, shape: AttentionShape): Tensor {
  const { seqs: B, heads: H, causal } = shape;
  const d = q.shape[1]!;
  if (q.shape.length !== 2 || k.shape.length !== 2 || v.shape.length !== 2) throw new Error("attention: q, k, v must be 2-D");
  if (k.shape[1] !== d || v.shape[1] !== d || d % H !== 0) throw new Error(`attention: widths [${q.shape}] [${k.shape}] [${v.shape}] with ${H} heads`);
  if (q.shape[0]! % B !== 0 || k.shape[0]! % B !== 0 || k.shape[0] !== v.shape[0]) throw new Error(`attention: rows do not split into ${B} sequences`);
  const Tq = q.shape[0]! / B;
  const T = k.shape[0]! / B;
  if (Tq > T) throw new Error(`attention: ${Tq} queries for ${T} keys`);
  const dh = d / H;
  const scale = 1 / Math.sqrt(dh);
  // query i's scores for all (b, h) form one block of B·H rows of len[i] visible keys
  const len: number[] = [];
  const off: number[] = [];
  let total = 0;
  for (let i = 0; i < Tq; i++) {
    len.push(causal ? T - Tq + i + 1 : T);
    off.push(total);
    total += B * H * len[i]!;
  }
  const { arena, dtype } = tape.ctx;
  const y = tape.out([B * Tq, d], q, k, v); // (B·Tq, d)
  const probs = arena.floats(dtype, total); // blocks (B·H, len[i])
  const scores = arena.floats(dtype, total); // same layout, before softmax
  const Q = q.data;
  const K = k.data;
  const V = v.data;
  for (let i = 0; i < Tq; i++) {
    const L = len[i]!;
    for (let b = 0; b < B; b++) {
      const qRow = (b * Tq + i) * d;
      for (let h = 0; h < H; h++) {
        const row = off[i]! + (b * H + h) * L;
        const qo = qRow + h * dh;
        for (let j = 0; j < L; j++) {
          const ko = (b * T + j) * d + h * dh;
          let s = 0;
          for (let e = 0; e < dh; e++) s += Q[qo + e]! * K[ko + e]!;
          scores[row + j] = s * scale;
        }
      }
    }
    tape.k.softmaxRows(B * H, L, scores.subarray(off[i]!, off[i]! + B * H * L), probs.subarray(off[i]!, off[i]! + B * H * L));
  }
  weightedSum(y.data, probs, V, B, H, T, Tq, d, len, off);

  tape.record(y, () => {
    const G = y.grad!; // (B·Tq, d)
    const gProbs = arena.floats(dtype, total);
    const gScores = arena.floats(dtype, total);
    const gv = v.requiresGrad ? tape.grad(v) : null;
    for (let i = 0; i < Tq; i++) {
      const L = len[i]!;
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          const row = off[i]! + (b * H + h) * L;
          const go = (b * Tq + i) * d + h * dh;
          for (let j = 0; j < L; j++) {
            const vo = (b * T + j) * d + h * dh;
            const pj = probs[row + j]!;
            let s = 0;
            for (let e = 0; e < dh; e++) s += G[go + e]! * V[vo + e]!;
            gProbs[row + j] = s; // dL/dP = G·v
            if (gv) for (let e = 0; e < dh; e++) gv[vo + e] = gv[vo + e]! + pj * G[go + e]!; // dv += P·G
          }
        }
      }
      const [o, n] = [off[i]!, off[i]! + B * H * L];
      tape.k.softmaxRowsBackward(B * H, L, probs.subarray(o, n), gProbs.subarray(o, n), gScores.subarray(o, n), 0);
    }
    const gq = q.requiresGrad ? tape.grad(q) : null;
    const gk = k.requiresGrad ? tape.grad(k) : null;
    for (let i = 0; i < Tq; i++) {
      const L = len[i]!;
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          const row = off[i]! + (b * H + h) * L;
          const qo = (b * Tq + i) * d + h * dh;
          for (let j = 0; j < L; j++) {
            const ko = (b * T + j) * d + h * dh;
            const g = gScores[row + j]! * scale;
            if (gq) for (let e = 0; e < dh; e++) gq[qo + e] = gq[qo + e]! + g * K[ko + e]!; // dq += dS·k/√dh
            if (gk) for (let e = 0; e < dh; e++) gk[ko + e] = gk[ko + e]! + g * Q[qo + e]!; // dk += dS·q/√dh
          }
        }
      }
    }
  });
  return y;
}

/** out(b·Tq + i, h-block) = Σ_j P[i; b, h, j] · V(b·T + j, h-block), accumulated in float64. */
function weightedSum(out: FArray, probs: FArray, V: FArray, B: number, H: number, T: number, Tq: number, d: number, len: number[], off: number[]): void {
  const dh = d / H;
  const acc = new Float64Array(dh);
  for (let i = 0; i < Tq; i++) {
    const L = len[i]!;
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const row = off[i]! + (b * H + h) * L;
        acc.fill(0);
        for (let j = 0; j < L; j++) {
          const pj = probs[row + j]!;
          const vo = (b * T + j) * d + h * dh;
          for (let e = 0; e < dh; e++) acc[e] += pj * V[vo + e]!;
        }
        const oo = (b * Tq + i) * d + h * dh;
        for (let e = 0; e < dh; e++) out[oo + e] = acc[e]!;
      }
    }
  }
}

/**
 * One query shared by every sequence, keys and values picked from tables: the same function as
 * attention(gather(q, [0…0]), gather(kt, idx), gather(vt, idx), full) with one query per sequence,
 * fused so that scores are computed once per table row rather than once per sequence.
 * q (1, d), kt and vt (R, d), idx (B·T) table rows (row b·T + j is key/value j of sequence b) → (B, d).
 */
export function sharedQueryAttention(tape: Tape, q: Tensor, kt: Tensor, vt: Tensor, idx: Int32Array, T: number, heads: number): Tensor {
  const d = q.shape[1]!;
  const R = kt.shape[0]!;
  if (q.size !== d || kt.shape[1] !== d || vt.shape[1] !== d || vt.shape[0] !== R || d % heads !== 0) {
    throw new Error(`sharedQueryAttention: shapes [${q.shape}] [${kt.shape}] [${vt.shape}] with ${heads} heads`);
  }
  if (idx.length % T !== 0) throw new Error(`sharedQueryAttention: ${idx.length} indices do not split into sequences of ${T}`);
  const B = idx.length / T;
  const H = heads;
  const dh = d / H;
  const scale = 1 / Math.sqrt(dh);
  const { arena, dtype } = tape.ctx;
  const Q = q.data;
  const K = kt.data;
  const V = vt.data;
  const table = new Float64Array(R * H); // (R, H) score of each table row, per head
  for (let r = 0; r < R; r++) {
    for (let h = 0; h < H; h++) {
      let s = 0;
      for (let e = h * dh; e < (h + 1) * dh; e++) s += Q[e]! * K[r * d + e]!;
      table[r * H + h] = s * scale;
    }
  }
  const scores = arena.floats(dtype, B * H * T); // (B·H, T)
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < T; j++) {
      const r = idx[b * T + j]!;
      if (r < 0 || r >= R) throw new Error(`sharedQueryAttention: index ${r} outside ${R} table rows`);
      for (let h = 0; h < H; h++) scores[(b * H + h) * T + j] = table[r * H + h]!;
    }
  }
  const probs = arena.floats(dtype, B * H * T); // (B·H, T)
  tape.k.softmaxRows(B * H, T, scores, probs);
  const y = tape.out([B, d], q, kt, vt); // (B, d)
  tape.k.sharedAttentionForward(B, T, H, d, probs, V, idx, y.data);

  tape.record(y, () => {
    const G = y.grad!; // (B, d)
    const gProbs = arena.floats(dtype, B * H * T, false); // (B·H, T)
    // (R, d) float64, summed in index order; the kernels' float64 accumulator whatever the dtype
    const gvSum = vt.requiresGrad ? (arena.floats("f64", R * d) as Float64Array) : null;
    tape.k.sharedAttentionBackward(B, T, H, d, probs, G, V, idx, gProbs, gvSum); // ∂L/∂P = G·v, ∂L/∂v += P·G
    if (gvSum) {
      const gv = tape.grad(vt);
      for (let i = 0; i < R * d; i++) gv[i] = gv[i]! + gvSum[i]!;
    }
    const gScores = arena.floats(dtype, B * H * T); // (B·H, T)
    tape.k.softmaxRowsBackward(B * H, T, probs, gProbs, gScores, 0);
    const gTable = new Float64Array(R * H); // (R, H), summed in index order
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < T; j++) {
        const r = idx[b * T + j]!;
        for (let h = 0; h < H; h++) gTable[r * H + h] += gScores[(b * H + h) * T + j]!;
      }
    }
    const gq = q.requiresGrad ? tape.grad(q) : null;
    const gk = kt.requiresGrad ? tape.grad(kt) : null;
    for (let h = 0; h < H; h++) {
      for (let e = h * dh; e < (h + 1) * dh; e++) {
        let s = 0;
        for (let r = 0; r < R; r++) {
          const g = gTable[r * H + h]! * scale;
          s += g * K[r * d + e]!; // dq = Σ_r dS_r·k_r/√dh
          if (gk) gk[r * d + e] = gk[r * d + e]! + g * Q[e]!; // dk_r += dS_r·q/√dh
        }
        if (gq) gq[e] = gq[e]! + s;
      }
    }
  });
  return y;
}
