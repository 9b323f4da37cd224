// Gradient checking against central finite differences in float64 with the reference kernels, and
// small tensor helpers shared by the tensor, model and trainer tests.

import { referenceKernels } from "../../src/kernels/reference.js";
import { Arena } from "../../src/base/arena.js";
import { Rng } from "../../src/base/rng.js";
import { type Ctx, Tape, Tensor } from "../../src/tensor/tape.js";

export function f64Ctx(megabytes = 32): Ctx {
  const arena = new Arena(megabytes);
  return { arena, k: referenceKernels("f64"), dtype: "f64" };
}

/** A leaf tensor with N(0,1)·scale entries that requires a gradient. */
export function param(ctx: Ctx, shape: number[], rng: Rng, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const t = new Tensor(shape, ctx.arena.floats(ctx.dtype, n), true);
  for (let i = 0; i < n; i++) t.data[i] = rng.normal() * scale;
  t.grad = ctx.arena.floats(ctx.dtype, n);
  return t;
}

export function indices(ctx: Ctx, values: number[]): Int32Array {
  const a = ctx.arena.ints(values.length);
  a.set(values);
  return a;
}

/**
 * Compares analytic gradients of the scalar `build(tape)` w.r.t. `inputs` with central differences.
 * Returns the largest relative error max|g − g_fd| / max(1e-8, max|g_fd|) over all inputs.
 */
export function gradCheck(ctx: Ctx, inputs: Tensor[], build: (tape: Tape) => Tensor, h = 1e-6): number {
  const evalLoss = (): number => {
    const mark = ctx.arena.mark();
    const v = build(new Tape(ctx, false)).data[0]!;
    ctx.arena.release(mark);
    return v;
  };
  for (const t of inputs) t.grad!.fill(0);
  const mark = ctx.arena.mark();
  const tape = new Tape(ctx);
  const loss = build(tape);
  tape.backward(loss);
  ctx.arena.release(mark);
  let worst = 0;
  for (const t of inputs) {
    const fd = new Float64Array(t.size);
    for (let i = 0; i < t.size; i++) {
      const x0 = t.data[i]!;
      t.data[i] = x0 + h;
      const up = evalLoss();
      t.data[i] = x0 - h;
      const down = evalLoss();
      t.data[i] = x0;
      fd[i] = (up - down) / (2 * h);
    }
    const scale = Math.max(1e-8, ...Array.from(fd, Math.abs));
    for (let i = 0; i < t.size; i++) worst = Math.max(worst, Math.abs(t.grad![i]! - fd[i]!) / scale);
  }
  return worst;
}

export { Rng };
