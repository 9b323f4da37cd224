// LayerNorm without affine parameters over the last axis of a 2-D tensor, with its backward: the
// transformer's `layernorm: pre` variant (PyTorch's F.layer_norm(x, (cols,)) with eps 1e-5).
// Not here: a learned gain or bias (the study's transformer has none).

import { type Tape, Tensor } from "../tape.js";

export const LAYERNORM_EPS = 1e-5;

/** y (rows, cols) = (x − mean_row)/sqrt(var_row + eps), var the biased (population) variance. */
export function layerNorm(tape: Tape, x: Tensor, eps = LAYERNORM_EPS): Tensor {
  if (x.shape.length !== 2) throw new Error(`layerNorm: expected a 2-D tensor, got shape [${x.shape}]`);
  const [rows, cols] = [x.shape[0]!, x.shape[1]!];
  const { arena, dtype } = tape.ctx;
  const y = tape.out([rows, cols], x); // (rows, cols)
  const mean = arena.floats(dtype, rows); // (rows)
  const rstd = arena.floats(dtype, rows); // (rows)
  tape.k.layerNorm(rows, cols, x.data, y.data, mean, rstd, eps);
  tape.record(y, () => tape.k.layerNormBackward(rows, cols, y.data, rstd, y.grad!, tape.grad(x), 1));
  return y;
}
