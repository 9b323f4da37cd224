// Elementwise ops with their backward: add, mul, scale and GELU (exact erf form, its derivative kept
// from the forward pass).
// Shapes must match exactly; broadcasting of a row vector is addBias in linalg.ts.

import { type Tape, Tensor } from "../tape.js";

function sameShape(a: Tensor, b: Tensor, what: string): void {
  if (a.size !== b.size || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${what}: shapes differ: [${a.shape}] and [${b.shape}]`);
  }
}

export function add(tape: Tape, a: Tensor, b: Tensor): Tensor {
  sameShape(a, b, "add");
  const y = tape.out(a.shape, a, b);
  tape.k.add(a.size, a.data, b.data, y.data);
  tape.record(y, () => {
    if (a.requiresGrad) tape.k.scale(a.size, 1, y.grad!, tape.grad(a), 1);
    if (b.requiresGrad) tape.k.scale(b.size, 1, y.grad!, tape.grad(b), 1);
  });
  return y;
}

export function mul(tape: Tape, a: Tensor, b: Tensor): Tensor {
  sameShape(a, b, "mul");
  const y = tape.out(a.shape, a, b);
  tape.k.mul(a.size, a.data, b.data, y.data, 0);
  tape.record(y, () => {
    if (a.requiresGrad) tape.k.mul(a.size, y.grad!, b.data, tape.grad(a), 1);
    if (b.requiresGrad) tape.k.mul(b.size, y.grad!, a.data, tape.grad(b), 1);
  });
  return y;
}

/** y = s·x for a constant s. */
export function scale(tape: Tape, x: Tensor, s: number): Tensor {
  const y = tape.out(x.shape, x);
  tape.k.scale(x.size, s, x.data, y.data, 0);
  tape.record(y, () => tape.k.scale(x.size, s, y.grad!, tape.grad(x), 1));
  return y;
}

/**
 * GELU(x) = x·Φ(x), exact erf. When recording, the forward also writes GELU'(x) into a buffer kept
 * for backward, which is then one multiply; the first gradient written into x overwrites instead of
 * accumulating onto zeros (the same values but for the sign of a zero, one pass less).
 */
export function gelu(tape: Tape, x: Tensor): Tensor {
  const y = tape.out(x.shape, x);
  const n = x.size;
  if (!y.requiresGrad) {
    tape.k.geluForward(n, x.data, y.data);
    return y;
  }
  const dydx = tape.ctx.arena.floats(tape.ctx.dtype, n, false);
  tape.k.geluForwardGrad(n, x.data, y.data, dydx);
  tape.record(y, () => {
    if (x.grad) tape.k.mul(n, y.grad!, dydx, x.grad, 1);
    else {
      x.grad = tape.ctx.arena.floats(tape.ctx.dtype, n, false);
      tape.k.mul(n, y.grad!, dydx, x.grad, 0);
    }
  });
  return y;
}
