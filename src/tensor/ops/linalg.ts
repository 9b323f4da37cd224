// Matrix products and the bias add: matmul (with optional transposed right operand), linear (x·W + b)
// and addBias, each with its backward beside it. Shapes: 2-D row-major tensors only.

import { type Tape, Tensor } from "../tape.js";

function dims2(t: Tensor, what: string): [number, number] {
  if (t.shape.length !== 2) throw new Error(`${what}: expected a 2-D tensor, got shape [${t.shape}]`);
  return [t.shape[0]!, t.shape[1]!];
}

/** C = A·B, or A·Bᵀ with transB. A (M,K); B (K,N) or (N,K). */
export function matmul(tape: Tape, a: Tensor, b: Tensor, transB = false): Tensor {
  const [M, K] = dims2(a, "matmul A");
  const [b0, b1] = dims2(b, "matmul B");
  const [Kb, N] = transB ? [b1, b0] : [b0, b1];
  if (K !== Kb) throw new Error(`matmul: inner sizes differ: A [${a.shape}] and B [${b.shape}]${transB ? "ᵀ" : ""}`);
  const c = tape.out([M, N], a, b); // (M, N)
  tape.k.gemm(false, transB, M, N, K, a.data, b.data, c.data, 0);
  tape.record(c, () => {
    const gc = c.grad!;
    if (a.requiresGrad) {
      const [ga, beta] = tape.gradForSum(a);
      tape.k.gemm(false, !transB, M, K, N, gc, b.data, ga, beta); // dA = dC·Bᵀ (or dC·B)
    }
    if (b.requiresGrad) {
      const [gb, beta] = tape.gradForSum(b);
      if (transB) tape.k.gemm(true, false, N, K, M, gc, a.data, gb, beta); // dB (N,K) = dCᵀ·A
      else tape.k.gemm(true, false, K, N, M, a.data, gc, gb, beta); // dB (K,N) = Aᵀ·dC
    }
  });
  return c;
}

/** y = x + bias, bias (cols) broadcast over the rows of x (rows, cols). */
export function addBias(tape: Tape, x: Tensor, bias: Tensor): Tensor {
  const [rows, cols] = dims2(x, "addBias x");
  if (bias.size !== cols) throw new Error(`addBias: bias has ${bias.size} entries, x has ${cols} columns`);
  const y = tape.out([rows, cols], x, bias); // (rows, cols)
  tape.k.addRowVec(rows, cols, x.data, bias.data, y.data);
  tape.record(y, () => {
    if (x.requiresGrad) tape.k.scale(x.size, 1, y.grad!, tape.grad(x), 1);
    if (bias.requiresGrad) tape.k.sumRows(rows, cols, y.grad!, tape.grad(bias), 1);
  });
  return y;
}

/** y = x·W + b. x (M,K), W (K,N), b (N). */
export function linear(tape: Tape, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const xw = matmul(tape, x, w); // (M, N)
  return b ? addBias(tape, xw, b) : xw;
}
