// Losses on logits z (rows, classes) with an output temperature τ: fused softmax-cross-entropy,
// MSE against one-hot targets, and StableMax cross-entropy (docs/study.md §11). Each returns a scalar tensor (the mean over rows); the gradient with
// respect to z is computed in the same pass as the loss and scaled by the upstream gradient later.

import type { LossKind } from "../../base/config.js";
import { type Tape, Tensor } from "../tape.js";

export type { LossKind };

export function lossOp(tape: Tape, kind: LossKind, z: Tensor, labels: Int32Array, tau: number): Tensor {
  const [rows, cols] = [z.shape[0]!, z.shape[1]!];
  if (labels.length !== rows) throw new Error(`loss: ${labels.length} labels for ${rows} rows`);
  const out = tape.out([1], z);
  const dz = out.requiresGrad ? tape.ctx.arena.floats(tape.ctx.dtype, z.size, false) : null;
  const f = kind === "ce" ? tape.k.softmaxCrossEntropy : kind === "mse" ? tape.k.mse : tape.k.stablemaxCrossEntropy;
  out.data[0] = f.call(tape.k, rows, cols, z.data, labels, tau, dz, 1);
  tape.record(out, () => tape.k.scale(z.size, out.grad![0]!, dz!, tape.grad(z), 1));
  return out;
}
