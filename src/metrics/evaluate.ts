// Evaluation on all pairs: a no-grad forward pass in row chunks (bounded memory), and the logit
// statistics of the train block and the test block: accuracy, mean loss, Σ‖z/τ‖, saturated rows and
// collapsed rows (correct-class softmax probability ≥ 1.0 in the working precision, as the release counts).
// The train block's logits may come from the training step's own forward pass instead (the trainer's
// look-ahead: the same parameters, rows and kernels, so the same bits); they are read in the same row
// chunks, so every sum rounds as before.

import type { LossKind } from "../base/config.js";
import type { FArray } from "../base/dtype.js";
import type { LogitStats } from "../kernels/types.js";
import type { Model } from "../models/model.js";
import { type Ctx, Tape } from "../tensor/tape.js";

/** Operand and label arrays in the arena, ordered train block first, then test block. */
export interface EvalSet {
  a: Int32Array;
  b: Int32Array;
  y: Int32Array;
  nTrain: number;
}

export interface BlockStats extends LogitStats {
  rows: number;
}

export interface Evaluation {
  train: BlockStats;
  test: BlockStats;
}

function empty(): BlockStats {
  return { rows: 0, correct: 0, l2sum: 0, saturated: 0, collapsed: 0, lossSum: 0 };
}

function accumulate(into: BlockStats, s: LogitStats, rows: number): void {
  into.rows += rows;
  into.correct += s.correct;
  into.l2sum += s.l2sum;
  into.saturated += s.saturated;
  into.collapsed += s.collapsed;
  into.lossSum += s.lossSum;
}

/** Rows [from, to) in chunks: each chunk's logits from a no-grad forward, or from `logits` (rows from `from` on) when given. */
function evalBlock(ctx: Ctx, model: Model, set: EvalSet, from: number, to: number, tau: number, loss: LossKind, chunk: number, logits?: FArray): BlockStats {
  const out = empty();
  const c = model.classes;
  for (let s = from; s < to; s += chunk) {
    const e = Math.min(to, s + chunk);
    const mark = ctx.arena.mark();
    const z = logits ? logits.subarray((s - from) * c, (e - from) * c) : model.forward(new Tape(ctx, false), set.a.subarray(s, e), set.b.subarray(s, e)).data; // (rows, p)
    accumulate(out, ctx.k.logitStats(e - s, c, z, set.y.subarray(s, e), tau, loss), e - s);
    ctx.arena.release(mark);
  }
  return out;
}

export interface EvaluateOptions {
  /** rows per forward pass (bounds the memory an evaluation takes) */
  chunk?: number;
  /** the train block's logits (nTrain, classes), already computed by the training step's forward */
  trainLogits?: FArray;
}

export function evaluate(ctx: Ctx, model: Model, set: EvalSet, tau: number, loss: LossKind, opts: EvaluateOptions = {}): Evaluation {
  const n = set.a.length;
  const chunk = opts.chunk ?? 4096;
  const z = opts.trainLogits;
  if (z && z.length !== set.nTrain * model.classes) throw new Error(`evaluate: trainLogits holds ${z.length} values, not ${set.nTrain}×${model.classes}`);
  return {
    train: evalBlock(ctx, model, set, 0, set.nTrain, tau, loss, chunk, z),
    test: evalBlock(ctx, model, set, set.nTrain, n, tau, loss, chunk),
  };
}
