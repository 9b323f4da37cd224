// Index ops: row gather from a table (embeddings), its scatter-add backward, and gatherAdd2, the
// MLP's factored first layer h = TA[a] + TB[b] + bias (same function as [E_a; E_b]·W1 + b1).

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
