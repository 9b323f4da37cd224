// The paper's MLP (docs/study.md §3): a shared embedding E (p, d); x = [E_a ; E_b]; h = GELU(x·W1 + b1);
// logits z = h·W2 + b2. The first layer is computed as two gathers from the (p, H) tables
// E·W1[:d] and E·W1[d:] — the same function at a fraction of the FLOPs (autodiff gives the cheap
// backward), fused with the GELU (one pass each way). Init: E, W1, W2 entries N(0,1)/√fan_in
// (fan_in = d, 2d, H); biases zero.

import type { Arena } from "../base/arena.js";
import type { DType } from "../base/dtype.js";
import { addBias, gatherAdd2Gelu, matmul, rowsView } from "../tensor/ops/index.js";
import type { Rng } from "../base/rng.js";
import type { Tape, Tensor } from "../tensor/tape.js";
import type { Model } from "./model.js";
import { ParamSet } from "./params.js";

export interface MlpShape {
  p: number;
  d: number;
  hidden: number;
}

export class Mlp implements Model {
  readonly kind = "mlp" as const;
  readonly embedding = "E";
  readonly params: ParamSet;
  readonly classes: number;

  constructor(
    arena: Arena,
    dtype: DType,
    readonly shape: MlpShape,
  ) {
    const { p, d, hidden: H } = shape;
    this.classes = p;
    this.params = new ParamSet(arena, dtype, [
      { name: "E", shape: [p, d], matrix: true },
      { name: "W1", shape: [2 * d, H], matrix: true },
      { name: "W2", shape: [H, p], matrix: true },
      { name: "b1", shape: [H], matrix: false },
      { name: "b2", shape: [p], matrix: false },
    ]);
  }

  /** Draws E, W1, W2 (in that order, row-major) from N(0,1)/√fan_in; biases stay zero. */
  init(rng: Rng): void {
    const { d, hidden: H } = this.shape;
    const fan: Record<string, number> = { E: d, W1: 2 * d, W2: H };
    for (const name of ["E", "W1", "W2"]) {
      const w = this.params.tensor(name).data;
      const s = 1 / Math.sqrt(fan[name]!);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * s;
    }
  }

  forward(tape: Tape, a: Int32Array, b: Int32Array): Tensor {
    const P = this.params;
    const { d } = this.shape;
    const E = P.tensor("E"); // (p, d)
    const W1 = P.tensor("W1"); // (2d, H)
    const tA = matmul(tape, E, rowsView(tape, W1, 0, d)); // (p, H) = E·W1[:d]
    const tB = matmul(tape, E, rowsView(tape, W1, d, d)); // (p, H) = E·W1[d:]
    const h = gatherAdd2Gelu(tape, tA, a, tB, b, P.tensor("b1")); // (n, H) = GELU(tA[a] + tB[b] + b1)
    return addBias(tape, matmul(tape, h, P.tensor("W2")), P.tensor("b2")); // (n, p)
  }
}
