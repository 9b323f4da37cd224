// Tensors and the tape: reverse-mode autodiff in the micrograd/llm.c style. A Tensor is a shape and a
// typed-array view in the arena; every op allocates its output, computes it with the kernels, and
// records its backward closure beside it on the tape. `backward` runs the closures in reverse.
// Gradients accumulate (kernels' beta = 1) into lazily allocated, zero-filled arena buffers.
// Not here: the ops themselves (tensor/ops/*), parameter storage (models/params.ts).

import type { Kernels } from "../kernels/types.js";
import type { Arena } from "../base/arena.js";
import type { DType, FArray } from "../base/dtype.js";

/** Everything an op needs: where to allocate, which kernels, which precision. */
export interface Ctx {
  readonly arena: Arena;
  readonly k: Kernels;
  readonly dtype: DType;
}

export class Tensor {
  /** gradient buffer, allocated on first use (or given, for parameters and views) */
  grad: FArray | null = null;

  constructor(
    readonly shape: readonly number[],
    readonly data: FArray,
    readonly requiresGrad: boolean,
  ) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new Error(`tensor: shape [${shape}] needs ${n} elements, data has ${data.length}`);
  }

  get size(): number {
    return this.data.length;
  }
}

export class Tape {
  private readonly backs: Array<() => void> = [];

  /** recording = false: a forward pass for evaluation; nothing is kept for backward */
  constructor(
    readonly ctx: Ctx,
    readonly recording = true,
  ) {}

  get k(): Kernels {
    return this.ctx.k;
  }

  /**
   * A new output tensor; it needs a gradient when recording and any input does. Its storage is not
   * cleared: every op overwrites its whole output (kernels with beta = 0).
   */
  out(shape: readonly number[], ...inputs: Tensor[]): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const needs = this.recording && inputs.some((t) => t.requiresGrad);
    return new Tensor(shape, this.ctx.arena.floats(this.ctx.dtype, n, false), needs);
  }

  /** A leaf tensor holding given values (inputs, constants). */
  constant(shape: readonly number[], values?: ArrayLike<number>): Tensor {
    const t = new Tensor(shape, this.ctx.arena.floats(this.ctx.dtype, shape.reduce((a, b) => a * b, 1)), false);
    if (values) t.data.set(values);
    return t;
  }

  /** The tensor's gradient buffer, allocated zero-filled on first use. */
  grad(t: Tensor): FArray {
    if (!t.grad) t.grad = this.ctx.arena.floats(this.ctx.dtype, t.size);
    return t.grad;
  }

  /**
   * The tensor's gradient buffer and the beta for a kernel that writes all of it as a sum of products
   * (GEMM): a buffer allocated now is left uncleared and overwritten (beta 0), an existing one is
   * accumulated into (beta 1). The same bits as accumulating onto zeros: such a sum starts at +0 and
   * can never be −0, so 0 + s = s exactly.
   */
  gradForSum(t: Tensor): [FArray, 0 | 1] {
    if (t.grad) return [t.grad, 1];
    t.grad = this.ctx.arena.floats(this.ctx.dtype, t.size, false);
    return [t.grad, 0];
  }

  /** Records a backward closure for an output that needs a gradient. */
  record(out: Tensor, fn: () => void): void {
    if (out.requiresGrad) this.backs.push(fn);
  }

  /** Seeds d(loss)/d(loss) = 1 for a scalar loss and runs every recorded closure in reverse. */
  backward(loss: Tensor): void {
    if (!this.recording) throw new Error("tape: backward on a non-recording tape");
    if (loss.size !== 1) throw new Error(`tape: backward needs a scalar loss, got shape [${loss.shape}]`);
    this.grad(loss)[0] = 1;
    for (let i = this.backs.length - 1; i >= 0; i--) this.backs[i]!();
  }
}
