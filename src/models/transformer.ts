// The one-layer transformer (docs/study.md §3): tokens [a, b, =] ("=" is token p), token embedding W_E and
// learned positional embedding W_pos, causal multi-head attention (W_Q, W_K, W_V, W_O, no biases) with
// a residual, a GELU MLP d → d_mlp → d (W_in, W_out, no biases) with a residual, and the unembedding
// W_U read at the last position. `layernorm: pre` adds non-affine LayerNorm before attention, MLP and
// unembedding. Not here: biases, dropout, more layers, or logits at positions other than the last.
//
// Only the last position's output is read, so only what it needs is computed: its query, the keys and
// values of all three positions, attention and the MLP at that position. With causal masking the last
// query sees all three keys, so this is exactly the full forward's last row (one layer: earlier
// positions' outputs feed nothing). Causal and full attention are therefore the same function here.
// Further, positions 0 and 1 hold a alone and b alone, and position 2 is always "=", so their residual
// rows (and LayerNorm of them, and K = x·W_K, V = x·W_V) are tables of 2p + 1 rows, picked per pair —
// the transformer's analogue of the MLP's factored first layer — and the query is one row shared by
// every pair, so attention scores are computed per table row (ops/attention.ts, sharedQueryAttention).
//
// Init: every matrix N(0,1)/√fan_in; the embeddings W_E and W_pos use fan_in = d_model.

import type { Arena } from "../base/arena.js";
import type { DType } from "../base/dtype.js";
import { add, addBias, gatherRows, gelu, layerNorm, matmul, rowsView, sharedQueryAttention } from "../tensor/ops/index.js";
import type { Rng } from "../base/rng.js";
import type { Tape, Tensor } from "../tensor/tape.js";
import type { Model } from "./model.js";
import { ParamSet } from "./params.js";

export interface TransformerShape {
  p: number;
  d_model: number;
  heads: number;
  d_mlp: number;
  layernorm: "none" | "pre";
}

/** Parameter names in storage order (all weight matrices: decayed, clamped, counted in ‖W‖). */
export const TRANSFORMER_PARAMS = ["W_E", "W_pos", "W_Q", "W_K", "W_V", "W_O", "W_in", "W_out", "W_U"] as const;

export class Transformer implements Model {
  readonly kind = "transformer" as const;
  readonly embedding = "W_E";
  readonly params: ParamSet;
  readonly classes: number;

  constructor(
    arena: Arena,
    dtype: DType,
    readonly shape: TransformerShape,
  ) {
    const { p, d_model: d, heads, d_mlp: M } = shape;
    if (d % heads !== 0) throw new Error(`transformer: d_model ${d} is not divisible by ${heads} heads`);
    this.classes = p;
    const dims: Record<(typeof TRANSFORMER_PARAMS)[number], number[]> = {
      W_E: [p + 1, d],
      W_pos: [3, d],
      W_Q: [d, d],
      W_K: [d, d],
      W_V: [d, d],
      W_O: [d, d],
      W_in: [d, M],
      W_out: [M, d],
      W_U: [d, p],
    };
    this.params = new ParamSet(
      arena,
      dtype,
      TRANSFORMER_PARAMS.map((name) => ({ name, shape: dims[name], matrix: true })),
    );
  }

  /** Draws every matrix (in storage order, row-major) from N(0,1)/√fan_in; fan_in is the row count, d_model for the embeddings. */
  init(rng: Rng): void {
    const { d_model: d } = this.shape;
    for (const name of TRANSFORMER_PARAMS) {
      const t = this.params.tensor(name);
      const fan = name === "W_E" || name === "W_pos" ? d : t.shape[0]!;
      const s = 1 / Math.sqrt(fan);
      const w = t.data;
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * s;
    }
  }

  forward(tape: Tape, a: Int32Array, b: Int32Array): Tensor {
    const P = this.params;
    const { p, heads, layernorm } = this.shape;
    const n = a.length;
    const ln = (x: Tensor): Tensor => (layernorm === "pre" ? layerNorm(tape, x) : x);
    const { arena } = tape.ctx;
    // the residual stream's input rows: p rows of (a, position 0), p of (b, position 1), one of ("=", 2)
    const tok = arena.ints(2 * p + 1);
    const pos = arena.ints(2 * p + 1);
    for (let t = 0; t < p; t++) {
      tok[t] = t;
      tok[p + t] = t;
      pos[p + t] = 1;
    }
    tok[2 * p] = p;
    pos[2 * p] = 2;
    const X = add(tape, gatherRows(tape, P.tensor("W_E"), tok), gatherRows(tape, P.tensor("W_pos"), pos)); // (2p+1, d)
    const Xn = ln(X); // (2p+1, d)
    const Kt = matmul(tape, Xn, P.tensor("W_K")); // (2p+1, d) keys by (token, position)
    const Vt = matmul(tape, Xn, P.tensor("W_V")); // (2p+1, d) values by (token, position)
    const q1 = matmul(tape, rowsView(tape, Xn, 2 * p, 1), P.tensor("W_Q")); // (1, d) the "=" query
    // per pair: the table rows of positions [a, b, =]; every pair shares the one query
    const kvIdx = arena.ints(3 * n);
    for (let i = 0; i < n; i++) {
      kvIdx[3 * i] = a[i]!;
      kvIdx[3 * i + 1] = p + b[i]!;
      kvIdx[3 * i + 2] = 2 * p;
    }
    const att = sharedQueryAttention(tape, q1, Kt, Vt, kvIdx, 3, heads); // (n, d)
    const r1 = addBias(tape, matmul(tape, att, P.tensor("W_O")), rowsView(tape, X, 2 * p, 1)); // (n, d) residual at "="
    const h = gelu(tape, matmul(tape, ln(r1), P.tensor("W_in"))); // (n, d_mlp)
    const r2 = add(tape, r1, matmul(tape, h, P.tensor("W_out"))); // (n, d)
    return matmul(tape, ln(r2), P.tensor("W_U")); // (n, p)
  }
}
