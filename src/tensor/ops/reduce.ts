// Reductions: the sum of all elements (a scalar) and column sums of a 2-D tensor, with backward.

import { type Tape, Tensor } from "../tape.js";

/** Σ x over all elements, as a (1) tensor. */
export function sum(tape: Tape, x: Tensor): Tensor {
  const y = tape.out([1], x);
  tape.k.sumRows(x.size, 1, x.data, y.data, 0);
  tape.record(y, () => {
    const gx = tape.grad(x);
    tape.k.addRowVec(x.size, 1, gx, y.grad!, gx); // gx += g, broadcast
  });
  return y;
}

/** Column sums of x (rows, cols) → (cols). */
export function sumRowsOp(tape: Tape, x: Tensor): Tensor {
  const [rows, cols] = [x.shape[0]!, x.shape[1]!];
  const y = tape.out([cols], x);
  tape.k.sumRows(rows, cols, x.data, y.data, 0);
  tape.record(y, () => {
    const gx = tape.grad(x);
    tape.k.addRowVec(rows, cols, gx, y.grad!, gx); // every row += g
  });
  return y;
}
