// Index ops: row gather from a table (embeddings), its scatter-add backward, and gatherAdd2, the
// MLP's factored first layer h = TA[a] + TB[b] + bias (same function as [E_a; E_b]·W1 + b1), alone
// or fused with the GELU that follows it (gatherAdd2Gelu: one pass each way, the same bits).

import { type Tape, Tensor } from "../tape.js";

/** out (n, cols) = table[idx[i], :]. */
export function gatherRows(tape: Tape, table: Tensor, idx: Int32Array): Tensor {
  const cols = table.shape[1]!;
  const n = idx.length;
  const y = tape.out([n, cols], table); // (n, cols)
  tape.k.gatherRows(n, cols, table.data, idx, y.data);
  tape.record(y, () => tape.k.scatterAddRows(n, cols, y.grad!, idx, tape.grad(table)));
  return y;
}

/** out (n, cols) = tA[ia[i]] + tB[ib[i]] + bias. */
export function gatherAdd2(tape: Tape, tA: Tensor, ia: Int32Array, tB: Tensor, ib: Int32Array, bias: Tensor): Tensor {
  const cols = tA.shape[1]!;
  const n = ia.length;
  if (ib.length !== n) throw new Error(`gatherAdd2: index lengths differ (${n} and ${ib.length})`);
  if (tB.shape[1] !== cols || bias.size !== cols) throw new Error(`gatherAdd2: column counts differ`);
  const y = tape.out([n, cols], tA, tB, bias); // (n, cols)
  tape.k.gatherAdd2(n, cols, tA.data, ia, tB.data, ib, bias.data, y.data);
  tape.record(y, () => {
    const g = y.grad!;
    if (tA.requiresGrad) tape.k.scatterAddRows(n, cols, g, ia, tape.grad(tA));
    if (tB.requiresGrad) tape.k.scatterAddRows(n, cols, g, ib, tape.grad(tB));
    if (bias.requiresGrad) tape.k.sumRows(n, cols, g, tape.grad(bias), 1);
  });
  return y;
}

/**
 * GELU(tA[ia[i]] + tB[ib[i]] + bias), (n, cols): gatherAdd2 then gelu in one kernel pass. When
 * recording it keeps GELU' for backward (as gelu does), and backward is one fused pass too.
 */
export function gatherAdd2Gelu(tape: Tape, tA: Tensor, ia: Int32Array, tB: Tensor, ib: Int32Array, bias: Tensor): Tensor {
  const cols = tA.shape[1]!;
  const n = ia.length;
  if (ib.length !== n) throw new Error(`gatherAdd2Gelu: index lengths differ (${n} and ${ib.length})`);
  if (tB.shape[1] !== cols || bias.size !== cols) throw new Error(`gatherAdd2Gelu: column counts differ`);
  const y = tape.out([n, cols], tA, tB, bias); // (n, cols)
  const dydx = y.requiresGrad ? tape.ctx.arena.floats(tape.ctx.dtype, n * cols, false) : null;
  tape.k.gatherAdd2Gelu(n, cols, tA.data, ia, tB.data, ib, bias.data, y.data, dydx);
  tape.record(y, () => {
    const gA = tA.requiresGrad ? tape.grad(tA) : null;
    const gB = tB.requiresGrad ? tape.grad(tB) : null;
    const gb = bias.requiresGrad ? tape.grad(bias) : null;
    tape.k.gatherAdd2GeluBackward(n, cols, y.grad!, dydx!, ia, ib, gA, gB, gb, 1);
  });
  return y;
}
