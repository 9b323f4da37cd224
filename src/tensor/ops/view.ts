// Views: a tensor that shares storage (and gradient storage) with a contiguous block of rows of
// another. No copy and no backward closure: gradients land directly in the parent's buffer.

import { type Tape, Tensor } from "../tape.js";

/** Rows [start, start+count) of a 2-D tensor (rows, cols) as a (count, cols) tensor. */
export function rowsView(tape: Tape, t: Tensor, start: number, count: number): Tensor {
  const cols = t.shape[1]!;
  if (t.shape.length !== 2 || start < 0 || start + count > t.shape[0]!) {
    throw new Error(`rowsView: rows [${start}, ${start + count}) out of shape [${t.shape}]`);
  }
  const v = new Tensor([count, cols], t.data.subarray(start * cols, (start + count) * cols), t.requiresGrad && tape.recording);
  if (v.requiresGrad) v.grad = tape.grad(t).subarray(start * cols, (start + count) * cols);
  return v;
}
